"""What a release needs besides code: a license, a changelog entry for the version, a
pre-commit hook that shows warnings, and a Python range the suite is run on."""

from __future__ import annotations

import re
import sys

from .conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _version() -> str:
    text = (ROOT / "linter" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def test_the_license_is_shipped():
    assert (ROOT / "LICENSE").is_file() and "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert PYPROJECT["project"]["license"] == "MIT" and PYPROJECT["project"]["license-files"] == ["LICENSE"]


def test_the_changelog_has_the_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(_version())}\b", changelog, re.M), f"CHANGELOG.md has no section for {_version()}"


def test_the_extension_has_the_same_version():
    import json

    manifest = json.loads((ROOT / "vscode-extension" / "package.json").read_text(encoding="utf-8"))
    assert manifest["version"] == _version()


def test_the_pre_commit_hook_shows_warnings():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert re.search(r"^\s+verbose: true$", hooks, re.M)


def test_this_python_is_in_the_supported_range():
    low = re.fullmatch(r">=\s*(\d+)\.(\d+)", PYPROJECT["project"]["requires-python"])
    assert low and sys.version_info[:2] >= (int(low.group(1)), int(low.group(2)))
