"""A generator of random but consistent 政府信息公开工作年度报告 for testing and benchmarks.

Not part of the installed linter: the tests, the bench and the audit's test collections use it.

- `values`: the three statistics tables, every 勾稽关系 holding, realistic magnitudes.
- `prose`: the six sections' text, stating some of the numbers the way real reports do.
- `report`: one report (`Report`): agency, year, format, cells and prose.
- `render`: a report into every text shape the reader handles (Markdown, pipe rows, one cell
  per line, pdftotext-like columns, a crawl's run-together line, box-drawn, tab-separated).
- `plant`: one defect of a category planted into a report, with the rule that must find it.
- `collection`: a county government and its departments over several years, with planted
  carry-over breaks and copied paragraphs.
- `shapes`: box-drawing and tab re-drawing of pipe tables.

Everything is a pure function of a seed: the same seed gives the same text.
"""
