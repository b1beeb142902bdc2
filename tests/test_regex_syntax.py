"""support/regex_syntax.py, our own parser of `re` syntax, and the analyses of regexes.py on it.

The parser is checked by what it builds (each syntax feature), by never failing on a pattern
re accepts (the built-in rules', a tricky list, random ones), and against re's own parser where
that private module exists (skipped otherwise). required_literal is checked against the
engine: the literal is in every match of strings made to match."""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import pytest

from xxgk_lint.linter.support import regex_syntax as rs
from xxgk_lint.linter.support.regexes import RegexError, adjacent_repeats, catastrophic, compile_checked, required_literal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
NEW_SYNTAX = sys.version_info >= (3, 11)  # possessive repeats and atomic groups

L, R = rs.Literal, rs.Repeat


def body(pattern: str, flags: int = 0):
    return rs.parse(pattern, flags).body


# -- what the parser builds -------------------------------------------------------------------


def test_literals_and_escapes():
    assert body("abc") == rs.Sequence((L("a"), L("b"), L("c")))
    assert body(r"\n\t\x41\u4e00\U0001F600") == rs.Sequence((L("\n"), L("\t"), L("A"), L("一"), L("😀")))
    assert body(r"\N{EM DASH}") == L("—")
    assert body(r"\0\012\101") == rs.Sequence((L("\0"), L("\n"), L("A")))
    assert body(r"\.\*\\\ ") == rs.Sequence((L("."), L("*"), L("\\"), L(" ")))
    assert body(r"(a)\1") == rs.Sequence((rs.Group(L("a"), 1), rs.Backref(1)))
    assert body(r"(?P<n>a)(?P=n)") == rs.Sequence((rs.Group(L("a"), 1, "n"), rs.Backref(1)))
    assert body("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10").items[-1] == rs.Backref(10)
    assert body(r"\A\Z\b\B^$") == rs.Sequence(tuple(rs.Anchor(k) for k in "AZbB^$"))
    assert body(".") == rs.Any()


def test_classes():
    C, Cat = rs.CharClass, rs.Category
    assert body(r"\d") == C((Cat("d"),))
    assert body("[]a]") == C((L("]"), L("a")))
    assert body("[^]a]") == C((L("]"), L("a")), True)
    assert body("[a-z0-9_]") == C((rs.Range("a", "z"), rs.Range("0", "9"), L("_")))
    assert body("[-a]") == C((L("-"), L("a")))
    assert body("[a-]") == C((L("a"), L("-")))
    assert body(r"[\d\S\b\]\x41-\x5a]") == C((Cat("d"), Cat("S"), L("\b"), L("]"), rs.Range("A", "Z")))
    assert body("[a]") == L("a") and body("[aa]") == L("a") and body("[^a]") == rs.NotLiteral("a")
    assert body("[.*(]") == C((L("."), L("*"), L("(")))


def test_quantifiers_and_braces():
    a = L("a")
    assert body("a*") == R(a, 0, None) and body("a+") == R(a, 1, None) and body("a?") == R(a, 0, 1)
    assert body("a{3}") == R(a, 3, 3) and body("a{2,}") == R(a, 2, None)
    assert body("a{,4}") == R(a, 0, 4) and body("a{2,5}") == R(a, 2, 5) and body("a{,}") == R(a, 0, None)
    assert body("a*?") == R(a, 0, None, rs.LAZY) and body("a{1,2}?") == R(a, 1, 2, rs.LAZY)
    if NEW_SYNTAX:
        assert body("a++") == R(a, 1, None, rs.POSSESSIVE)
    for text in ["a{", "a{x}", "a{}", "a{1", "a{1,", "{", "a{,x}"]:
        assert rs.items(body(text)) == tuple(L(c) for c in text), text
    assert body("(?:ab)*") == R(rs.Sequence((a, L("b"))), 0, None)  # the quantifier takes the group whole


def test_groups_lookarounds_and_conditionals():
    a, b = L("a"), L("b")
    assert body("(?:ab)c") == rs.Sequence((a, b, L("c")))  # spliced, as re does
    assert body("(?#comment)a") == a
    assert body("(?=a)(?!a)(?<=a)(?<!a)") == rs.Sequence(
        (rs.Lookaround(a), rs.Lookaround(a, negative=True), rs.Lookaround(a, behind=True), rs.Lookaround(a, True, True))
    )
    if NEW_SYNTAX:
        assert body("(?>ab)") == rs.Atomic(rs.Sequence((a, b)))
    assert body("(?i:a)") == rs.Group(a, None, None, re.I, 0)
    assert body("(?-i:a)") == rs.Group(a, None, None, 0, re.I)
    assert body("(?s-i:a)") == rs.Group(a, None, None, re.S, re.I)
    cond = body("(a)?(?(1)b|c)").items[1]
    assert cond == rs.Conditional(1, b, L("c"))
    assert body("(?P<g>a)?(?(g)b)").items[1] == rs.Conditional(1, b, None)


def test_alternations_are_simplified_as_re_does():
    a, b, c = L("a"), L("b"), L("c")
    assert body("a|b|[cd]") == rs.CharClass((a, b, c, L("d")))
    assert body(r"a|\d") == rs.CharClass((a, rs.Category("d")))
    assert body("ab|ac") == rs.Sequence((a, rs.CharClass((b, c))))
    assert body("ab|cd") == rs.Alternation((rs.Sequence((a, b)), rs.Sequence((c, L("d")))))
    assert body("a|a") == rs.Sequence((a, rs.Alternation((rs.Sequence(()), rs.Sequence(())))))
    assert body("a*|a*b") == rs.Alternation((R(a, 0, None), rs.Sequence((R(a, 0, None), b))))  # only leaves move


def test_flags():
    assert body("a b  # c", re.VERBOSE) == rs.Sequence((L("a"), L("b")))
    assert body("(?x) a [ ] \\  b") == rs.Sequence((L("a"), L(" "), L(" "), L("b")))
    assert body("(?x)a|b c") == rs.Alternation((L("a"), rs.Sequence((L("b"), L("c")))))
    assert body("(?x)a(?-x: b)") == rs.Sequence((L("a"), rs.Group(rs.Sequence((L(" "), L("b"))), None, None, 0, re.X)))
    assert body("(?x)a#\\\nb") == L("a")  # (an escaped newline does not end the comment)
    for given, want in [(0, 0), (re.I, re.I), (re.S | re.M, re.S | re.M), (re.A, re.A), (8192 | 32 | re.I, 32 | re.I)]:
        assert rs.parse("a", given).flags == want
    assert rs.parse("(?ims)a").flags == re.I | re.M | re.S
    assert rs.parse("(?a)a").flags == re.A
    assert rs.parse("(?x)(?i) a").body == L("a")


def test_deep_nesting_is_refused_not_crashed():
    deep = "(" * 5000 + "a" + ")" * 5000
    with pytest.raises(RecursionError):
        rs.parse(deep)
    with pytest.raises(RegexError, match="嵌套过深"):
        compile_checked(deep)
    assert rs.parse("(" * 200 + "a" + ")" * 200).groups == 200


def test_invalid_patterns_raise_a_syntax_error():
    for bad in ["(", ")", "[a", "a**", "*", "(?P<1>a)", r"\q", "(?<x)", "a{3,1}", "\\", "(?z)", r"\2(a)"]:
        with pytest.raises(rs.RegexSyntaxError):
            rs.parse(bad)


# -- never failing on what re accepts ---------------------------------------------------------


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _valid(pattern: str, flags: int = 0) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(pattern, flags)
    except (re.error, ValueError, OverflowError, RecursionError):
        return False
    return True


def _rule_patterns() -> list[str]:
    found = set()
    for path in sorted((ROOT / "rules").rglob("*.toml")):
        found.update(s for s in _strings(tomllib.loads(path.read_text(encoding="utf-8"))) if _valid(s))
    return sorted(found)


TRICKY = [
    "", "a", "(?:)", "(?:)*", "()", "(|)", "a||b", "[]]", "[^]]", "[]-a]", "[--z]", "[a-]", "[-]", "[\\]]", "[\\^]", "[a^]",
    "[.]", "[\\b]", "[\\d-]", "[\\w\\-.]", "a{", "a{}", "a{,}", "a{x}", "{", "{}", "}", "]", "(?:a{2}){3}",
    "x{0}", "x{,0}", "\\0", "\\00", "\\000", "\\07", "\\377", "\\101", "\\x00", "\\u0000", "\\U00000041", "\\N{EM DASH}",
    "\\N{LATIN SMALL LETTER A}", "(a)\\1", "(a)\\1\\1", "(?P<n>a)(?P=n)", "(a)(?(1)b|c)", "(a)?(?(1)b)", "(?P<n>a)?(?(n)|c)",
    "(?#)", "(?#comment with ( and [)a", "(?i)a", "(?x)", "(?x) ", "(?x)#", "(?x)a#c\nb", "(?x)[ #]", "(?x)\\ \\#",
    "(?x)a{ 2}", "(?i:a(?-i:b))", "(?s:.)", "(?m)^$", "(?a)\\w", "(?u)\\w", "(?x-i:a b)", "(?-x:a b)", "(?=)", "(?!)",
    "(?<=a)", "(?<!a|b)", "(?<=ab|cd)", "(?:^)*", "(?:$)?", "(?:\\b)+",
    "a|b|c|", "|", "||", "(a|b)|(c|d)", "(?:a|ab)(?:c|bcd)", "[\\u4e00-\\u9fff]+", "[^\\s\\S]", "[\\s\\S]*?",
    "\\d+年\\d+月\\d+日", "(?P<year>\\d{4})-(?P<m>\\d{2})", "x*?y+?z??", "x{2,}?", "[\\x41-\\x5a\\u0061-\\u007a]",
    "\\\\\\\\", "\\.\\^\\$\\*\\+\\?\\{\\}\\[\\]\\|\\(\\)", "\\-\\,\\'\\\"\\ \\!", "中文|英文", "(?i)ß", "[\\a\\f\\v\\r]",
    *(["a++", "a*+", "a?+", "a{1,3}+", "(?>a|ab)c", "(?>)", "(?>a*)+"] if NEW_SYNTAX else []),
]


def test_the_tricky_list_is_valid_for_re():
    assert all(_valid(p) for p in TRICKY)


@pytest.mark.parametrize("flags", [0, re.VERBOSE, re.I | re.S | re.M | re.A, re.VERBOSE | 8192 | 16384])
def test_no_failure_on_built_in_and_tricky_patterns(flags):
    patterns = _rule_patterns() + TRICKY
    assert len(patterns) > 200
    for p in patterns:
        if not _valid(p, flags & ~(8192 | 16384)):
            continue
        rx = rs.parse(p, flags)
        assert isinstance(rx, rs.Regex)
        catastrophic(p)
        adjacent_repeats(p)


def test_the_built_in_rules_load():
    from xxgk_lint.linter.checking.engine import load_dirs
    from xxgk_lint.linter.support.resources import rules_dir

    load_dirs([rules_dir()])


# -- against re's own parser, where it is there (a test only: the code never imports it) -----


def _reference():
    try:
        from re import _constants as C, _parser as P
    except ImportError:  # pragma: no cover - Python 3.10, or a future re without it
        pytest.skip("re._parser is not there")
    cat = {C.CATEGORY_DIGIT: "d", C.CATEGORY_NOT_DIGIT: "D", C.CATEGORY_SPACE: "s", C.CATEGORY_NOT_SPACE: "S", C.CATEGORY_WORD: "w", C.CATEGORY_NOT_WORD: "W"}
    at = {C.AT_BEGINNING: "^", C.AT_END: "$", C.AT_BEGINNING_STRING: "A", C.AT_END_STRING: "Z", C.AT_BOUNDARY: "b", C.AT_NON_BOUNDARY: "B"}
    modes = {C.MAX_REPEAT: rs.GREEDY, C.MIN_REPEAT: rs.LAZY, getattr(C, "POSSESSIVE_REPEAT", None): rs.POSSESSIVE}

    def node(sub):
        t = tuple(conv(op, av) for op, av in sub)
        return t[0] if len(t) == 1 else rs.Sequence(t)

    def item(op, av):
        return {C.LITERAL: lambda: L(chr(av)), C.RANGE: lambda: rs.Range(chr(av[0]), chr(av[1])), C.CATEGORY: lambda: rs.Category(cat[av])}[op]()

    def conv(op, av):
        if op == C.LITERAL:
            return L(chr(av))
        if op == C.NOT_LITERAL:
            return rs.NotLiteral(chr(av))
        if op == C.ANY:
            return rs.Any()
        if op == C.IN:
            neg = bool(av) and av[0][0] == C.NEGATE
            return rs.CharClass(tuple(item(o, a) for o, a in av[neg:]), neg)
        if op == C.AT:
            return rs.Anchor(at[av])
        if op == C.GROUPREF:
            return rs.Backref(av)
        if op in modes:
            lo, hi, sub = av
            return R(node(sub), lo, None if hi == C.MAXREPEAT else hi, modes[op])
        if op == C.SUBPATTERN:
            return rs.Group(node(av[3]), av[0], None, av[1], av[2])
        if op == C.BRANCH:
            return rs.Alternation(tuple(node(b) for b in av[1]))
        if op in (C.ASSERT, C.ASSERT_NOT):
            return rs.Lookaround(node(av[1]), av[0] < 0, op == C.ASSERT_NOT)
        if op == C.GROUPREF_EXISTS:
            return rs.Conditional(av[0], node(av[1]), None if av[2] is None else node(av[2]))
        if op == getattr(C, "ATOMIC_GROUP", None):
            return rs.Atomic(node(av))
        if op == getattr(C, "FAILURE", None):  # Python 3.13: (?!)
            return rs.Lookaround(rs.Sequence(()), False, True)
        raise AssertionError(op)

    return P, node


def _unnamed(n):
    """A tree without group names (re's tree has them elsewhere)."""
    t = type(n)
    if t is rs.Group:
        return rs.Group(_unnamed(n.body), n.index, None, n.add_flags, n.remove_flags)
    if t is rs.Sequence:
        return rs.Sequence(tuple(map(_unnamed, n.items)))
    if t is rs.Alternation:
        return rs.Alternation(tuple(map(_unnamed, n.branches)))
    if t is rs.Repeat:
        return R(_unnamed(n.body), n.min, n.max, n.mode)
    if t in (rs.Atomic, rs.Lookaround):
        return rs.Atomic(_unnamed(n.body)) if t is rs.Atomic else rs.Lookaround(_unnamed(n.body), n.behind, n.negative)
    if t is rs.Conditional:
        return rs.Conditional(n.group, _unnamed(n.yes), None if n.no is None else _unnamed(n.no))
    return n


def test_the_same_tree_as_re_parser():
    parser, node = _reference()
    compared = 0
    for p in _rule_patterns() + TRICKY + PATTERNS:
        for flags in (0, re.VERBOSE):
            if not _valid(p, flags):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                want = parser.parse(p, flags)
            assert _unnamed(rs.parse(p, flags).body) == node(want), p
            compared += 1
    assert compared > 400


# -- the analyses on every syntax feature (the decisions they made on re's parser) ------------

CATASTROPHIC = ["(a+)+", "(a*)*", "(a{1,50}){1,50}", "(a|a)+", "(a|ab)+", "(.|a)+", "(?:x|y|)+", "(?:[^a]|b)+",
                "(?:ab|ab)*", "(x*|y*)*", "(a{2}){3}", "(a)(?:\\1|a)*", "(?=(a+)+)", "(?i:(a+)+)", "(\\d+)*"]
SAFE = ["(?:a|b)+", "(?:ab|cd)+", "(?:ab|ac)+", "(\\w|\\d)+", "(a|[ab])+", "(?:\\d|-)+", "(a?){5}", "((((a))))+",
        "(?:(?:(?:a)))+", "(?:a|b)(?:a|b)*", "(?:公开|不公开)+", "(?:一|二)+", "(?:第一|第二)+",
        *(["(a++)+", "(a+)++", "(?>a*)+", "(?>a+)+"] if NEW_SYNTAX else [])]  # possessive, atomic: nothing given back

POLYNOMIAL = [
    ".*.*", "a*?a*", "(?!a)a*a*", "(?<=a)b*b*", "a*(?=x)a*", "a*(?!x)a*", "a*(?:)a*", "a*(?=)a*",  # lookarounds
    "(a)?(?(1)b*|c*)b*", "(a)?(?(1)b*)b*", "(a*)\\1a*",  # conditionals, back-references
    "(?x) a* \\s* a*", "(?x)[ ]* [ ]*", "(?x)\\ *\\ *", "(?x)a\\#*\\#*",  # verbose mode
    "(?i:a*)A*", "(?i)a*(?-i:A*)", "(?s).*\\n*", "(?i)ß*S*", "(?i)k*\\u212a*",  # flags, scoped flags
    "\\w*é*", "\\d*٠*", "\\s*\\u3000*", "[\\d\\s]*\\d*", "[^\\W\\d]*a*", "[\\w-]*-*",  # categories
    "[]a]*]*", "[^]a]*b*", "[a-]*-*", "[-a]*-*", "[\\b]*\\x08*", "[\\]]*]*",  # class edges
    "\\N{EM DASH}*—*", "\\x41*A*", "\\u4e00*一*", "\\U0001F600*😀*", "\\0*\\x00*", "\\012*\\n*", "\\101+A*",  # escapes
    "a{2,}a*", "a{,}a{,}", "\\Ba*a*", "^a*$a*", "(?#comment)a*a*", "a*(?:b|a)a*", "a*(?:|b)a*", "(?:a|b|c)*(?:c|d)*",
]
NOT_POLYNOMIAL = [
    "a*b*", "(?=a*)a*", "(?x) a * # comment\n b*", "(?x)a#b*b*\nc", "(?x)[#]*#*", "(?x: a * ) a *", "(?i:a*)b*",
    "a*(?-i:A*)", "(?s:.*)\\n*", ".*\\n*", "(?a)\\w*é*", "(?a:\\w*)é*", "(?a)\\d*٠*", "(?a)\\s*\\u3000*", "(a)*\\1*",
    "a{,3}a*", "a{2}a*", "\\ba*\\b", "\\Aa*\\Z", "a*(b|c)a*", "(?:a*|b)c*", "\\(*\\)*", "\\{*\\}*",
    *(["a*+a*", "a*+a*+", "(?>a*)a*"] if NEW_SYNTAX else []),  # possessive, atomic: nothing given back
]


def test_catastrophic_on_each_feature():
    for p in CATASTROPHIC:
        assert catastrophic(p), p
        with pytest.raises(RegexError, match="嵌套"):
            compile_checked(p)
    for p in SAFE:
        assert not catastrophic(p), p


def test_adjacent_repeats_on_each_feature():
    for p in POLYNOMIAL:
        assert not catastrophic(p) and adjacent_repeats(p), p
        with pytest.raises(RegexError, match="前后相接"):
            compile_checked(p)
    for p in NOT_POLYNOMIAL:
        assert not adjacent_repeats(p), p
        compile_checked(p)


LITERALS = {
    "abc": "abc", "a|a": "a", "ab|ac": "a", "(?:ab|ac)+": "a", "\\d+年\\d+月": "年", ".*,.*X": ",", "(.*)(?:x.*)": "x",
    "\\w+\\.\\w+": ".", "(a)\\1bc": "bc", "(?P<n>a)(?P=n)+": "a", "(a)\\1*\\1*": "a", "(?x)a#b*b*\nc": "ac", "(?x)a#b\\\nc": "a",
    "(?x: a * ) a *": " a", "(?-x:a b)": "a b", "\\N{LATIN SMALL LETTER A}+a*": "a", "\\101+A*": "A", "a{": "a{",
    "a{x}": "a{x}", "a{}": "a{}", "a{,}b": "b", "a{2,}a*": "a", "a{1,": "a{1,", "x{1,2}?": "x", "(?:a(?:b(?:c)))": "abc",
    "(?:abc){2}d": "abc", "(?:abc)?d": "d", "a(?=bcdef)": "a", "(?<=bcd)e": "e", "[a]bc": "abc", "[aa]bc": "abc",
    "[^a]bc": "bc", "(?i)公开abc": "", "(?:第一|第二)+": "第", "(?m)a": "a", "(?ims)a.b": "", "ab|cdef": "", "a|b": "",
    "(a*)*": "", "^报告$": "报告", "\\x41\\u4e00\\n": "A一\n",
    **({"(?>hello)x": "hello", "x{1,2}+y": "x", "(a++)+": "a"} if NEW_SYNTAX else {}),
}


def test_required_literal_of_each_feature():
    for p, want in LITERALS.items():
        assert required_literal(re.compile(p)) == want, p
    assert required_literal(re.compile("a b c", re.VERBOSE)) == "abc"
    assert required_literal(re.compile("ab.c", re.DOTALL)) == "ab"
    assert required_literal(re.compile("abc", re.IGNORECASE)) == ""


def test_required_literal_of_a_budgeted_pattern():
    from xxgk_lint.linter.support.regexes import _budgeted, with_flags

    assert required_literal(_budgeted("(?a)abc\\d", 0)) == "abc"  # regex's ASCII bit is not re's
    assert required_literal(_budgeted("a b c", re.VERBOSE)) == "abc"
    assert required_literal(with_flags(_budgeted("abc", 0), re.IGNORECASE)) == ""
    assert required_literal(_budgeted("b\\t+$ ??", re.VERBOSE)) == ""  # valid for `regex`, not for `re`: nothing promised


# -- required_literal against the engine -------------------------------------------------------

PATTERNS = [
    "abc", "a|b", "ab|ac", "(?:ab|ac)+x", "(a)\\1bc", "(?P<n>ab)(?P=n)c", "(ab)?(?(1)cd|ef)gh", "a(?=bc)bcd", "(?<=x)yz",
    "(?<!q)rst", "a(?!b)c", "(?i:ab)cd", "x(?i:abcd)y", "(?-i:ab)", "(?s)a.b", "(?m)^ab$", "(?x) a b  # c\n d", "\\d+年\\d+月",
    "[ab]cd", "[a]bc", "[^a]bc", "[]a]bc", "[a-]bc", "a{2}b", "a{,2}b", "a{2,}b", "a{2,3}?b", "a{", "a{x}", "(?:abc){2}d",
    "(?:abc)?d", "(?:abc){0,3}d", "(?:abc)*d", "(?:abc)+d", "(abc)+d", "((ab)c)+d", "ab(?#c)cd", "\\N{EM DASH}x",
    "\\x41\\u4e00b", "\\101\\012", "\\.\\*\\+", "报告(?:编制|发布)说明", "第[一二三四五六七八九十]+条", "a*b+c?d",
    "(?:a|b)(?:c|d)ef", "(?:ab|cd)(?:ef|gh)", "(?:x|xy)z", "(x|xy)z", "\\bword\\b", "\\Aab\\Z", "[\\d\\s]+件",
    "(?a)\\w+中", "(?:(?:ab)c)d", "(?:年度|年份)报告", "(?:一|二)+三", "(?P<year>\\d{4})年(?P<m>\\d{1,2})月",
    "a(b(c(d)))e", "(?:a(b)?c)+d", "(a)(?(1)b)c", "(?:a)?bc", "(?:)abc", "ab(?:)cd", "a\\Bb", "x$", "^y",
    "(?i)abc", "(?s:.)ab", "(?x)a\\ b", "(?x)[ ]a", "公开|不公开", "(?:申请|答复)公开", "(?:..)*ab", "a.b.c", "a+?b", "(?:a{2}){3}b",
    *(["(?>ab)c", "(?>a|ab)c", "a++b", "a{1,2}+b", "(?:ab)*+c"] if NEW_SYNTAX else []),
]


def _holds_in_every_match(rx: re.Pattern, literal: str):
    def check(text):
        for m in rx.finditer(text[:200]):
            assert literal in m.group(0), (rx.pattern, literal, text)

    return check


def test_the_engine_agrees_on_the_hand_written_list():
    """For each pattern, strings made to match (by hypothesis, from the pattern): the literal is
    in every match re.finditer finds."""
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    assert len(PATTERNS) >= 80
    checked = 0
    for p in PATTERNS:
        rx = re.compile(p)
        literal = required_literal(rx)

        run = hypothesis.settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(hypothesis.HealthCheck))(
            hypothesis.given(st.from_regex(rx, fullmatch=False))(_holds_in_every_match(rx, literal))
        )
        try:
            run()
        except (hypothesis.errors.InvalidArgument, hypothesis.errors.Unsatisfiable):  # (hypothesis cannot make one)
            continue
        checked += 1
    assert checked > 60


def _random_patterns():
    from hypothesis import strategies as st

    atom = st.sampled_from(["a", "b", "中", "\\.", "\\d", "\\s", "\\w", ".", "[ab]", "[^a]", "[a-c]", "\\x41", "\\N{EM DASH}", "^", "$", "\\b"])
    quant = st.sampled_from(["", "", "*", "+", "?", "{2}", "{1,3}", "{,2}", "*?", "+?"] + (["*+", "++"] if NEW_SYNTAX else []))

    def wrap(inner):
        opens = ["(", "(?:", "(?i:", "(?=", "(?!", "(?<!x)(", "(?P<g>"] + (["(?>"] if NEW_SYNTAX else [])
        return st.tuples(st.sampled_from(opens), inner, st.sampled_from([")", ")*", ")+", ")?", "){2}"])).map(
            lambda t: t[0] + t[1] + (t[2] if not t[0].startswith("(?=") and not t[0].startswith("(?!") else ")")
        )

    piece = st.recursive(st.tuples(atom, quant).map("".join), lambda inner: st.one_of(wrap(inner), st.lists(inner, min_size=2, max_size=3).map("|".join)), max_leaves=6)
    return st.lists(piece, min_size=1, max_size=4).map("".join).filter(_valid)


def test_random_patterns_never_fail_and_their_literal_holds():
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    @hypothesis.settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(data=st.data())
    def check(data):
        p = data.draw(_random_patterns())
        rs.parse(p)
        if catastrophic(p) or adjacent_repeats(p):
            return  # (refused when a rule loads; searching could backtrack for long)
        rx = re.compile(p)
        literal = required_literal(rx)
        alphabet = sorted(set(re.sub(r"[\\()\[\]{}?*+|^$.:=!<>]", "", p)) | set("ab中—A1 x"))
        for text in (data.draw(st.text(alphabet=alphabet, max_size=20)), data.draw(st.from_regex(rx, fullmatch=False))[:60]):
            for m in rx.finditer(text):
                assert literal in m.group(0), (p, literal, text)

    check()


def test_a_pattern_our_parser_cannot_read_is_refused_with_a_message(monkeypatch):
    """Should our parser ever fail on a pattern re accepts (a syntax of a later Python), the
    rule is refused with one Chinese line, never a traceback or a pattern left unchecked."""
    from xxgk_lint.linter.support import regex_syntax as rs
    from xxgk_lint.linter.support import regexes

    def unreadable(pattern, flags=0):
        raise rs.RegexSyntaxError("未知的写法")

    monkeypatch.setattr(regexes, "_parse", unreadable)
    with pytest.raises(regexes.RegexError, match="无法做安全检查"):
        regexes.compile_checked(r"\d+年")
