"""Locate the data folders `grammar/` and `rules/`.

They live at the repository's top level, outside the Python package. A wheel carries them
inside the package as `linter/_data/grammar` and `linter/_data/rules` (see pyproject.toml);
a checkout or an editable install finds them next to the package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """Return the folder `name` ("grammar" or "rules"), installed or in a checkout."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"xxgk-lint 安装不完整:找不到数据目录 {name}/(查找了 {_PACKAGE_DIR / '_data' / name} 和 {_PACKAGE_DIR.parent / name})"
    )


def grammar_dir() -> Path:
    return data_dir("grammar")


def rules_dir() -> Path:
    return data_dir("rules")


def templates_dir() -> Path:
    return rules_dir() / "templates"
