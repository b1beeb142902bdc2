"""`--fix` loses nothing: an author's concurrent edit, symlinks, hard links, read-only files,
owner and mode, the exact encoding, `-o` onto an input or into a missing folder, temporary
files after an interrupt or a dead run, and every safe fix in one run.

The CLI runs in-process (`main([...])`, one job) so that the moments between reading and
writing can be hooked deterministically."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xxgk_lint.linter.cli.main import main
from xxgk_lint.linter.reporting import fixes as fixes_module
from xxgk_lint.linter.reporting import writing

from .conftest import EXAMPLES

DEFECTS = (EXAMPLES / "defects.txt").read_text(encoding="utf-8")
CLEAN = (EXAMPLES / "clean.txt").read_text(encoding="utf-8")
BROKEN_HEADING = "\n一、总体情\n"  # XG102, safe fix: the official title
FIXED_HEADING = "\n一、总体情况\n"
assert BROKEN_HEADING in DEFECTS


def fix(*paths, extra=()):
    return main(["check", "--isolated", "--no-cache", "--jobs", "1", "--quiet", *extra, "--fix", *map(str, paths)])


def defects(tmp_path: Path, name: str = "r.txt") -> Path:
    f = tmp_path / name
    f.write_text(DEFECTS, encoding="utf-8")
    return f


def others(tmp_path: Path, *keep: str) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir() if p.name not in keep)


# -- an author's edit made while --fix runs ------------------------------------------------------


def test_edit_made_between_lint_and_write_is_kept(tmp_path, monkeypatch, capsys):
    f = defects(tmp_path)
    edited = DEFECTS + "作者刚刚补写的一段话。\n"
    real = fixes_module.fix_text

    def fix_text_then_author_saves(*args, **kwargs):
        out = real(*args, **kwargs)  # the report has been read and linted: the author saves now
        f.write_text(edited, encoding="utf-8")
        return out

    monkeypatch.setattr(fixes_module, "fix_text", fix_text_then_author_saves)
    code = fix(f)
    assert f.read_text(encoding="utf-8") == edited
    assert code == 2
    err = capsys.readouterr().err
    assert f"xxgk-lint: {f}: 读取后文件已被改动，未写入修复（请重新运行）" in err
    assert others(tmp_path, "r.txt") == []


def test_edit_keeping_size_and_mtime_made_just_before_the_rename_is_kept(tmp_path, monkeypatch, capsys):
    f = defects(tmp_path)
    st = f.stat()
    edited = DEFECTS.replace("示例县统计局", "示例县审计局", 1)  # same size
    assert len(edited.encode()) == st.st_size

    def author_saves(path):
        f.write_text(edited, encoding="utf-8")
        os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # even the mtime looks the same

    # the seam between writing the temporary file and putting it in place (absent before)
    monkeypatch.setattr(writing, "_before_commit", author_saves, raising=False)
    monkeypatch.setattr(os, "replace", _replace_calling(author_saves))  # (the old code's moment)
    code = fix(f)
    assert f.read_text(encoding="utf-8") == edited
    assert code == 2 and "读取后文件已被改动" in capsys.readouterr().err
    assert others(tmp_path, "r.txt") == []


def _replace_calling(hook):
    """os.replace that runs `hook` first the first time it is called (on the old code, which
    had no seam, the edit lands at the same moment: after the temporary file, before the
    rename). With the seam the hook has already run: calling it again changes nothing."""
    real = os.replace
    state = {"done": False}

    def replace(src, dst, *a, **k):
        if not state["done"]:
            state["done"] = True
            hook(dst)
        return real(src, dst, *a, **k)

    return replace


# -- links, owner, mode, read-only --------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_symlink_is_kept_and_its_target_fixed(tmp_path):
    real = defects(tmp_path, "real.txt")
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    fix(link)
    assert link.is_symlink() and os.readlink(link) == "real.txt"
    assert FIXED_HEADING in real.read_text(encoding="utf-8")
    assert others(tmp_path, "real.txt", "link.txt") == []


def test_hard_link_is_kept(tmp_path):
    a = defects(tmp_path, "a.txt")
    b = tmp_path / "b.txt"
    os.link(a, b)
    inode = a.stat().st_ino
    fix(a)
    assert a.stat().st_ino == b.stat().st_ino == inode and a.stat().st_nlink == 2
    assert FIXED_HEADING in b.read_text(encoding="utf-8")
    assert others(tmp_path, "a.txt", "b.txt") == []


def test_read_only_file_is_refused(tmp_path, capsys):
    f = defects(tmp_path)
    os.chmod(f, 0o444)
    try:
        code = fix(f)
        assert f.read_text(encoding="utf-8") == DEFECTS
        assert (f.stat().st_mode & 0o777) == 0o444
    finally:
        os.chmod(f, 0o644)
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert f"xxgk-lint: {f}: 文件是只读的，未写入修复（如需修复，请先加上写权限）" in err
    assert others(tmp_path, "r.txt") == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to another user needs root")
def test_root_keeps_the_owner_and_mode(tmp_path):
    f = defects(tmp_path)
    os.chown(f, 12345, 12345)
    os.chmod(f, 0o640)
    fix(f)
    assert FIXED_HEADING in f.read_text(encoding="utf-8")
    st = f.stat()
    assert (st.st_uid, st.st_gid) == (12345, 12345)
    assert (st.st_mode & 0o777) == 0o640


# -- the encoding, byte for byte ----------------------------------------------------------------


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF16_LE, "utf-16-le")])
def test_utf16_keeps_its_byte_order(tmp_path, bom, codec):
    f = tmp_path / "r.txt"
    text = DEFECTS.replace("\n", "\r\n")
    f.write_bytes(bom + text.encode(codec))
    fix(f)
    assert f.read_bytes() == bom + text.replace(BROKEN_HEADING.replace("\n", "\r\n"), FIXED_HEADING.replace("\n", "\r\n")).encode(codec)


def test_mixed_line_endings_are_not_rewritten_when_a_fix_changes_the_line_count():
    from xxgk_lint.linter.reading.source import Source

    raw = "一、总体情况\r\n正文。\n二、主动公开政府信息情况\r\n"
    src = Source(raw)
    # the same line count: every line keeps its own ending
    assert writing.restore_exactly(src, raw, src.text.replace("正文", "正文内容"), "r.txt") == raw.replace("正文", "正文内容")
    # another line count: the endings could not all be kept, so the file is left alone
    with pytest.raises(writing.WriteError, match="r.txt: 文件混用多种换行符"):
        writing.restore_exactly(src, raw, src.text.replace("正文。\n", ""), "r.txt")


# -- -o and --baseline ---------------------------------------------------------------------------


@pytest.mark.parametrize("with_fix", [False, True])
def test_output_file_onto_an_input_is_refused(tmp_path, capsys, with_fix):
    f = defects(tmp_path)
    args = ["check", "--isolated", "--no-cache", "--jobs", "1", "-o", str(f), str(f)] + (["--fix"] if with_fix else [])
    code = main(args)
    assert code == 2
    assert f.read_text(encoding="utf-8") == DEFECTS  # neither the findings nor a fix
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"xxgk-lint: 用法错误：{f}: 输出文件就是要检查的文件")
    # the same file under another name is still the same file
    code = main(["check", "--isolated", "--no-cache", "-o", str(tmp_path / "." / "r.txt"), str(f)])
    assert code == 2 and f.read_text(encoding="utf-8") == DEFECTS
    assert others(tmp_path, "r.txt") == []


def test_output_file_met_in_a_folder_walk_is_not_linted(tmp_path, capsys):
    f = defects(tmp_path)
    out = tmp_path / "lint.txt"
    out.write_text("上一次的检查结果\n", encoding="utf-8")
    code = main(["check", "--isolated", "--no-cache", "--jobs", "1", "--format", "concise", "-o", str(out), str(tmp_path)])
    assert code == 1
    written = out.read_text(encoding="utf-8")
    assert "XG102" in written and "lint.txt" not in written
    assert f.read_text(encoding="utf-8") == DEFECTS


@pytest.mark.parametrize("option,what", [("-o", "输出文件"), ("--baseline", "基线文件")])
def test_output_or_baseline_into_a_missing_folder_is_one_line(tmp_path, capsys, option, what):
    f = defects(tmp_path)
    target = tmp_path / "no-such-folder" / "out.txt"
    code = main(["check", "--isolated", "--no-cache", "--jobs", "1", option, str(target), "--fix", str(f)])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"xxgk-lint: 用法错误：{target}: {what}所在的目录 {target.parent} 不存在，未检查，也未写入任何内容"]
    assert f.read_text(encoding="utf-8") == DEFECTS  # refused before any fix
    assert not target.parent.exists()


# -- temporary files -----------------------------------------------------------------------------


def test_interrupt_mid_write_leaves_the_file_and_no_temporary_file(tmp_path, monkeypatch):
    f = defects(tmp_path)
    seen = []

    real = os.replace

    def interrupted(src, dst, *a, **k):
        if Path(dst).name != "r.txt":  # (a cache of the program's own, written on first use)
            return real(src, dst, *a, **k)
        seen.append(Path(src).name)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    code = fix(f)
    assert code == 130
    assert seen == [f".r.txt.xxgk-lint-{os.getpid()}.tmp"]  # recognisable as ours and whose
    assert f.read_text(encoding="utf-8") == DEFECTS
    assert others(tmp_path, "r.txt") == []


def test_interrupt_during_an_in_place_write_restores_the_file(tmp_path, monkeypatch):
    a = defects(tmp_path, "a.txt")
    os.link(a, tmp_path / "b.txt")
    real = os.ftruncate
    calls = []

    def ftruncate(fd, n):
        calls.append(n)
        if len(calls) == 1:  # the new bytes are written, not yet cut to size
            raise KeyboardInterrupt
        return real(fd, n)

    monkeypatch.setattr(os, "ftruncate", ftruncate)
    assert fix(a) == 130
    assert a.read_text(encoding="utf-8") == DEFECTS and (tmp_path / "b.txt").read_text(encoding="utf-8") == DEFECTS
    assert others(tmp_path, "a.txt", "b.txt") == []


def test_leftover_of_a_dead_run_is_removed_a_live_ones_kept(tmp_path):
    f = defects(tmp_path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / f".r.txt.xxgk-lint-{dead.pid}.tmp").write_text("half", encoding="utf-8")
        (tmp_path / f".r.txt.xxgk-lint-{live.pid}.tmp").write_text("being written", encoding="utf-8")
        (tmp_path / ".other.txt.xxgk-lint-1.tmp").write_text("not beside this file", encoding="utf-8")
        fix(f)
        assert FIXED_HEADING in f.read_text(encoding="utf-8")
        assert others(tmp_path, "r.txt") == sorted([f".r.txt.xxgk-lint-{live.pid}.tmp", ".other.txt.xxgk-lint-1.tmp"])
    finally:
        live.kill()
        live.wait()


# -- every safe fix in one run -------------------------------------------------------------------


def _many_commas(n: int) -> str:
    """`clean.txt` with `n` half-width commas between Chinese characters (XG805), in lines
    that otherwise use full-width ones — enough of them that the half-width comma stays the
    minority style the rule reports. (The lines are alike: XG501 reports them, with no fix.)"""
    body = "".join(f"第{i}项：主动公开信息，依申请公开，回应关切，答复咨询，受理投诉，政策解读,文件{i}份。\n" for i in range(n))
    text = CLEAN.replace("\n一、总体情况\n", "\n一、总体情况\n\n" + body, 1)
    assert text.count("解读,文件") == n
    return text


def test_more_than_500_hits_of_one_rule_are_fixed_in_one_run(tmp_path, capsys):
    f = tmp_path / "r.txt"
    f.write_text(_many_commas(600), encoding="utf-8")
    fix(f)
    once = f.read_text(encoding="utf-8")
    assert once.count("解读,文件") == 0 and once.count("解读，文件") == 600
    fix(f)
    assert f.read_text(encoding="utf-8") == once  # a second run has nothing left to fix
    capsys.readouterr()
    main(["check", "--isolated", "--no-cache", "--jobs", "1", "--format", "concise", "--diff", str(f)])
    out = capsys.readouterr().out
    assert "@@" not in out and "XG805" not in out  # nothing fixable left (XG501 remains: no fix)


def test_fixed_count_is_not_capped_by_the_per_rule_limit(tmp_path, capsys):
    f = tmp_path / "r.txt"
    f.write_text(_many_commas(120), encoding="utf-8")
    main(["check", "--isolated", "--no-cache", "--jobs", "1", "--select", "XG805", "--fix", str(f)])
    assert "已自动修复 120 个问题" in capsys.readouterr().out
