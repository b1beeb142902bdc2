"""The package layout: one subpackage per station of the flow, data moving one way.

reading → model → parsing → checking → reporting → audit → cli, with `support` under all of
them and the language server (`lsp/`) beside the command line. A station may import only the
stations below it; nothing imports `cli` (but `linter/__main__.py`, which runs it); the
server does not import `cli`. Every package folder is shipped in the wheel.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# What each station may import (besides itself and the package root's __version__).
ALLOWED = {
    "support": set(),
    "reading": {"support"},
    "model": {"support", "reading"},
    "parsing": {"support", "reading", "model"},
    "checking": {"support", "reading", "model", "parsing"},
    "reporting": {"support", "reading", "model"},
    "audit": {"support", "reading", "model", "parsing", "checking", "reporting"},
    "cli": {"support", "reading", "model", "parsing", "checking", "reporting", "audit", "lsp"},
    "lsp": {"support", "reading", "model", "parsing", "checking", "reporting", "audit"},  # (audit: cross-year findings)
}


def _station(parts: list[str]) -> str | None:
    """The station of a module given as ['linter', 'parsing', 'tables'] or ['lsp', 'server']."""
    if parts[0] == "lsp":
        return "lsp"
    if parts[0] == "linter" and len(parts) > 1 and parts[1] in ALLOWED:
        return parts[1]
    return None  # the package root (linter/__init__, linter/__main__)


def _modules():
    for top in ("linter", "lsp"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_pkg = parts[-1] == "__init__"
            yield path, (parts[:-1] if is_pkg else parts), is_pkg


def _imports(path: Path, parts: list[str], is_pkg: bool):
    """(line, imported module as parts) for every import of the project's own code."""
    package = parts if is_pkg else parts[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] in ("linter", "lsp", "xxgk_lint"):
                target = node.module.split(".")
            else:
                continue
            if target and target[0] == "xxgk_lint":
                target = target[1:]
            if node.module is None or len(target) == 1:  # `from .. import x`: x may be a module
                for alias in node.names:
                    yield node.lineno, target + [alias.name]
            else:
                yield node.lineno, target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                t = alias.name.split(".")
                if t[0] == "xxgk_lint":
                    yield node.lineno, t[1:]
                elif t[0] in ("linter", "lsp"):
                    yield node.lineno, t


def test_stations_import_only_stations_below_them():
    wrong = []
    for path, parts, is_pkg in _modules():
        mine = _station(parts)
        for lineno, target in _imports(path, parts, is_pkg):
            theirs = _station(target)
            where = f"{path.relative_to(ROOT)}:{lineno} imports {'.'.join(target)}"
            if mine is None:  # the package root: only its entry point runs the command line
                if theirs not in (None, "cli") or (theirs == "cli" and parts != ["linter", "__main__"]):
                    wrong.append(where)
                continue
            if theirs is None or theirs == mine:
                continue
            if theirs not in ALLOWED[mine]:
                wrong.append(where + f" ({mine} may import only {sorted(ALLOWED[mine]) or 'nothing'})")
    assert not wrong, "\n".join(wrong)


def test_the_direction_check_catches_a_wrong_import(tmp_path, monkeypatch):
    # the check above must be able to fail: a model module importing the checking station
    fake = tmp_path / "linter" / "model"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("from ..checking.engine import Linter\nfrom ..support import record\n")
    found = list(_imports(fake / "bad.py", ["linter", "model", "bad"], False))
    assert [_station(t) for _, t in found] == ["checking", "support"]
    assert "checking" not in ALLOWED["model"]


def test_no_module_imports_a_private_name_of_another_module():
    wrong = []
    for path, parts, is_pkg in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith(("linter", "lsp"))):
                wrong += [f"{path.relative_to(ROOT)}:{node.lineno} {a.name}" for a in node.names
                          if a.name.startswith("_") and a.name != "__version__"]
    assert not wrong, "\n".join(wrong)


def test_every_package_folder_ships_in_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        "xxgk_lint." + ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("linter", "lsp")
        for p in (ROOT / top).rglob("__init__.py")
    }
    assert on_disk <= listed, f"missing from pyproject.toml: {sorted(on_disk - listed)}"
    data = {"xxgk_lint." + ".".join(p.relative_to(ROOT).parts) for top in ("grammar", "rules", "docs")
            for p in [ROOT / top, *(ROOT / top).rglob("*")] if p.is_dir() and "__pycache__" not in p.parts}
    assert data <= listed, f"data folders missing from pyproject.toml: {sorted(data - listed)}"


@pytest.mark.parametrize("station", sorted(s for s in ALLOWED if s != "lsp"))
def test_every_station_says_what_comes_in_and_goes_out(station):
    doc = ast.get_docstring(ast.parse((ROOT / "linter" / station / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "In:" in doc and "Out:" in doc
