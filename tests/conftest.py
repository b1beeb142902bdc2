"""Shared test fixtures: the real reports in ../shared/corpus (when there), the project's own
examples/, and a linter with default rules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("XXGK_CORPUS", ROOT.parent / "shared" / "corpus"))
EXAMPLES = ROOT / "examples"
HAVE_CORPUS = CORPUS.is_dir()
# A lone clone has no ../shared: the tests that need the real reports skip with this one reason,
# the rest (examples, rule examples, CLI, language server, wheel) run.
NO_CORPUS = f"needs the real reports in ../shared/corpus (not found: {CORPUS}; set XXGK_CORPUS)"
needs_corpus = pytest.mark.skipif(not HAVE_CORPUS, reason=NO_CORPUS)


def _reports_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md")


def corpus_files() -> list[Path]:
    """The real reports. Called inside a test: skips it when the corpus is not there."""
    if not HAVE_CORPUS:
        pytest.skip(NO_CORPUS)
    return _reports_in(CORPUS)


def corpus_file(prefix: str) -> Path:
    """The real report whose name starts with `prefix` (skips the test without the corpus)."""
    return next(p for p in corpus_files() if p.name.startswith(prefix))


def corpus_params() -> list:
    """The real reports as parameters (for parametrize at collection: one skipped parameter,
    with the reason, when the corpus is not there)."""
    if not HAVE_CORPUS:
        return [pytest.param(None, marks=pytest.mark.skip(reason=NO_CORPUS), id="no-corpus")]
    return _reports_in(CORPUS)


def example_files() -> list[Path]:
    """The project's own sample reports (examples/), always there."""
    return _reports_in(EXAMPLES)


def report_files() -> list[Path]:
    """Every report text at hand: the real ones when present, and the project's examples."""
    return (_reports_in(CORPUS) if HAVE_CORPUS else []) + example_files()


def lsp_initialize_params():
    """What the end-to-end language-server tests initialise with: UTF-16, the repository as root."""
    from lsprotocol import types

    return types.InitializeParams(
        capabilities=types.ClientCapabilities(
            general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16])
        ),
        root_uri=ROOT.as_uri(),
        initialization_options={"settings": {"select": [], "ignore": []}},
    )


@pytest.fixture(scope="session")
def linter():
    from xxgk_lint.linter.checking.engine import Linter

    return Linter()


# Hypothesis profiles (tests/test_properties.py). Pick one with `--hypothesis-profile=NAME`
# or the HYPOTHESIS_PROFILE environment variable; CI (the CI variable set) uses "ci".
#   default  quick: a few hundred examples per property, a local run stays within seconds
#   ci       the same size, derandomized (a CI failure is reproducible, no flaky new examples)
#   long     ≥ 100,000 examples per property, for a soak run before a release
try:
    from hypothesis import HealthCheck, settings as _hsettings

    _slow_ok = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
    _hsettings.register_profile("default", max_examples=200, deadline=None, suppress_health_check=_slow_ok)
    _hsettings.register_profile(
        "ci", max_examples=200, deadline=None, derandomize=True, print_blob=True, suppress_health_check=_slow_ok
    )
    _hsettings.register_profile(
        "long", max_examples=100_000, deadline=None, print_blob=True, suppress_health_check=_slow_ok
    )
    _hsettings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))
except ImportError:  # hypothesis is a test extra; the other tests run without it
    pass
