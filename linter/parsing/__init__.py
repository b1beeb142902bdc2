"""Station 3, parsing: text into the Document model.

In: a `Source`. Out: a `Document` (`builder.build`). Along the way: `lines` classifies each line
with the Lark grammar (grammar/report.lark), `unfold` cuts a crawl's one-line body at headings
and row labels, `tables` reads every table shape into the template grid (with `cells` for cell
values and digits run together, and `labels` for fuzzy label matching), `dates` finds dates.
"""
