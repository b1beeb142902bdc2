"""Station 7, the command line: `xxgk-lint check | parse | rules | rule | lsp`.

In: arguments, paths, standard input. Out: printed findings and an exit code (0 clean, 1
findings, 2 usage/configuration/I/O error). `main` parses arguments, `run` walks folders,
caches results and applies fixes, `workers` lints many files in forked worker processes.
Nothing imports this station (the language server is a sibling of it, not a user).
"""
