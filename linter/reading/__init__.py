"""Station 1, reading: bytes of a file into text with positions.

In: a path or bytes. Out: the decoded text with the facts needed to write it back unchanged
(`files`: encoding, BOM, line ends) and `Source`/`Span`, the 1-based line/column positions
every later station speaks in (`source`). The document readers (PDF, Word, HTML) belong here.
"""
