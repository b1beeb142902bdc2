"""Gitignore-style path patterns (exclude, per-file-ignores, .gitignore files) matched with
pathspec, the library git-aware Python tools use. Costs ~15 ms of import, paid only by a run
that has patterns to match (imported lazily; each pattern list compiled once)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=256)
def compile_patterns(patterns: tuple[str, ...]):
    """A matcher for these gitignore lines (comments, negation `!`, `dir/`, `/anchored`, `**`)."""
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(patterns)


def matches(patterns, rel: str, is_dir: bool = False) -> bool:
    """Whether `rel` (a path relative to the patterns' folder, with `/`) is matched; a folder
    is asked about with a trailing slash, as git does, so that `drafts/` matches it."""
    if not patterns:
        return False
    spec = compile_patterns(tuple(patterns))
    return spec.match_file(rel + "/" if is_dir and not rel.endswith("/") else rel)
