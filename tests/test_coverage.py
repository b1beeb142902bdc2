"""Never check less in silence: when the tables cannot be read fully, the report says which
equations went unchecked and why (XG210), at error level when most did (XG211)."""

from __future__ import annotations

import re

from xxgk_lint.linter.checking.engine import Linter

from .conftest import EXAMPLES

CLEAN = (EXAMPLES / "clean.txt").read_text(encoding="utf-8")
ROW = re.compile(r"^(?P<label>[一二三四五六七（(0-9][^\n]*?[^\s\d])(?P<gap>\s{2,})(?P<nums>\d+(?:\s+\d+){6})$", re.M)


def rules_of(text: str) -> list[str]:
    return [d.rule for d in Linter().lint_text(text, "r.txt")[1]]


def test_a_fully_read_report_has_no_coverage_finding():
    assert not {"XG210", "XG211"} & set(rules_of(CLEAN))


def test_one_unreadable_row_is_named():
    row = "4.保护第三方合法权益                      1        0          0          0              0              0      1"
    assert row in CLEAN
    text = CLEAN.replace(row, "4.保护第三方合法权益                      1        0          0          0              0      1")
    ds = [d for d in Linter().lint_text(text, "r.txt")[1] if d.rule == "XG210"]
    assert len(ds) == 1 and "保护第三方合法权益" in ds[0].message and ds[0].severity == "warning"


def test_a_table_mostly_unreadable_is_an_error_not_a_clean_report():
    # every row of table 三 one cell short: its cells cannot be placed
    text = ROW.sub(lambda m: m.group("label") + m.group("gap") + " ".join(m.group("nums").split()[:-1]), CLEAN)
    found = rules_of(text)
    assert "XG211" in found and "XG210" not in found
    assert not {"XG201", "XG202", "XG203"} & set(found)  # no arithmetic invented


def test_the_summary_counts_the_reports_not_fully_checked(tmp_path):
    import subprocess
    import sys

    row = "4.保护第三方合法权益                      1        0          0          0              0              0      1"
    (tmp_path / "a.txt").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(CLEAN.replace(row, row.rsplit(" ", 1)[0]), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", "check", "--isolated", "--no-cache", str(tmp_path)],
                         capture_output=True, text=True, timeout=120).stdout
    assert "表格完整核对的报告 1 份；1 份的表格未能完整核对" in out


def test_parse_says_what_could_and_could_not_be_checked():
    import json
    import subprocess
    import sys

    def coverage(text):
        p = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", "parse", "-"], input=text.encode("utf-8"),
                           capture_output=True, timeout=120)
        return json.loads(p.stdout)["coverage"]["applications"]

    full = coverage(CLEAN)
    assert full["equations"] == full["checked"] > 30 and not full["unchecked"] and not full["rows_not_read"]
    row = "4.保护第三方合法权益                      1        0          0          0              0              0      1"
    part = coverage(CLEAN.replace(row, row.rsplit(" ", 1)[0]))
    assert part["checked"] == part["equations"] - len(part["unchecked"]) and part["unchecked"]
    assert part["rows_not_read"] == [{"row": "result.refuse.third_party", "status": "missing_cells"}]
