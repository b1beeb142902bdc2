"""A wheel built from the repository, installed (not editable) into a fresh venv, lints a report.

grammar/ and rules/ live outside the Python package; this proves the build carries them, all
under the one import name `xxgk_lint`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT


@pytest.mark.slow
def test_wheel_installs_and_lints(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    wheels = list(dist.glob("xxgk_lint-*.whl"))
    assert len(wheels) == 1
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheels[0])], check=True, timeout=900)
    report = EXAMPLES / "defects.txt"  # the project's own sample: the wheel test runs in a lone clone
    # Run from an empty folder so that nothing from the checkout can be imported.
    work = tmp_path / "elsewhere"
    work.mkdir()
    proc = subprocess.run(
        [str(bindir / "xxgk-lint"), "check", "--isolated", "--format", "json", str(report)],
        capture_output=True,
        cwd=work,
        timeout=120,
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert proc.returncode == 1, proc.stderr.decode()
    found = json.loads(proc.stdout)
    assert any(d["rule"] == "XG201" and d["line"] == 48 for d in found)
    where = subprocess.run(
        [str(py), "-c", "import xxgk_lint.linter.support.resources as r; print(r.grammar_dir())"],
        capture_output=True, cwd=work, text=True, check=True,
    ).stdout.strip()
    assert Path(where).is_dir() and Path(where).parent.name == "xxgk_lint" and "site-packages" in where
    page = subprocess.run(
        [str(py), "-c", "from xxgk_lint.linter.support.resources import rule_doc_uri; print(rule_doc_uri('XG201'))"],
        capture_output=True, cwd=work, text=True, check=True,
    ).stdout.strip()
    assert page.startswith("file://") and "site-packages" in page and page.endswith("/docs/rules/XG201.html")
    # beside PyPI's own `lsp` package (it used to overwrite our lsp/__init__.py): both work
    other = subprocess.run([str(py), "-m", "pip", "install", "-q", "lsp==0.1.1"], capture_output=True, text=True, timeout=600)
    if other.returncode != 0:
        pytest.skip(f"PyPI's lsp package could not be installed: {other.stderr.strip()[-200:]}")
    again = subprocess.run(
        [str(bindir / "xxgk-lint"), "check", "--isolated", "--format", "json", str(report)],
        capture_output=True, cwd=work, timeout=120, env={**os.environ, "PYTHONPATH": ""},
    )
    assert again.returncode == 1 and json.loads(again.stdout) == found
    both = subprocess.run(
        [str(py), "-c", "import lsp, xxgk_lint.lsp.server as ours; print(lsp.__file__); print(ours.__file__)"],
        capture_output=True, cwd=work, text=True, check=True,
    ).stdout.split()
    assert "xxgk_lint" not in both[0] and both[1].endswith("xxgk_lint/lsp/server.py")
    installed = subprocess.run([str(py), "-m", "pip", "show", "-f", "xxgk-lint"], capture_output=True, text=True, check=True).stdout
    files = [line.strip() for line in installed.splitlines() if line.startswith("  ")]
    assert files and not [f for f in files if f.startswith(("linter/", "lsp/", "grammar/", "rules/"))]
