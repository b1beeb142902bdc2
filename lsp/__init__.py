"""The xxgk-lint language server (pygls 2.x). Started by `xxgk-lint lsp` or `python -m xxgk_lint.lsp`."""
