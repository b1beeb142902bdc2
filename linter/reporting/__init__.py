"""Station 5, reporting: findings (and the model) into what people and tools read.

In: `Diagnostic`s, a `Document`. Out: text with code frames, JSON, SARIF, GitHub annotations and
JUnit (`output`, `formats`), the model as JSON (`dump`), fixed text (`fixes`), baselines
(`baseline`) and files written without loss (`writing`).
"""
