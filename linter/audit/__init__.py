"""Station 6, collections: many reports checked against each other (across years and agencies).

In: the facts of each report of a collection — made from the Document and findings of the
per-report lint (facts.py), in worker processes or on Ray, never parsed twice. Out: an
AuditResult (collection.py): each report identified (agency normalised by
rules/audit/agencies.toml, level, region, year, format; copies in other formats merged),
pairs of one agency's consecutive years, the findings of the cross-report rules
(rules/audit/cross-year.toml and cross-agency.toml, run by the kinds of kinds.py), the
metrics of rules/audit/metrics.toml with the collection's quartiles — as findings for the
JSON/SARIF/text outputs (outputs.py), a workbook, and the plain dict the HTML report renders.

- identify.py: agency keys, levels, copies, pairs and what could not be identified or paired.
- kinds.py: carry-over, stock-flow, jump, repetition, shared-paragraph.
- sketch.py: MinHash signatures and banded LSH (linear-time blocking of shared paragraphs).
- editor.py: cross_year_findings(doc, candidates) for the language server.
- ray_engine.py: the per-report jobs and the index's bands as Ray tasks.
"""
