"""Finds the data folders grammar/, rules/ and docs/ beside the package; costs one stat per folder, once.

They live at the repository's top level, beside `linter/`. The wheel keeps that layout under
its one package name (`xxgk_lint/linter`, `xxgk_lint/grammar`, `xxgk_lint/rules`; see
pyproject.toml), so a checkout, an editable install and a wheel find them the same way.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

# linter/support/resources.py → the folder holding linter/, grammar/ and rules/
_TOP = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """Return the folder `name` ("grammar" or "rules")."""
    candidate = _TOP / name
    if candidate.is_dir():
        return candidate
    raise FileNotFoundError(f"xxgk-lint 安装不完整：找不到数据目录 {candidate}")


def grammar_dir() -> Path:
    return data_dir("grammar")


def rules_dir() -> Path:
    return data_dir("rules")


def templates_dir() -> Path:
    return rules_dir() / "templates"


def docs_dir() -> Path:
    """The rule reference (docs/, static HTML generated from the rule packs)."""
    return _TOP / "docs"


def rule_doc_uri(code: str) -> str:
    """The page that explains rule `code`: its page in the rule reference shipped with the
    program (a file: URI, opened by a browser), or, for a rule of a user's own pack, ""."""
    page = docs_dir() / "rules" / f"{code}.html"
    return page.as_uri() if page.is_file() else ""
