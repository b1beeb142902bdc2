"""Shared test fixtures: the real reports in ../shared/corpus and a linter with default rules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("XXGK_CORPUS", ROOT.parent / "shared" / "corpus"))


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        raise RuntimeError(f"corpus folder not found: {CORPUS} (set XXGK_CORPUS)")
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md")


@pytest.fixture(scope="session")
def linter():
    from linter.engine import Linter

    return Linter()
