"""User configuration: `[tool.xxgk-lint]` in pyproject.toml or an xxgk-lint.toml, found upward
from the checked file (the same discovery for the CLI and the language server).

Keys (all optional):
  select = ["XG2", "arithmetic"]   codes, code prefixes or categories to run (default: all)
  ignore = ["XG803"]               codes, prefixes or categories not to run
  extend-select / extend-ignore    added to the above
  severity = { XG501 = "error" }   per-rule severity (error|warning|info|off)
  per-file-ignores = { "old/*.txt" = ["XG4"] }
  rule-dirs = ["my-rules"]         extra rule folders (relative to the config file)
  params = { XG501 = { threshold = 90 } }   rule parameters
  exclude = ["drafts/", "*.bak.txt"]       paths to skip when walking folders (gitignore syntax)
  respect-gitignore = true         skip what .gitignore files ignore when walking folders
  fail-level = "error"             lowest severity that makes `check` exit 1

rule-dirs are code the linter runs (patterns, equations), and a configuration file may come
with a repository someone else made: each must resolve (symbolic links included) to a folder
inside the folder of the configuration file that names it — for editor settings without a
file, the working folder — and at most MAX_RULE_FILES *.toml right inside it, each a regular
file inside too; anything else is a ConfigError (one line, exit 2). Only "the user's own
configuration" may allow more, and that is the environment, which a repository cannot set:
XXGK_LINT_ALLOW_RULE_DIRS, a list of folders separated by os.pathsep (":" on POSIX, ";" on
Windows), adds each of them and everything below as allowed.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ..support import toml
from ..model.diagnostic import CATEGORIES, SEVERITIES
from ..support.errors import ConfigError
from ..support.record import Record, factory, replace

CONFIG_KEYS = {
    "select": list,
    "ignore": list,
    "extend-select": list,
    "extend-ignore": list,
    "severity": dict,
    "per-file-ignores": dict,
    "rule-dirs": list,
    "params": dict,
    "exclude": list,
    "fail-level": str,
    "respect-gitignore": bool,
}


class Config(Record):
    path: Path | None = None  # the file it came from (None: defaults)
    select: list[str] = factory(list)
    ignore: list[str] = factory(list)
    severity: dict[str, str] = factory(dict)
    per_file_ignores: dict[str, list[str]] = factory(dict)
    rule_dirs: list[Path] = factory(list)
    params: dict[str, dict] = factory(dict)
    exclude: list[str] = factory(list)
    fail_level: str = "error"
    respect_gitignore: bool = True

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def key(self) -> tuple:
        """Hashable identity of everything that changes the rule set (for caches)."""
        return (
            str(self.path),
            tuple(self.select),
            tuple(self.ignore),
            tuple(sorted(self.severity.items())),
            tuple(str(d) for d in self.rule_dirs),
            repr(sorted(self.params.items())),
            tuple(sorted((k, tuple(v)) for k, v in self.per_file_ignores.items())),
        )

    def ignored_for(self, path: str) -> list[str]:
        if not self.per_file_ignores:
            return []
        try:
            rel = os.path.relpath(path, self.root)
        except ValueError:
            rel = path
        rel = rel.replace(os.sep, "/")
        from ..support.pathmatch import matches

        out: list[str] = []
        for pattern, codes in self.per_file_ignores.items():  # gitignore semantics, like exclude
            if matches((pattern,), rel):
                out.extend(codes)
        return out


def matches(selector: str, rule_id: str, category: str) -> bool:
    """A selector is a category, "ALL", or a rule code or code prefix (XG2, XG201)."""
    return selector == "ALL" or selector == category or rule_id.startswith(selector)


def _check_selectors(path, key: str, items: list) -> list[str]:
    for x in items:
        if not isinstance(x, str) or not x:
            raise ConfigError(path, key, "应为规则编号、编号前缀或类别名的列表")
        if not (x == "ALL" or x in CATEGORIES or x[:2].isalpha()):
            raise ConfigError(path, key, f"无法识别的选择器 {x!r}")
    return list(items)


def parse(data: dict, path: Path | None) -> Config:
    where = path or "<settings>"
    cfg = Config(path=path)
    for key, value in data.items():
        if key not in CONFIG_KEYS:
            raise ConfigError(where, key, f"未知的配置项（可用：{', '.join(CONFIG_KEYS)}）")
        if not isinstance(value, CONFIG_KEYS[key]):
            raise ConfigError(where, key, f"类型应为 {CONFIG_KEYS[key].__name__}")
    cfg.select = _check_selectors(where, "select", data.get("select", []))
    cfg.select += _check_selectors(where, "extend-select", data.get("extend-select", [])) if cfg.select else []
    cfg.ignore = _check_selectors(where, "ignore", data.get("ignore", []))
    cfg.ignore += _check_selectors(where, "extend-ignore", data.get("extend-ignore", []))
    for code, level in data.get("severity", {}).items():
        if level not in (*SEVERITIES, "off"):
            raise ConfigError(where, f"severity.{code}", "应为 error、warning、info 或 off")
        cfg.severity[code] = level
    for pattern, codes in data.get("per-file-ignores", {}).items():
        if not isinstance(codes, list):
            raise ConfigError(where, f"per-file-ignores.{pattern}", "应为规则编号列表")
        cfg.per_file_ignores[pattern] = _check_selectors(where, f"per-file-ignores.{pattern}", codes)
    base = path.parent if path else Path.cwd()
    for d in data.get("rule-dirs", []):
        if not isinstance(d, str):
            raise ConfigError(where, "rule-dirs", "应为目录路径列表")
        cfg.rule_dirs.append(_rule_dir(where, base, d))
    for code, params in data.get("params", {}).items():
        if not isinstance(params, dict):
            raise ConfigError(where, f"params.{code}", "应为参数表")
        cfg.params[code] = dict(params)
    cfg.exclude = [str(x) for x in data.get("exclude", [])]
    level = data.get("fail-level", "error")
    if level not in SEVERITIES:
        raise ConfigError(where, "fail-level", "应为 error、warning 或 info")
    cfg.fail_level = level
    cfg.respect_gitignore = data.get("respect-gitignore", True)
    return cfg


MAX_RULE_FILES = 200  # *.toml per rule folder: more is not a rule folder (or a mistake)
ALLOW_ENV = "XXGK_LINT_ALLOW_RULE_DIRS"


def _shown(p) -> str:
    """A path for a one-line message (a name with a line break or control character quoted)."""
    s = str(p)
    return s if s.isprintable() else repr(s)


def allowed_roots(base: Path) -> list[Path]:
    """Where rule folders may be: the folder of the configuration file that names them (and
    below), and the folders the user's own environment adds (XXGK_LINT_ALLOW_RULE_DIRS)."""
    roots = [base.resolve()]
    for extra in os.environ.get(ALLOW_ENV, "").split(os.pathsep):
        if extra and "\0" not in extra:
            try:
                roots.append(Path(extra).expanduser().resolve())
            except (OSError, RuntimeError, ValueError):
                pass
    return roots


def _rule_dir(where, base: Path, d: str) -> Path:
    """A `rule-dirs` entry, resolved (symbolic links too) and checked: inside an allowed root,
    a folder, at most MAX_RULE_FILES rule packs, each a regular file inside an allowed root."""
    if not d or "\0" in d:
        raise ConfigError(where, "rule-dirs", "目录路径为空或含有空字符（NUL）")
    try:
        roots = allowed_roots(base)
        p = (base / d).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a loop of links, a name too long
        raise ConfigError(where, "rule-dirs", f"无法解析目录路径 {_shown(d)}（{exc}）") from None

    def inside(q: Path) -> bool:
        return any(q == r or r in q.parents for r in roots)

    if not inside(p):
        raise ConfigError(
            where, "rule-dirs",
            f"规则目录 {_shown(p)} 不在配置文件所在目录 {_shown(roots[0])} 之内"
            f"（项目之外的目录须由用户的环境变量 {ALLOW_ENV} 允许）",
        )
    if not p.is_dir():
        why = "不是目录" if p.exists() else "规则目录不存在"
        raise ConfigError(where, "rule-dirs", f"{why}：{_shown(p)}")
    import stat
    from itertools import islice

    try:
        packs = list(islice(p.glob("*.toml"), MAX_RULE_FILES + 1))
    except OSError as exc:
        raise ConfigError(where, "rule-dirs", f"无法读取规则目录 {_shown(p)}（{exc}）") from None
    if len(packs) > MAX_RULE_FILES:
        raise ConfigError(where, "rule-dirs", f"规则目录 {_shown(p)} 中的 .toml 文件超过 {MAX_RULE_FILES} 个")
    for f in packs:  # a link out of the project, a FIFO or a device that would block the read
        try:
            ok = stat.S_ISREG(f.stat().st_mode) and inside(f.resolve())
        except (OSError, RuntimeError):
            ok = False
        if not ok:
            raise ConfigError(where, "rule-dirs", f"规则文件 {_shown(f)} 不是项目之内的普通文件")
    return p


def _text_of(path: Path) -> str:
    """A configuration file's text: a regular file within the size cap only (a FIFO or a
    /dev/zero link named xxgk-lint.toml must not hang or fill memory)."""
    from ..reading.files import read_bytes
    from ..support.errors import ReadError

    try:
        return read_bytes(path).decode("utf-8")
    except ReadError as exc:
        raise ConfigError(path, "(file)", str(exc).split("：", 1)[-1]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, "(file)", f"不是 UTF-8 文本：{exc}") from None


def _read(path: Path) -> dict | None:
    try:
        text = _text_of(path)
    except OSError as exc:
        raise ConfigError(path, "(file)", f"无法读取：{exc}") from None
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        raise ConfigError(path, "(toml)", f"不是有效的 TOML：{exc}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        section = tool.get("xxgk-lint") if isinstance(tool, dict) else None
        if section is not None and not isinstance(section, dict):
            raise ConfigError(path, "tool.xxgk-lint", "应为表（[tool.xxgk-lint]）")
        return section
    return data


@lru_cache(maxsize=256)
def find_config_file(start: Path) -> Path | None:
    """The nearest xxgk-lint.toml, or pyproject.toml with [tool.xxgk-lint], at or above `start`."""
    d = start if start.is_dir() else start.parent
    for folder in (d, *d.parents):
        for name in ("xxgk-lint.toml", ".xxgk-lint.toml"):
            p = folder / name
            if p.is_file():
                return p
        p = folder / "pyproject.toml"
        if p.is_file():
            try:
                if "xxgk-lint" in _text_of(p) and _read(p) is not None:
                    return p
            except ConfigError:
                raise
    return None


def load(path: Path) -> Config:
    """The configuration in `path` (parsed once per version of the file: the language server
    asks on every keystroke). A copy, so callers may adjust it."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1
    cfg = _load(path, mtime)
    return replace(
        cfg,
        select=list(cfg.select),
        ignore=list(cfg.ignore),
        severity=dict(cfg.severity),
        per_file_ignores={k: list(v) for k, v in cfg.per_file_ignores.items()},
        rule_dirs=list(cfg.rule_dirs),
        params={k: dict(v) for k, v in cfg.params.items()},
        exclude=list(cfg.exclude),
    )


@lru_cache(maxsize=64)
def _load(path: Path, mtime: int) -> Config:
    data = _read(path)
    return parse(data or {}, path)


def discover(start: Path) -> Config:
    f = find_config_file(start.resolve())
    return load(f) if f else Config()
