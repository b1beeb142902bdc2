"""Station 4, checking: a Document into findings.

In: a `Document` and a `Config`. Out: `Diagnostic`s. `config` is the user's configuration (found
upward from the file), `rules` loads the declarative rule packs (rules/*.toml), `kinds/` has one
checker per rule kind, `equations` the expression language of table arithmetic, and `engine`
selects rules, runs them and applies suppression comments (`Linter.lint_text`).
"""
