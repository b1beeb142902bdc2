"""The `xxgk-lint` command.

  xxgk-lint check [PATH ...]      lint reports (files, folders of .txt/.md, "-" for stdin)
  xxgk-lint audit [PATH ...]      audit a collection: cross-year and cross-agency checks, metrics
  xxgk-lint parse FILE            print the Document model as JSON (the debugging view)
  xxgk-lint rules                 list every rule (--format json)
  xxgk-lint rule CODE             explain one rule, with its examples
  xxgk-lint init                  write a commented starter xxgk-lint.toml
  xxgk-lint lsp                   start the language server on stdio

Exit codes: 0 nothing at or above the fail level; 1 findings; 2 usage, configuration or I/O
error (one clear line, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from .. import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


_ARGPARSE_CN = [
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"argument (\S+): invalid choice: (\S+) \(choose from (.*)\)", r"参数 \1 的取值 \2 无效（可选：\3）"),
    (r"argument (\S+): invalid (\w+) value: (\S+)", r"参数 \1 的取值 \3 不是有效的 \2"),
    (r"argument (\S+): expected one argument", r"参数 \1 需要一个值"),
    (r"the following arguments are required: (.*)", r"缺少参数：\1"),
    (r"invalid choice: (\S+) \(choose from (.*)\)", r"无效的子命令 \1（可选：\2）"),
    (r"ambiguous option: (\S+) could match (.*)", r"选项 \1 有歧义，可能是：\2"),
]
# argparse's own headings, in Chinese (the help is the users' language)
_HEADINGS_CN = {"positional arguments": "位置参数", "options": "选项", "optional arguments": "选项"}
EXIT_CODES_CN = "退出码：0 没有达到失败级别的问题；1 有问题；2 用法、配置或读写错误（或程序内部错误）。"


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help formatter, told the terminal width by os (argparse would import shutil
    for it on every start, help or not), with Chinese headings; descriptions and epilogs (the
    examples) keep their line breaks."""

    def __init__(self, prog: str, **kwargs):
        if kwargs.get("width") is None:
            columns = os.environ.get("COLUMNS", "")
            try:
                width = int(columns) if columns.isdigit() else os.get_terminal_size(sys.stdout.fileno()).columns
            except (OSError, ValueError):
                width = 80
            kwargs["width"] = max(40, width - 2)
        super().__init__(prog, **kwargs)

    def start_section(self, heading):
        super().start_section(_HEADINGS_CN.get(heading, heading))

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def format_help(self) -> str:
        # argparse ends each heading with a half-width colon: the help is Chinese text
        return re.sub(r"(?m)^(\S.*?):$", r"\1：", super().format_help())

    def error(self, message: str):  # argparse exits 2 with usage; keep it one clear line, in Chinese
        hint = self._did_you_mean(message)
        for pattern, cn in _ARGPARSE_CN:
            if re.search(pattern, message):
                message = re.sub(pattern, cn, message)
                break
        raise UsageError(message + hint)

    def _did_you_mean(self, message: str) -> str:
        """'你是不是想用 check？' for a mistyped subcommand, option or choice."""
        import difflib

        m = re.search(r"invalid choice: '?([^'\s]+?)'? \(choose from (.*)\)", message)
        if m:
            wrong, known = m.group(1), re.findall(r"[\w.-]+", m.group(2))
        else:
            m = re.search(r"unrecognized arguments: (\S+)", message)
            if not m:
                return ""
            wrong = m.group(1).split("=")[0]
            known = [o for a in self._actions for o in a.option_strings]
        close = difflib.get_close_matches(wrong, known, n=1, cutoff=0.6)
        return f"。你是不是想用 {close[0]}？" if close else ""


_CHECK_EXAMPLES = """示例：
  xxgk-lint check 报告.txt                     检查一份报告
  xxgk-lint check reports/                     检查目录下所有 .txt 与 .md
  xxgk-lint check --format json reports/       JSON 输出（供 CI 与看板使用）
  xxgk-lint check --select arithmetic,XG3 --ignore XG308 报告.txt
  xxgk-lint check --fix 报告.txt               应用安全的自动修复
  xxgk-lint check --show-settings 报告.txt     显示生效的配置及其来源

""" + EXIT_CODES_CN

_DEBUG_HELP = "程序内部错误时打印完整的调用栈"

_AUDIT_EXAMPLES = """示例：
  xxgk-lint audit reports/                          审核目录下的全部报告（文本汇总）
  xxgk-lint audit --format html -o 审核报告.html reports/
  xxgk-lint audit --format xlsx -o 审核.xlsx reports/ 发现、单元格、指标、报告四张表
  xxgk-lint audit --format json reports/            与 check 相同的 JSON（含跨报告问题）
  xxgk-lint audit --engine ray reports/             在 Ray 上运行（pip install "xxgk-lint[ray]"）

""" + EXIT_CODES_CN


def _rule_options(p: argparse.ArgumentParser) -> None:
    """The options check and audit share: which rules, which configuration, which exit code."""
    p.add_argument("--select", action="append", default=[], metavar="规则", help="只运行这些规则、前缀或类别（逗号分隔）")
    p.add_argument("--ignore", action="append", default=[], metavar="规则", help="不运行这些规则、前缀或类别（逗号分隔）")
    p.add_argument("--config", metavar="文件", help="配置文件（xxgk-lint.toml 或 pyproject.toml）")
    p.add_argument("--isolated", action="store_true", help="不读取任何配置文件")
    p.add_argument("--fail-level", choices=["error", "warning", "info"], help="达到该级别的问题使退出码为 1")
    p.add_argument("--exit-zero", action="store_true", help="有问题时退出码也为 0（读写、配置与内部错误仍为 2）")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="xxgk-lint",
        description="政府信息公开工作年度报告检查工具：检查结构、表格勾稽关系、日期、重复内容与用语。",
        epilog="示例：\n  xxgk-lint check 报告.txt\n  xxgk-lint rules\n  xxgk-lint rule XG201\n  xxgk-lint init\n\n"
        "用 xxgk-lint 子命令 --help 查看各子命令的选项。\n" + EXIT_CODES_CN,
    )
    p.add_argument("--version", action="version", version=f"xxgk-lint {__version__}", help="显示版本并退出")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, title="子命令", metavar="{check,audit,parse,convert,rules,rule,init,lsp}")

    c = sub.add_parser(
        "check", help="检查报告", epilog=_CHECK_EXAMPLES,
        description="检查报告：文件、目录（其中的 .txt 与 .md）或 -（标准输入）。",
    )
    c.add_argument("paths", nargs="*", default=[], metavar="路径", help="文件、目录或 -（标准输入）")
    c.add_argument(
        "--format", "--output-format", dest="format", default="text",
        choices=["text", "concise", "json", "sarif", "github", "junit"], help="输出格式（默认 text）",
    )
    c.add_argument("--output-file", "-o", metavar="文件", help="把结果写入文件而不是标准输出")
    _rule_options(c)
    c.add_argument("--fix", action="store_true", help="应用安全的自动修复")
    c.add_argument("--unsafe-fixes", action="store_true", help="也应用需要确认的修复（与 --fix 或 --diff 一起用）")
    c.add_argument("--diff", action="store_true", help="只显示修复会做的改动，不写文件")
    c.add_argument("--statistics", action="store_true", help="按规则统计问题数量")
    c.add_argument("--baseline", metavar="文件", help="基线文件：不存在时记录当前问题；存在时只报告新问题")
    c.add_argument("--update-baseline", action="store_true", help="用当前问题重写基线文件")
    c.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="并行进程数（默认：全部 CPU 核）")
    c.add_argument("--no-cache", action="store_true", help="不读写结果缓存")
    c.add_argument("--stdin-filename", metavar="文件名", help="标准输入的文件名（用于配置查找和报告）")
    c.add_argument("--reports-only", action="store_true", help="跳过不像年度报告的文件，即使它们是直接指定的（pre-commit 用）")
    c.add_argument("--show-settings", action="store_true", help="显示生效的配置及每项的来源，然后退出")
    c.add_argument("--no-respect-gitignore", action="store_true", help="检查目录时不理会 .gitignore（默认与 git 一样跳过被忽略的文件）")
    c.add_argument("--no-summary", action="store_true", help="不打印汇总行")
    c.add_argument("--quiet", "-q", action="store_true", help="只打印问题，不打印汇总和进度")
    c.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="彩色输出（默认 auto）")
    c.add_argument("--debug", action="store_true", help=_DEBUG_HELP)

    a = sub.add_parser(
        "audit", help="审核一批报告：跨年度、跨机关比对，指标与审核报告", epilog=_AUDIT_EXAMPLES,
        description="审核一批报告（文件或目录）：逐份检查，识别机关和年度，与同一机关上一年度的报告和其他机关的报告比对，"
        "计算评估指标，输出文本、JSON、SARIF、HTML、Excel 或 CSV。",
    )
    a.add_argument("paths", nargs="*", default=[], metavar="路径", help="文件或目录")
    a.add_argument("--format", "--output-format", dest="format", default="text",
                   choices=["text", "json", "sarif", "html", "xlsx", "csv"], help="输出格式（默认 text）")
    a.add_argument("--output-file", "-o", metavar="文件", help="把结果写入文件而不是标准输出（xlsx 必须指定）")
    a.add_argument("--engine", choices=["local", "ray"], default="local", help="local：本机多进程（默认）；ray：在 Ray 集群上运行")
    a.add_argument("--ray-address", metavar="地址", help="已有 Ray 集群的地址（默认在本机启动一个）")
    _rule_options(a)
    a.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="并行进程数（默认：全部 CPU 核）")
    a.add_argument("--no-cache", action="store_true", help="不读写结果缓存")
    a.add_argument("--no-respect-gitignore", action="store_true", help="检查目录时不理会 .gitignore")
    a.add_argument("--quiet", "-q", action="store_true", help="只打印问题，不打印汇总和进度")
    a.add_argument("--debug", action="store_true", help=_DEBUG_HELP)

    ps = sub.add_parser("parse", help="以 JSON 打印报告的解析结果（文档模型）", epilog="示例：\n  xxgk-lint parse 报告.txt > 模型.json")
    ps.add_argument("path", metavar="文件", help="报告文件或 -")
    ps.add_argument("--debug", action="store_true", help=_DEBUG_HELP)

    cv = sub.add_parser(
        "convert", help="把 PDF、Word、网页或文本报告转成 Markdown 报告（表格为管道表格）",
        epilog="示例：\n  xxgk-lint convert 报告.pdf -o 报告.md\n  xxgk-lint convert 报告.docx",
    )
    cv.add_argument("path", metavar="文件", help="报告文件（.pdf、.docx、.html、.txt、.md）")
    cv.add_argument("--output-file", "-o", metavar="文件", help="写入文件（默认打印到标准输出）")
    cv.add_argument("--debug", action="store_true", help=_DEBUG_HELP)

    rl = sub.add_parser(
        "rules", help="列出全部规则（含配置中 rule-dirs 的规则）",
        epilog="示例：\n  xxgk-lint rules\n  xxgk-lint rules --format json",
    )
    rl.add_argument("--format", choices=["text", "json"], default="text", help="输出格式（默认 text）")
    rl.add_argument("--config", metavar="文件", help="配置文件（其中 rule-dirs 的规则也列出）")
    rl.add_argument("--isolated", action="store_true", help="不读取任何配置文件（只列内置规则）")
    rl.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    r = sub.add_parser("rule", help="解释一条规则", epilog="示例：\n  xxgk-lint rule XG201")
    r.add_argument("code", metavar="规则", help="规则编号或名称，如 XG201")
    r.add_argument("--config", metavar="文件", help="配置文件（其中 rule-dirs 的规则也可查）")
    r.add_argument("--isolated", action="store_true", help="不读取任何配置文件")
    r.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    it = sub.add_parser(
        "init", help="写一个带注释的 xxgk-lint.toml 起步配置",
        epilog="示例：\n  xxgk-lint init\n  xxgk-lint init reports/xxgk-lint.toml",
    )
    it.add_argument("path", nargs="?", default="xxgk-lint.toml", metavar="文件", help="写到哪里（默认 ./xxgk-lint.toml）")
    it.add_argument("--force", action="store_true", help="文件已存在时也覆盖")
    lsp = sub.add_parser("lsp", help="启动语言服务器（stdio）")
    lsp.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    p.check_parser = c  # type: ignore[attr-defined]  # for options mixed with paths
    p.audit_parser = a  # type: ignore[attr-defined]
    return p


def parse_args(argv: list[str]):
    """Parse the command line; `check` accepts options before, between and after paths."""
    parser = _parser()
    if argv and argv[0] == "check":
        check = parser.check_parser
        # parse_intermixed_args fills in a missing usage by cutting len("usage: ") off the
        # formatted one, which has our prefix: give it the usage ready-made
        check.usage = check.format_usage().split("：", 1)[1].rstrip("\n")
        args = check.parse_intermixed_args(argv[1:])
        args.command = "check"
        return args
    if argv and argv[0] == "audit":
        audit = parser.audit_parser
        audit.usage = audit.format_usage().split("：", 1)[1].rstrip("\n")
        args = audit.parse_intermixed_args(argv[1:])
        args.command = "audit"
        return args
    return parser.parse_args(argv)


def _split(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def _progress_printer(total: int):
    """A progress bar on stderr for a terminal and more than a few files (none in CI or a pipe)."""
    if total <= 20 or not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    state = {"last": -1}

    def show(done: int, _total: int) -> None:
        pct = done * 100 // total
        if pct == state["last"] and done != total:
            return
        state["last"] = pct
        bar = "#" * (pct // 4) + "-" * (25 - pct // 4)
        sys.stderr.write(f"\r[{bar}] {done}/{total}")
        if done == total:
            sys.stderr.write("\r" + " " * 40 + "\r")
        sys.stderr.flush()

    return show


def cmd_check(args) -> int:
    from . import run as R

    opts = R.Options(
        select=_split(args.select),
        ignore=_split(args.ignore),
        config=args.config,
        isolated=args.isolated,
        fail_level=args.fail_level,
        fix=args.fix,
        unsafe_fixes=args.unsafe_fixes,
        diff=args.diff,
        use_cache=not args.no_cache,
        stdin_filename=args.stdin_filename,
        findings_as_json=_json_as_text(args),
    )
    if args.unsafe_fixes and not (args.fix or args.diff):
        raise UsageError("--unsafe-fixes 须与 --fix 或 --diff 一起使用")
    if args.show_settings:
        from .settings import show_settings

        print(show_settings(args, opts))
        return EXIT_OK

    def excludes_for(folder: Path):
        if args.isolated:
            return folder, [], not args.no_respect_gitignore
        cfg = R.config_for(str(folder / "x.txt"), opts)
        return cfg.root, cfg.exclude, cfg.respect_gitignore and not args.no_respect_gitignore

    try:
        files = R.collect(args.paths or ["."], excludes_for)
    except FileNotFoundError as exc:
        raise UsageError(f"{exc.args[0]}: 文件或目录不存在") from None
    if args.reports_only:
        files = [(p, False) for p, _ in files]
    files = _check_output_targets(args, files)  # before anything is linted, fixed or written
    if not files:
        print("xxgk-lint: 没有找到要检查的 .txt 或 .md 文件", file=sys.stderr)
        return EXIT_ERROR
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    progress = None if args.quiet else _progress_printer(len(files))
    results = R.run(files, opts, jobs, progress)
    code = report(args, results)
    return EXIT_OK if code == EXIT_FINDINGS and args.exit_zero else code


def _json_as_text(args) -> bool:
    """JSON output with nothing to count or filter: findings (cached, or from workers) are
    copied as JSON text, never made into objects."""
    quiet = args.quiet or args.no_summary
    return (
        args.format == "json" and not (args.baseline or args.statistics or args.diff or args.fix)
        and (quiet or not (args.output_file or sys.stderr.isatty()))
    )


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(a) == os.path.realpath(b)


def _check_output_targets(args, files: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The files the run will write besides the reports — `-o FILE`, and the baseline when it
    is to be (re)written — checked before anything is linted or fixed: usage error (exit 2,
    nothing written) when one is a report named on the command line (it would be replaced
    by the findings) or its folder is missing or not writable. One met in a folder walk (the
    output of an earlier run, in the folder being linted) is left out of the inputs."""
    targets = []
    if args.output_file:
        targets.append((args.output_file, "输出文件"))
    if args.baseline and (args.update_baseline or not os.path.exists(args.baseline)):
        targets.append((args.baseline, "基线文件"))
    for target, what in targets:
        keep = []
        for p, explicit in files:
            if p != "-" and _same_file(p, target):
                if explicit:
                    raise UsageError(f"{target}: {what}就是要检查的文件 {p}，会被覆盖；未检查，也未写入任何内容（请换一个{what}名）")
                continue
            keep.append((p, explicit))
        files = keep
        real = os.path.realpath(target)
        folder = os.path.dirname(real) or "."
        if not os.path.isdir(folder):
            raise UsageError(f"{target}: {what}所在的目录 {folder} 不存在，未检查，也未写入任何内容")
        if os.path.isdir(real):
            raise UsageError(f"{target}: 是目录，不能作为{what}")
        if not os.access(folder, os.W_OK | os.X_OK) and not (os.path.exists(real) and os.access(real, os.W_OK)):
            raise UsageError(f"{target}: {what}所在的目录 {folder} 没有写权限，未检查，也未写入任何内容")
    return files


def report(args, results) -> int:
    from . import run as R
    from ..model.diagnostic import fails, severity_fails
    from ..reporting.output import format_concise, format_json, format_json_items, format_text, statistics

    errors = 0
    diags = []
    texts: dict[str, list[str]] = {}
    quiet = args.quiet or args.no_summary
    as_text = _json_as_text(args)
    debug = getattr(args, "debug", False)
    for res in results:
        if res.error:
            print(f"xxgk-lint: {res.error}", file=sys.stderr)
            if debug:
                for e in res.internal:
                    print(e, file=sys.stderr)
            errors += 1
            continue
        for note in res.notes:
            print(f"xxgk-lint: {note}", file=sys.stderr)
        for e in res.internal:
            head, _, trace = e.partition("\n")
            print(f"xxgk-lint: 内部错误：{head}" + ("" if debug else "（加 --debug 查看调用栈）"), file=sys.stderr)
            if debug and trace:
                print(trace.rstrip("\n"), file=sys.stderr)
            errors += 1
        if res.skipped or as_text:
            continue
        diags.extend(R.findings_of(res))
    linted = [r for r in results if not r.error and not r.skipped]

    def lines_of(path: str):
        if path not in texts:
            res = next((r for r in linted if r.path == path), None)
            text = R.text_of(res) if res else None
            texts[path] = text.split("\n") if text is not None else None
        return texts[path]

    if args.baseline:
        from ..reporting import baseline as B

        bpath = Path(args.baseline)
        items = [(d, lines_of(d.path)) for d in diags]
        if args.update_baseline or not bpath.exists():
            try:
                n = B.write(bpath, items)
            except OSError as exc:  # (checked before the run; this is a later failure: disk full …)
                print(f"xxgk-lint: {bpath}: 无法写入基线文件（{exc.strerror or exc}）", file=sys.stderr)
                errors += 1  # the findings are shown: none were recorded
            else:
                print(f"xxgk-lint: 已把 {n} 个现有问题记入基线 {bpath}；以后只报告新问题。", file=sys.stderr)
                diags = []
        else:
            try:
                diags = B.filter_new(bpath, items)
            except (OSError, ValueError) as exc:
                raise UsageError(f"{bpath}: 无法读取基线文件（{exc}）") from None

    out_lines: list[str] = []
    fmt = args.format
    if args.diff:
        fmt = "diff"  # like Ruff: the changes only
        diags = [d for d in diags if d.fix is None or (d.fix.applicability != "safe" and not args.unsafe_fixes)]
    if fmt == "diff":
        pass
    elif fmt == "json" and as_text:
        out_lines.append(format_json_items([item for r in linted for item in R.json_of(r)]))
    elif fmt == "json":
        out_lines.append(format_json(diags))
    elif fmt == "sarif":
        from ..checking.config import Config
        from ..checking.engine import load_rules
        from ..reporting.formats import sarif

        out_lines.append(sarif(diags, load_rules(Config())))
    elif fmt == "github":
        from ..reporting.formats import github

        if diags:
            out_lines.append(github(diags))
    elif fmt == "junit":
        from ..reporting.formats import junit

        level = args.fail_level or (linted[0].fail_level if linted else "error")
        out_lines.append(junit(diags, [r.path for r in linted], level))
    elif fmt == "concise":
        if diags:
            out_lines.append(format_concise(diags))
    else:
        to_file = bool(args.output_file)
        color = not to_file and (args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")))
        text = format_text(diags, lines_of, color=color)
        if text:
            out_lines.append(text)
    for res in linted:
        if res.diff:
            out_lines.append(res.diff.rstrip("\n"))
    if args.statistics and diags:
        out_lines.append(statistics(diags))
    if not quiet and fmt in ("text", "concise"):
        out_lines.append(_summary(diags, linted, results, args))
    body = "\n".join(out_lines)
    if args.output_file:
        from ..reporting.writing import atomic_write

        try:
            atomic_write(Path(args.output_file), (body + "\n").encode("utf-8"))
        except OSError as exc:  # (checked before the run; this is a later failure: disk full …)
            print(f"xxgk-lint: {args.output_file}: 无法写入输出文件（{exc.strerror or exc}）", file=sys.stderr)
            errors += 1
        if not quiet and fmt not in ("text", "concise"):
            print(_summary(diags, linted, results, args), file=sys.stderr)
    elif body:
        _print_to_pipe(body)
    if not quiet and fmt not in ("text", "concise") and not args.output_file and sys.stderr.isatty():
        print(_summary(diags, linted, results, args), file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if args.diff and any(r.diff for r in linted):
        return EXIT_FINDINGS
    if as_text:
        failing = any(severity_fails(R.severities_of(r), args.fail_level or r.fail_level) for r in linted)
    else:
        level = args.fail_level or "error"
        by_path_level = {r.path: r.fail_level for r in linted}
        failing = any(fails([d], args.fail_level or by_path_level.get(d.path, level)) for d in diags)
    return EXIT_FINDINGS if failing else EXIT_OK


def _print_to_pipe(text: str) -> None:
    """Print; a reader that closed the pipe (`| head`) ends the output, not the exit code."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()


def _silence_stdout() -> None:
    # the interpreter flushes stdout again at exit: point it at /dev/null first
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


# the findings that say a table's arithmetic was not (fully) checked
_UNCHECKED_RULES = frozenset({"XG210", "XG211", "XG309"})


def _summary(diags, linted, results, args) -> str:
    from collections import Counter

    from ..reporting.output import summary

    line = summary(diags, len(linted))
    skipped = sum(1 for r in results if r.skipped)
    fixed = sum(r.fixed for r in linted)
    cats = Counter(d.category for d in diags)
    if cats:
        line += "\n按类别：" + "、".join(f"{c} {n}" for c, n in cats.most_common())
        with_errors = len({d.path for d in diags if d.severity == "error"})
        line += f"；有错误的报告 {with_errors} 份。"
    # never check less in silence: how many reports had tables the arithmetic could not check
    partial = len({d.path for d in diags if d.rule in _UNCHECKED_RULES})
    if partial:
        line += f"\n表格完整核对的报告 {len(linted) - partial} 份；{partial} 份的表格未能完整核对（见 {'、'.join(sorted(_UNCHECKED_RULES))}）。"
    if fixed:
        line += f"\n已自动修复 {fixed} 个问题。"
    if skipped:
        line += f"\n另有 {skipped} 个文件不像年度报告，已跳过。"
    return line


def cmd_parse(args) -> int:
    from ..parsing.builder import build
    from ..reporting.dump import document_to_dict
    from ..reading.files import decode, is_document, read_report, read_stdin

    if args.path == "-":
        text, _ = decode(read_stdin(), "-")  # (as check -: at most the file size cap)
        name = "-"
    elif is_document(args.path):
        from ..reading.documents import read_document

        text, name = read_document(args.path).text, args.path
    else:
        text, name = read_report(args.path).text, args.path
    doc = build(text, name)
    model = document_to_dict(doc)
    model["coverage"] = _coverage(doc)
    print(json.dumps(model, ensure_ascii=False, indent=1))
    return EXIT_OK


def _coverage(doc) -> dict:
    """Per table: the rows read and not, and the equations of the rule set checked and not
    (with the cells that stopped them) — what `check` could verify of this report."""
    from ..checking.config import Config
    from ..checking.engine import Linter

    equations = [r for r in Linter(Config()).rules if r.kind == "equation"]
    out: dict = {}
    for key, table in doc.tables.items():
        if table is None:
            out[key] = None
            continue
        total, unchecked = 0, []
        for rule in equations:
            if rule.checker.p["table"] != key:
                continue
            total += len(rule.checker.scopes(table))
            for scope, cells in rule.checker.unchecked(table):
                unchecked.append({"rule": rule.id, "scope": scope, "cells": [list(c) for c in cells]})
        out[key] = {
            "rows_read": [r.key for r in table.rows if r.key and r.status == "ok"],
            "rows_not_read": [{"row": r.key, "status": r.status} for r in table.rows if r.key and r.status not in ("ok", "absent")],
            "rows_absent": [r.key for r in table.rows if r.key and r.status == "absent"],
            "equations": total,
            "checked": total - len(unchecked),
            "unchecked": unchecked,
        }
    return out


def cmd_convert(args) -> int:
    """Any report (PDF, Word, web page, text) as a Markdown report: its tables as pipe tables,
    the text an author can keep drafting in, and that lints like the original."""
    from ..reading.documents import read_document
    from ..reading.files import is_document, read_report
    from ..reporting.writing import atomic_write

    if is_document(args.path):
        text = read_document(args.path).text
    else:
        text = read_report(args.path).text
    if args.output_file:
        out = Path(args.output_file)
        if out.exists() and out.resolve() == Path(args.path).resolve():
            raise UsageError(f"{out}：输出文件就是输入文件，未写入")
        if not out.parent.is_dir():
            raise UsageError(f"{out.parent}：目录不存在")
        atomic_write(out, text.encode("utf-8"))
        print(f"已写入 {out}", file=sys.stderr)
    else:
        _print_to_pipe(text.rstrip("\n"))
    return EXIT_OK


def _configured_rules(args):
    """The rule set a `check` here would use: the discovered (or named) configuration's
    rule-dirs and params included, unless --isolated."""
    from ..checking.config import Config, discover, load
    from ..checking.engine import load_rules

    if args.isolated:
        cfg = Config()
    elif args.config:
        cfg = load(Path(args.config))
    else:
        cfg = discover(Path.cwd() / "x.txt")
    from ..audit.rules import selected  # the cross-report rules `audit` runs besides

    return load_rules(cfg) + selected(cfg)


def _rule_json(r) -> dict:
    from ..support.resources import rule_doc_uri

    return {
        "code": r.id,
        "name": r.name,
        "category": r.category,
        "severity": r.severity,
        "kind": r.kind,
        "message": r.message,
        "description": r.description,
        "fix": r.fix_message or None,
        "examples": [{k: v for k, v in (("bad", e.bad), ("good", e.good), ("fixed", e.fixed)) if v is not None} for e in r.examples],
        "source": r.source,
        "url": rule_doc_uri(r.id) or None,
    }


def cmd_rules(args) -> int:
    rules = _configured_rules(args)
    if args.format == "json":
        _print_to_pipe(json.dumps([_rule_json(r) for r in rules], ensure_ascii=False, indent=1))
        return EXIT_OK
    from ..reporting.output import SEVERITY_CN

    width = max((len(r.name) for r in rules), default=0)
    lines = [f"{r.id}  {SEVERITY_CN[r.severity]}  {r.category:<14} {r.name:<{width}}  {r.message}" for r in rules]
    _print_to_pipe("\n".join(lines))
    return EXIT_OK


def cmd_rule(args) -> int:
    from ..support.resources import rule_doc_uri

    code = args.code.upper() if args.code[:2].isalpha() and args.code[2:].isdigit() else args.code
    rules = _configured_rules(args)
    for r in rules:
        if r.id == code or r.name == args.code:
            out = [f"{r.id} {r.name}（{r.category}，{_severity_cn(r.severity)}）", "", r.description, "", f"消息：{r.message}"]
            if r.fix_message:
                out.append(f"修复：{r.fix_message}")
            for k, ex in enumerate(r.examples, 1):
                if ex.bad:
                    out.append(f"\n示例 {k} — 有问题：\n{ex.bad.strip()}")
                if ex.good:
                    out.append(f"\n示例 {k} — 正确：\n{ex.good.strip()}")
                if ex.fixed:
                    out.append(f"\n示例 {k} — 自动修复后：\n{ex.fixed.strip()}")
            url = rule_doc_uri(r.id)
            out.append(f"\n文档：{url}" if url else f"\n定义于：{r.source}")
            _print_to_pipe("\n".join(out))
            return EXIT_OK
    import difflib

    close = difflib.get_close_matches(code, [r.id for r in rules] + [r.name for r in rules], n=1, cutoff=0.6)
    hint = f"你是不是想查 {close[0]}？" if close else "用 xxgk-lint rules 查看全部规则。"
    raise UsageError(f"没有规则 {args.code}。{hint}")


def _severity_cn(level: str) -> str:
    from ..reporting.output import SEVERITY_CN

    return SEVERITY_CN.get(level, level)


def cmd_init(args) -> int:
    from ..reporting.writing import atomic_write
    from .settings import STARTER_CONFIG

    path = Path(args.path)
    if path.is_dir():
        path = path / "xxgk-lint.toml"
    if path.exists() and not args.force:
        raise UsageError(f"{path} 已存在，未改动（加 --force 覆盖）")
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent}：目录不存在")
    atomic_write(path, STARTER_CONFIG.encode("utf-8"))
    print(f"已写入 {path}：一份带注释的起步配置，按需取消注释。", file=sys.stderr)
    return EXIT_OK


def cmd_lsp(args) -> int:
    from ...lsp.server import main as lsp_main  # the server is a sibling station: imported only here

    lsp_main()
    return EXIT_OK


def cmd_audit(args) -> int:
    """xxgk-lint audit: every report linted as `check` does (same walk, readers, configuration
    and worker pool), then identified, paired and compared (linter/audit/)."""
    from ..audit import collection as AC, outputs as AO
    from ..audit.rules import report_config, selected
    from . import run as R

    opts = R.Options(select=_split(args.select), ignore=_split(args.ignore), config=args.config, isolated=args.isolated,
                     fail_level=args.fail_level, use_cache=not args.no_cache)

    def excludes_for(folder: Path):
        if args.isolated:
            return folder, [], not args.no_respect_gitignore
        cfg = R.config_for(str(folder / "x.txt"), opts)
        return cfg.root, cfg.exclude, cfg.respect_gitignore and not args.no_respect_gitignore

    if any(p == "-" for p in args.paths):
        raise UsageError("audit 不读标准输入：请给出文件或目录")
    if args.format == "xlsx" and not args.output_file:
        raise UsageError("--format xlsx 需要用 -o 指定输出文件")
    if args.ray_address and args.engine != "ray":
        raise UsageError("--ray-address 须与 --engine ray 一起使用")
    if args.output_file:
        out = Path(args.output_file)
        if out.is_dir():
            raise UsageError(f"{out}：是目录，不能作为输出文件")
        if not (out.parent if str(out.parent) else Path(".")).is_dir():
            raise UsageError(f"{out.parent}：目录不存在")
    try:
        files = R.collect(args.paths or ["."], excludes_for)
    except FileNotFoundError as exc:
        raise UsageError(f"{exc.args[0]}: 文件或目录不存在") from None
    if not files:
        print("xxgk-lint: 没有找到要审核的报告（.txt、.md、.pdf、.docx、.html）", file=sys.stderr)
        return EXIT_ERROR
    base = R.config_for(files[0][0], opts)
    rules = selected(base)
    configs: dict = {}
    items = []
    for path, _explicit in files:
        folder = os.path.dirname(path)
        if folder not in configs:
            configs[folder] = report_config(R.config_for(path, opts))
        items.append((path, configs[folder]))
    # the per-report linters are made (and their configurations checked) here, once, before
    # any worker starts: a bad configuration is one message, not one per file
    from ..checking.engine import Linter

    for cfg in {id(c): c for c in configs.values()}.values():
        Linter(cfg)
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    progress = None if args.quiet else _progress_printer(len(items))
    session = None
    pairs_of = None
    if args.engine == "ray":
        from ..audit import ray_engine

        why = ray_engine.unavailable()
        if why:
            raise UsageError(why)
        session = ray_engine.Session(jobs, args.ray_address)
    # the result cache: the facts of a report unchanged since the last audit (same rules,
    # same configuration) are read back, not linted again
    looked, caches = R.audit_caches(items, not args.no_cache)
    facts: list = [hit for _, _, hit in looked]
    todo = [k for k, f in enumerate(facts) if f is None]
    done = len(items) - len(todo)
    if progress and done:
        progress(done, len(items))
    misses = [items[k] for k in todo]

    def finished(k: int, f) -> None:
        nonlocal done
        facts[k] = f
        cache, st, _ = looked[k]
        R.audit_store(cache, st, f)
        done += 1
        if progress:
            progress(done, len(items))

    try:
        if session is not None:
            for k, f in zip(todo, session.map_ordered(R.audit_one, misses)):
                finished(k, f)
            pairs_of = session.bands
        elif jobs > 1 and len(misses) >= 8:
            from . import workers

            from ..audit.facts import ReportFacts

            def lost(item, why: str):
                return ReportFacts(path=item[0], error=f"{item[0]}: 审核时{why}")

            for k, f in zip(todo, workers.map_ordered(R.audit_one, misses, jobs, lost)):
                finished(k, f)
        else:
            for k, item in zip(todo, misses):
                finished(k, R.audit_one(item))
        for cache in caches:
            cache.save()
        def ignored_for(path: str) -> list:
            cfg = configs.get(os.path.dirname(path))
            return cfg.ignored_for(path) if cfg is not None and cfg.per_file_ignores else []

        result = AC.run(facts, rules, args.engine, pairs_of, ignored_for)
    finally:
        if session is not None:
            session.close()
    for e in result.errors:
        print(f"xxgk-lint: {e['why']}", file=sys.stderr)
    for e in result.internal:
        print(f"xxgk-lint: 内部错误：{e}", file=sys.stderr)
    fmt = args.format
    if fmt == "text":
        body: str | bytes = AO.text(result, quiet=args.quiet)
    elif fmt == "json":
        body = AO.json_text(result)
    elif fmt == "sarif":
        from ..checking.config import Config
        from ..checking.engine import load_rules

        body = AO.sarif_text(result, [*load_rules(Config()), *rules])
    elif fmt == "csv":
        body = AO.csv_text(result)
    elif fmt == "xlsx":
        try:
            body = AO.xlsx_bytes(result)
        except ImportError:
            raise UsageError("写 Excel 需要 openpyxl：pip install openpyxl") from None
    else:
        from ..audit.html import render

        body = render(result.to_dict())
    code = EXIT_OK
    if args.output_file:
        from ..reporting.writing import atomic_write

        data = body if isinstance(body, bytes) else (body + "\n").encode("utf-8")
        try:
            atomic_write(Path(args.output_file), data)
        except OSError as exc:
            print(f"xxgk-lint: {args.output_file}: 无法写入输出文件（{exc.strerror or exc}）", file=sys.stderr)
            code = EXIT_ERROR
        if not args.quiet and fmt != "text":
            print(AO.summary(result), file=sys.stderr)
    elif body:
        _print_to_pipe(body if isinstance(body, str) else body.decode("utf-8", "replace"))
    if result.errors or result.internal:
        return EXIT_ERROR
    if code:
        return code
    level = args.fail_level or base.fail_level
    failing = AO.findings_failing(result.findings, level)
    return EXIT_FINDINGS if failing and not args.exit_zero else EXIT_OK


COMMANDS = {
    "audit": cmd_audit,
    "check": cmd_check, "parse": cmd_parse, "convert": cmd_convert, "rules": cmd_rules, "rule": cmd_rule,
    "init": cmd_init, "lsp": cmd_lsp,
}


def _safe_streams() -> None:
    """A console or pipe that cannot show Chinese (cp1252, ASCII, a GBK console meeting 𠀀)
    gets replacement characters, never a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None and stream.errors == "strict":
                stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass


def main(argv: list[str] | None = None) -> int:
    from ..support.errors import ConfigError, ReadError, RuleError

    _safe_streams()
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv or os.environ.get("XXGK_LINT_DEBUG") == "1"
    try:
        args = parse_args(argv)
        if not args.command:
            raise UsageError("缺少子命令（check、audit、parse、convert、rules、rule、init、lsp）；用 xxgk-lint --help 查看用法")
        code = COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"xxgk-lint: 用法错误：{exc}", file=sys.stderr)
        code = EXIT_ERROR
    except (ConfigError, RuleError) as exc:
        print(f"xxgk-lint: 配置错误：{exc}", file=sys.stderr)
        code = EXIT_ERROR
    except ReadError as exc:
        print(f"xxgk-lint: {exc}", file=sys.stderr)
        code = EXIT_ERROR
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # outside the findings' output (help, rules …): nothing more to say
        _silence_stdout()
        code = EXIT_OK
    except Exception as exc:  # noqa: BLE001 - a bug of ours: one line and exit 2, never a traceback
        if debug:
            import traceback

            traceback.print_exc()
        print(f"xxgk-lint: 内部错误：{type(exc).__name__}: {exc}" + ("" if debug else "（加 --debug 查看调用栈）"), file=sys.stderr)
        code = EXIT_ERROR
    return code


def entry() -> None:
    sys.exit(main())
