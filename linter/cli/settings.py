"""`check --show-settings` (the configuration in force for a file, and where each value came
from) and `init` (a commented starter configuration)."""

from __future__ import annotations

import json
from pathlib import Path

DEFAULT, CONFIG_FILE, COMMAND_LINE = "默认值", "配置文件", "命令行"

STARTER_CONFIG = """\
# xxgk-lint 配置（政府信息公开工作年度报告检查工具）
# 放在报告目录或其上级目录；也可以写进 pyproject.toml 的 [tool.xxgk-lint] 表。
# 用 `xxgk-lint check --show-settings 报告.txt` 查看生效的配置及每项的来源。
# 全部规则：`xxgk-lint rules`；一条规则的说明：`xxgk-lint rule XG201`。

# 只运行这些规则：编号（XG201）、编号前缀（XG2）或类别（arithmetic）；"ALL" 为全部。
# select = ["ALL"]

# 不运行这些规则（同上）。
# ignore = ["XG308"]

# 在 select / ignore 之外追加。
# extend-select = []
# extend-ignore = []

# 单条规则的级别：error、warning、info 或 off（关闭）。
# severity = { XG501 = "error" }

# 按文件（gitignore 风格的路径模式）忽略规则。
# per-file-ignores = { "archive/*.txt" = ["date"] }

# 达到该级别的问题使 check 的退出码为 1：error、warning 或 info。
# fail-level = "error"

# 检查目录时跳过的路径（gitignore 风格）。
# exclude = ["drafts/", "*.bak.txt"]

# 自己的规则包（与 rules/ 同格式的 TOML），相对于本文件。
# rule-dirs = ["our-rules"]

# 规则参数。
# params = { XG501 = { threshold = 90 } }
"""


def show_settings(args, opts) -> str:
    """The resolved configuration for the first path given (or the current folder)."""
    from ..checking.config import Config, discover, find_config_file, load
    from .run import config_for

    target = (args.paths or ["."])[0]
    start = Path.cwd() if target == "-" else Path(target).resolve()
    if opts.isolated:
        base, found, why = Config(), None, "--isolated：不读取配置文件"
    elif opts.config:
        found = Path(opts.config).resolve()
        base, why = load(found), "--config 指定"
    else:
        found = find_config_file(start)
        base = discover(start)
        why = "从被检查的文件向上查找" if found else "向上查找未找到配置文件"
    cfg = config_for(target if target != "-" else str(Path.cwd() / "-"), opts)
    defaults = Config()

    def source(key: str, value, base_value, default_value, from_cli: bool) -> str:
        if from_cli:
            return COMMAND_LINE
        if found is not None and base_value != default_value:
            return f"{CONFIG_FILE} {found}"
        return DEFAULT

    rows = [
        ("select", cfg.select, source("select", cfg.select, base.select, defaults.select, bool(opts.select))),
        ("ignore", cfg.ignore, source("ignore", cfg.ignore, base.ignore, defaults.ignore, bool(opts.ignore))),
        ("severity", cfg.severity, source("severity", cfg.severity, base.severity, defaults.severity, False)),
        ("per-file-ignores", cfg.per_file_ignores, source("", 0, base.per_file_ignores, defaults.per_file_ignores, False)),
        ("fail-level", cfg.fail_level, source("", 0, base.fail_level, defaults.fail_level, bool(opts.fail_level))),
        ("exclude", cfg.exclude, source("", 0, base.exclude, defaults.exclude, False)),
        ("rule-dirs", [str(d) for d in cfg.rule_dirs], source("", 0, base.rule_dirs, defaults.rule_dirs, False)),
        ("params", cfg.params, source("", 0, base.params, defaults.params, False)),
    ]
    if opts.select and base.select:
        rows[0] = (*rows[0][:2], f"{COMMAND_LINE}（替换了{CONFIG_FILE}中的 {json.dumps(base.select, ensure_ascii=False)}）")
    if opts.ignore and base.ignore:
        rows[1] = (*rows[1][:2], f"{COMMAND_LINE}与{CONFIG_FILE}合并")
    out = [f"检查对象：{target}", f"配置文件：{found or '无'}（{why}）", ""]
    width = max(len(k) for k, _, _ in rows)
    for key, value, src in rows:
        shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        out.append(f"{key:<{width}} = {shown}    # {src}")
    cache = "关闭（--no-cache）" if not opts.use_cache else "开启（.xxgk-lint-cache/）"
    out += ["", f"结果缓存：{cache}"]
    return "\n".join(out)
