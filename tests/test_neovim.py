"""A real editor as the client: headless Neovim (0.7+, built-in LSP client) starts the server,
opens a report and writes down the diagnostics it received."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, corpus_files

LUA = r"""
local client_id = vim.lsp.start_client({
  name = "xxgk-lint",
  cmd = { %(python)s, "-m", "xxgk_lint.lsp" },
  cmd_cwd = %(root)s,
  root_dir = vim.fn.getcwd(),
})
vim.cmd("edit " .. %(report)s)
vim.lsp.buf_attach_client(0, client_id)
vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local out = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out, (d.lnum + 1) .. ":" .. (d.col + 1) .. ":" .. (d.code or "") .. ":" .. d.message)
end
vim.fn.writefile(out, %(out)s)
vim.cmd("qa!")
"""


def _lua_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("nvim") is None and not os.environ.get("CI"), reason="neovim not installed")
def test_neovim_receives_diagnostics(tmp_path: Path):
    assert shutil.which("nvim"), "CI installs neovim (apt-get install neovim)"
    report = tmp_path / "report.txt"
    report.write_text(next(p for p in corpus_files() if p.name.startswith("001_")).read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "diagnostics.txt"
    script = tmp_path / "t.lua"
    script.write_text(
        LUA % {"python": _lua_str(sys.executable), "root": _lua_str(str(ROOT)), "report": _lua_str(str(report)), "out": _lua_str(str(out))},
        encoding="utf-8",
    )
    subprocess.run(
        ["nvim", "--headless", "-u", "NONE", "-c", f"luafile {script}"],
        cwd=tmp_path,
        timeout=60,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    codes = {line.split(":")[2] for line in lines}
    assert {"XG102", "XG401", "XG403"} <= codes, lines
    # Neovim reports byte columns: the title starts after "一、", 6 bytes in UTF-8
    assert any(line.startswith("11:7:XG102:") for line in lines), lines
