"""Station 2, the model: what the checks see of a report, and what they say of it.

In: nothing but records. Out: `document` (Document → sections, paragraphs, tables of cells),
`line` (a classified line), `templates` (the official outline and table templates from
rules/templates/, as data) and `diagnostic` (the one finding type the CLI, the language server
and every format share).
"""
