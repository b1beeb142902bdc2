"""Golden extractions of every real report in the corpus.

Two layers:
- tests/golden/expected/<report>.toml: every table cell of the report, transcribed by a person
  reading the text (not produced by the parser). The parser must reproduce it exactly.
- tests/golden/snapshots/<report>.json: the whole model as `xxgk-lint parse` prints it
  (sections, paragraphs, rows, cells with lines), reviewed once and pinned. Regenerate with
  XXGK_UPDATE_GOLDEN=1 after a reviewed change.
"""

from __future__ import annotations

import json
import os

import pytest

from xxgk_lint.linter.support import toml
from xxgk_lint.linter.parsing.builder import build
from xxgk_lint.linter.reporting.dump import document_to_dict

from .conftest import ROOT, corpus_params, needs_corpus

EXPECTED = ROOT / "tests" / "golden" / "expected"
SNAPSHOTS = ROOT / "tests" / "golden" / "snapshots"
STATUS = {"missing": "missing_cells", "extra": "extra_cells", "inseparable": "inseparable", "absent": "absent"}
FILES = corpus_params()
pytestmark = needs_corpus


@pytest.fixture(scope="module", params=FILES, ids=[getattr(f, "stem", "no-corpus") for f in FILES])
def report(request):
    path = request.param
    expected = toml.loads((EXPECTED / f"{path.stem}.toml").read_text(encoding="utf-8"))
    return path, build(path.read_text(encoding="utf-8"), path.name), expected


def test_format_detected(report):
    _, doc, expected = report
    assert doc.format == expected["format"]


@pytest.mark.parametrize("table", ["active", "applications", "review"])
def test_cells_match_hand_transcription(report, table):
    _, doc, expected = report
    rows = expected.get(table, {})
    t = doc.tables.get(table)
    assert t is not None, f"table {table} not found"
    problems = []
    for key, want in rows.items():
        rt = t.template.row(key)
        assert rt is not None, f"{table}.{key} is not a row of the {t.format} template"
        got = []
        for c in rt.columns:
            cell = t.cell(key, c.key)
            got.append(None if cell is None else ("blank" if cell.status == "blank" else cell.value))
        if got != want:
            problems.append(f"{key}: got {got}, want {want}")
    assert not problems, "\n".join(problems)


def test_cell_lines(report):
    _, doc, expected = report
    problems = []
    for ref, line in expected.get("lines", {}).items():
        table, key = ref.split(".", 1)
        t = doc.tables[table]
        lines = [c.span.line for (r, _), c in t.cells.items() if r == key]
        if not lines or min(lines) != line:
            problems.append(f"{ref}: first cell on line {min(lines) if lines else None}, want {line}")
    assert not problems, "\n".join(problems)


def test_row_status(report):
    _, doc, expected = report
    problems = []
    for ref, text in expected.get("status", {}).items():
        table, key = ref.split(".", 1)
        want = STATUS[text.split(":")[0]]
        m = doc.tables[table].row_match(key)
        got = m.status if m else "absent"
        if got != want:
            problems.append(f"{ref}: status {got}, want {want} ({text})")
    assert not problems, "\n".join(problems)


def test_snapshot(report):
    path, doc, _ = report
    got = document_to_dict(doc)
    got["path"] = path.name
    snap = SNAPSHOTS / f"{path.stem}.json"
    if os.environ.get("XXGK_UPDATE_GOLDEN") or not snap.exists():
        snap.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if not os.environ.get("XXGK_UPDATE_GOLDEN"):
            pytest.fail(f"snapshot {snap.name} was missing and has been written: review and commit it")
    want = json.loads(snap.read_text(encoding="utf-8"))
    assert got == want


def test_examples_from_the_issue():
    """Values the foundation issue names explicitly."""
    by_stem = {p.stem[:3]: p for p in FILES}
    d003 = build(by_stem["003"].read_text(encoding="utf-8"))
    t = d003.tables["applications"]
    cols = [c.key for c in t.template.row("new").columns]
    assert [t.value("new", c) for c in cols] == [25, 2, 0, 0, 0, 0, 27]
    assert [t.value("result.total", c) for c in cols] == [24, 2, 0, 0, 0, 0, 26]
    assert [t.value("carried_forward", c) for c in cols] == [1, 0, 0, 0, 0, 0, 1]
    a = d003.tables["active"]
    assert [a.value("normative", c) for c in ("issued", "abolished", "in_force")] == [11, 6, 78]
    d004 = build(by_stem["004"].read_text(encoding="utf-8"))
    assert d004.tables["active"].value("license", "decisions") == 73
    assert d004.tables["active"].value("penalty", "decisions") == 101
    d002 = build(by_stem["002"].read_text(encoding="utf-8"))
    assert d002.format == "2019"
    assert d002.tables["active"].value("procurement", "items") == 0
    assert d002.tables["applications"].row_match("result.refuse.internal").status == "missing_cells"
    d102 = build(by_stem["102"].read_text(encoding="utf-8"))
    r = d102.tables["review"]
    got = [[r.value(row, c) for c in ("maintained", "corrected", "other", "pending", "total")]
           for row in ("review", "litigation.direct", "litigation.after_review")]
    assert got == [[10, 1, 0, 0, 0], [0, 0, 0, 0, 0], [5, 0, 0, 0, 0]]
