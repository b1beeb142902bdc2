"""The language server shows the cross-year findings when last year's report of the same
agency is beside the open one (issue 16, editor): 上年结转 against last year's 结转下年度."""

from __future__ import annotations

import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from generator import render, report
from generator.report import make_agency

from .conftest import lsp_initialize_params
from .test_lsp import open_and_wait


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "xxgk_lint.lsp"]), scope="module")
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(lsp_initialize_params())
    yield
    await lsp_client.shutdown_session()


def _pair(tmp_path, broken: bool):
    import random

    agency = make_agency(random.Random(5), "示例县", "department", ("统计局", "我局"))
    before = report.generate(11, agency=agency, year=2023)
    now = report.generate(12, agency=agency, year=2024, previous=before)
    if broken:  # 上年结转 no longer last year's 结转下年度 (the report itself still adds up)
        for row in ("carried_over", "result.open", "result.total"):
            for col in ("natural", "total"):
                now.tables.cells[("applications", row, col)] += 2
    for r in (before, now):
        folder = tmp_path / str(r.year)
        folder.mkdir(exist_ok=True)
        (folder / "示例县统计局.md").write_text(render.render(r, "markdown"), encoding="utf-8")
    return tmp_path / "2023" / "示例县统计局.md", tmp_path / "2024" / "示例县统计局.md"


@pytest.mark.asyncio(loop_scope="module")
async def test_last_years_report_on_disk_gives_the_carry_over_finding(client: LanguageClient, tmp_path):
    last, this = _pair(tmp_path, broken=True)
    diags = await open_and_wait(client, this)
    found = [d for d in diags if d.code == "XG951"]
    assert found, [d.code for d in diags]
    assert found[0].severity == types.DiagnosticSeverity.Error
    assert any(r.location.uri == last.as_uri() for r in found[0].related_information or [])


@pytest.mark.asyncio(loop_scope="module")
async def test_a_clean_pair_and_a_report_alone_get_no_cross_year_error(client: LanguageClient, tmp_path):
    (tmp_path / "clean").mkdir()
    _, this = _pair(tmp_path / "clean", broken=False)
    diags = await open_and_wait(client, this)
    assert not [d for d in diags if d.code == "XG951"]
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "r.md").write_text(this.read_text(encoding="utf-8"), encoding="utf-8")
    diags = await open_and_wait(client, alone / "r.md")
    assert not [d for d in diags if str(d.code).startswith("XG95")]
