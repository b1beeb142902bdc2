"""Plumbing under every station: speed mechanisms and small shared services. Imports nothing
of the stations above it.

In: nothing of the project (paths, patterns, objects to cache). Out: helpers.
Each module's first docstring line says what it buys and what it costs:
- record: plain slotted data classes (start-up: no `dataclasses`);
- diskcache: the rule set, templates and grammar terminals kept between runs in the user
  cache folder (start-up);
- pathmatch: gitignore-style path patterns (pathspec), compiled once;
- gcpause: the cyclic collector paused during a build and lint (linear time on big inputs);
- toml, resources, errors, regexes: lazy TOML reading, the data folders, the user-caused
  errors (exit 2), the safety check of rule packs' regexes;
- regex_syntax: our own parser of `re` syntax, for that check (no private `re` internals);
- disjoint: disjoint sets (grouping by pairs: a PDF's cells, the audit's near-copies);
- memo: a pure function of a text remembered by text, bounded by the characters held (the
  editor's rebuilds);
- budget: time budgets that stop a rule (deadlines for rule packs' regexes in any thread, a
  CPU timer in the main thread).
"""
