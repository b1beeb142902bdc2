"""The `xxgk-lint` command.

  xxgk-lint check [PATH ...]      lint reports (files, folders of .txt/.md, "-" for stdin)
  xxgk-lint parse FILE            print the Document model as JSON (the debugging view)
  xxgk-lint rules                 list every rule
  xxgk-lint rule CODE             explain one rule, with its examples
  xxgk-lint lsp                   start the language server on stdio

Exit codes: 0 nothing at or above the fail level; 1 findings; 2 usage, configuration or I/O
error (one clear line, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
REPORT_SUFFIXES = (".txt", ".md")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 with usage; keep it one clear line
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="xxgk-lint", description="政府信息公开工作年度报告检查工具")
    p.add_argument("--version", action="version", version=f"xxgk-lint {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    c = sub.add_parser("check", help="检查报告")
    c.add_argument("paths", nargs="*", default=[], help="文件、目录或 -(标准输入)")
    c.add_argument("--format", "--output-format", dest="format", default="text", choices=["text", "concise", "json"])
    c.add_argument("--select", action="append", default=[], help="只运行这些规则/前缀/类别(逗号分隔)")
    c.add_argument("--ignore", action="append", default=[], help="不运行这些规则/前缀/类别(逗号分隔)")
    c.add_argument("--config", help="配置文件(xxgk-lint.toml 或 pyproject.toml)")
    c.add_argument("--isolated", action="store_true", help="不读取任何配置文件")
    c.add_argument("--fail-level", choices=["error", "warning", "info"], help="达到该级别的问题使退出码为 1")
    c.add_argument("--statistics", action="store_true", help="按规则统计问题数量")
    c.add_argument("--stdin-filename", help="标准输入的文件名(用于配置查找和报告)")
    c.add_argument("--no-summary", action="store_true", help="不打印汇总行")
    c.add_argument("--color", choices=["auto", "always", "never"], default="auto")

    ps = sub.add_parser("parse", help="以 JSON 打印报告的解析结果(文档模型)")
    ps.add_argument("path", help="报告文件或 -")

    sub.add_parser("rules", help="列出全部规则")
    r = sub.add_parser("rule", help="解释一条规则")
    r.add_argument("code", help="规则编号或名称,如 XG201")
    sub.add_parser("lsp", help="启动语言服务器(stdio)")
    return p


def _split(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def _collect(paths: list[str]) -> list[tuple[str, bool]]:
    """Expand folders (recursively, .txt and .md, sorted); keep files and "-" as given.
    Each path comes with whether it was named explicitly (a file found in a folder that is
    not a report at all, like a README, is skipped rather than linted)."""
    out: list[tuple[str, bool]] = []
    for p in paths:
        if p == "-":
            out.append((p, True))
            continue
        path = Path(p)
        if path.is_dir():
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
                for f in files:
                    if f.endswith(REPORT_SUFFIXES):
                        found.append(os.path.join(root, f))
            out.extend((f, False) for f in sorted(found))
        elif path.exists():
            out.append((p, True))
        else:
            raise UsageError(f"{p}: 文件或目录不存在")
    return out


def _config(args, start: Path):
    from .config import Config, discover, load

    if args.isolated:
        cfg = Config()
    elif args.config:
        cfg = load(Path(args.config))
    else:
        cfg = discover(start)
    sel, ign = _split(args.select), _split(args.ignore)
    if sel:
        cfg.select = sel
    if ign:
        cfg.ignore = cfg.ignore + ign
    if args.fail_level:
        cfg.fail_level = args.fail_level
    return cfg


def cmd_check(args) -> int:
    from .engine import Linter, fails
    from .output import format_concise, format_json, format_text, statistics, summary
    from .reading import ReadError, decode, read_report

    paths = _collect(args.paths or ["."])
    if not paths:
        print("xxgk-lint: 没有找到要检查的 .txt 或 .md 文件", file=sys.stderr)
        return EXIT_ERROR
    start = Path(paths[0][0]).resolve() if paths[0][0] != "-" else Path.cwd()
    cfg = _config(args, start)
    linters: dict = {}
    all_diags = []
    sources: dict[str, list[str]] = {}
    errors = 0
    skipped = 0
    for p, explicit in paths:
        try:
            if p == "-":
                name = args.stdin_filename or "-"
                text, _enc = decode(sys.stdin.buffer.read(), name)
            else:
                name = p
                text = read_report(p).text
        except ReadError as exc:
            print(f"xxgk-lint: {exc}", file=sys.stderr)
            errors += 1
            continue
        file_cfg = cfg
        if not args.config and not args.isolated and p != "-":
            from .config import discover

            file_cfg = discover(Path(p).resolve())
            if _split(args.select):
                file_cfg.select = _split(args.select)
            if _split(args.ignore):
                file_cfg.ignore = file_cfg.ignore + _split(args.ignore)
            if args.fail_level:
                file_cfg.fail_level = args.fail_level
        key = file_cfg.key()
        linter = linters.get(key)
        if linter is None:
            linter = linters[key] = Linter(file_cfg)
        doc, diags = linter.lint_text(text, name)
        if not explicit and not doc.looks_like_report:
            skipped += 1
            continue
        sources[name] = doc.source.lines
        all_diags.extend(diags)
        if linter.errors:
            for e in linter.errors:
                print(f"xxgk-lint: 内部错误:{e}", file=sys.stderr)
            linter.errors.clear()
            errors += 1
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    if args.format == "json":
        print(format_json(all_diags))
    elif args.format == "concise":
        if all_diags:
            print(format_concise(all_diags))
    else:
        text = format_text(all_diags, sources.get, color=color)
        if text:
            print(text)
    if args.statistics:
        print(statistics(all_diags), file=sys.stderr if args.format == "json" else sys.stdout)
    if args.format != "json" and not args.no_summary:
        line = summary(all_diags, len(paths) - skipped)
        if skipped:
            line += f"(另有 {skipped} 个文件不像年度报告,已跳过)"
        print(line, file=sys.stdout if args.format == "text" else sys.stderr)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if fails(all_diags, cfg.fail_level) else EXIT_OK


def cmd_parse(args) -> int:
    from .builder import build
    from .dump import document_to_dict
    from .reading import decode, read_report

    if args.path == "-":
        text, _ = decode(sys.stdin.buffer.read(), "-")
        name = "-"
    else:
        text, name = read_report(args.path).text, args.path
    doc = build(text, name)
    print(json.dumps(document_to_dict(doc), ensure_ascii=False, indent=1))
    return EXIT_OK


def cmd_rules(args) -> int:
    from .engine import load_rules
    from .config import Config

    for r in load_rules(Config()):
        print(f"{r.id}  {r.severity:<7} {r.category:<14} {r.name}  {r.message.split('{')[0].rstrip('“:,')}")
    return EXIT_OK


def cmd_rule(args) -> int:
    from .engine import load_rules
    from .config import Config

    code = args.code.upper() if args.code[:2].isalpha() and args.code[2:].isdigit() else args.code
    for r in load_rules(Config()):
        if r.id == code or r.name == args.code:
            print(f"{r.id} {r.name}  [{r.category} / {r.severity}]")
            print()
            print(r.description)
            print()
            print(f"消息:{r.message}")
            for k, ex in enumerate(r.examples, 1):
                if ex.bad:
                    print(f"\n示例 {k} — 有问题:\n{ex.bad.strip()}")
                if ex.good:
                    print(f"\n示例 {k} — 正确:\n{ex.good.strip()}")
                if ex.fixed:
                    print(f"\n示例 {k} — 自动修复后:\n{ex.fixed.strip()}")
            return EXIT_OK
    raise UsageError(f"没有规则 {args.code}(用 xxgk-lint rules 查看全部规则)")


def cmd_lsp(args) -> int:
    from lsp.server import main as lsp_main

    lsp_main()
    return EXIT_OK


COMMANDS = {"check": cmd_check, "parse": cmd_parse, "rules": cmd_rules, "rule": cmd_rule, "lsp": cmd_lsp}


def main(argv: list[str] | None = None) -> int:
    from .config import ConfigError
    from .reading import ReadError
    from .rules import RuleError

    try:
        args = _parser().parse_args(argv)
        if not args.command:
            raise UsageError("缺少子命令(check、parse、rules、rule、lsp);用 xxgk-lint --help 查看用法")
        code = COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"xxgk-lint: 用法错误:{exc}", file=sys.stderr)
        code = EXIT_ERROR
    except (ConfigError, RuleError) as exc:
        print(f"xxgk-lint: 配置错误:{exc}", file=sys.stderr)
        code = EXIT_ERROR
    except ReadError as exc:
        print(f"xxgk-lint: {exc}", file=sys.stderr)
        code = EXIT_ERROR
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        code = EXIT_OK
        try:
            sys.stdout = None  # type: ignore[assignment]
        except Exception:
            pass
    return code


def entry() -> None:
    sys.exit(main())
