"""The tool's own Chinese text uses full-width punctuation, the style its rules (XG805 …) ask of
reports: rule messages, descriptions and fix texts in rules/*.toml, and the messages the
program prints (string literals with Chinese in linter/ and lsp/)."""

from __future__ import annotations

import ast
import re
import sys

import pytest

from .conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HAN = "\u4e00-\u9fff"
# a half-width mark right after Chinese, or an opening one right before it
HALF_WIDTH = re.compile(rf"[{HAN}“”》）][,:;!?()]|[,;(][{HAN}“]")
# text that is not ours to punctuate: a code span, a quotation of a report (“…”), a listed ()
EXEMPT = re.compile(r"`[^`]*`|“[^“”]*”|\(\)")


def bad_spots(text: str) -> list[str]:
    text = EXEMPT.sub(lambda m: "“”" if m.group(0).startswith("“") else " ", text)
    return [text[max(0, m.start() - 8): m.end() + 8] for m in HALF_WIDTH.finditer(text)]


def test_the_check_itself():
    assert bad_spots("缺少参数:路径") and bad_spots("无法读取(权限)") and bad_spots("一,二")
    assert not bad_spots("缺少参数：路径（见 `a(b)`）") and not bad_spots("半角逗号“,”与括号()") and not bad_spots("path:1:2")
    assert not bad_spots("编号“(一”缺右括号") and bad_spots("编号“(一”:缺右括号")


@pytest.mark.parametrize("pack", sorted((ROOT / "rules").glob("*.toml")) + sorted((ROOT / "rules" / "audit").glob("*.toml")), ids=lambda p: p.stem)
def test_rule_texts_are_full_width(pack):
    data = tomllib.loads(pack.read_text(encoding="utf-8"))
    wrong = []
    for rule in data.get("rule", []):
        for key in ("message", "description", "fix_message"):
            wrong += [f"{rule['id']}.{key}: …{s}…" for s in bad_spots(rule.get(key, ""))]
    assert not wrong, "\n".join(wrong)


# regular expressions, and parameter docs (English), are not messages
_PATTERN_CALLS = {"compile", "sub", "search", "match", "finditer", "fullmatch", "findall", "split", "Param"}


def _program_strings():
    for path in sorted([*(ROOT / "linter").rglob("*.py"), *(ROOT / "lsp").rglob("*.py")]):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if isinstance(parents.get(node), (ast.JoinedStr, ast.Expr)):
                    continue  # part of an f-string (seen whole), or a docstring
                text = node.value
            else:
                continue
            call = parents.get(node)
            while call is not None and not isinstance(call, (ast.Call, ast.FunctionDef, ast.Module)):
                call = parents.get(call)
            func = getattr(call, "func", None)
            if getattr(func, "attr", getattr(func, "id", "")) in _PATTERN_CALLS:
                continue  # a regular expression, not a message
            if re.match(r"[rR]|[fF][rR]", ast.get_source_segment(source, node) or ""):
                continue  # raw strings are patterns here
            if re.search(f"[{HAN}]", text):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", text


def test_program_messages_are_full_width():
    wrong = [f"{where}: …{s}…" for where, text in _program_strings() for s in bad_spots(text)]
    assert not wrong, "\n".join(wrong)
