"""Buys independence from the interpreter's private regex parser (it changes between Python versions); costs a parse of each rule regex, linear in its length.

Our own parser of the syntax of Python's `re` (3.10–3.13), for the analyses of the rule packs'
regexes (support/regexes.py). It sees only patterns `re.compile` accepted (the analyses run
after it), so it does not repeat re's error messages; on anything else it raises
RegexSyntaxError, never loops, and nests as deep as Python's recursion limit allows
(RecursionError beyond: two frames a group, as re's own parser).

The tree is simplified as re's parser does it, so that the analyses see what re's engine runs:
a non-capturing group without flags is spliced into its sequence, a class of one character is
that character (`[a]`, `[^a]`), the items all alternatives start with are moved before the
alternation (`ab|ac` is `a(?:b|c)`), and alternatives of one character each are one class
(`a|[bc]|\\d` is `[abc\\d]`). Each simplification keeps what the pattern matches.

    rx = parse(r"(?i)x(?P<n>\\d+)")   # Regex(body, flags, groups, groupindex)
    items(rx.body)                    # (Literal('x'), Group(...))
"""

from __future__ import annotations

import unicodedata

from .record import Record

# re's flag values (its public constants); other bits (the `regex` module's) are ignored
TEMPLATE, IGNORECASE, LOCALE, MULTILINE, DOTALL, UNICODE, VERBOSE, ASCII = 1, 2, 4, 8, 16, 32, 64, 256
_KNOWN = TEMPLATE | IGNORECASE | LOCALE | MULTILINE | DOTALL | UNICODE | VERBOSE | ASCII
_FLAG_LETTERS = {"i": IGNORECASE, "L": LOCALE, "m": MULTILINE, "s": DOTALL, "x": VERBOSE, "a": ASCII, "t": TEMPLATE, "u": UNICODE}
_TYPE_FLAGS = ASCII | LOCALE | UNICODE  # (?a) (?L) (?u): global only, never turned off
_GLOBAL_ONLY = TEMPLATE

GREEDY, LAZY, POSSESSIVE = "greedy", "lazy", "possessive"

_DIGITS = frozenset("0123456789")
_OCTAL = frozenset("01234567")
_HEX = frozenset("0123456789abcdefABCDEF")
_WHITESPACE = frozenset(" \t\n\r\v\f")
_SPECIAL = frozenset(".\\[{()*+?^$|")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CONTROL = {"\\a": "\a", "\\b": "\b", "\\f": "\f", "\\n": "\n", "\\r": "\r", "\\t": "\t", "\\v": "\v", "\\\\": "\\"}


class RegexSyntaxError(ValueError):
    """A pattern `re` would not accept either (our parser does not say it as re does)."""


# -- the tree ---------------------------------------------------------------------------------


class Literal(Record, frozen=True):
    char: str  # one character (also an item of a CharClass)


class NotLiteral(Record, frozen=True):
    char: str  # any character but this one (`[^a]`)


class Any(Record, frozen=True):
    pass  # `.` (a newline too under DOTALL)


class Range(Record, frozen=True):
    lo: str  # an item of a CharClass: lo..hi, both included
    hi: str


class Category(Record, frozen=True):
    kind: str  # "d" "D" "s" "S" "w" "W" (an item of a CharClass: `\d` alone is a class of it)


class CharClass(Record, frozen=True):
    items: tuple  # Literal, Range, Category
    negated: bool = False


class Sequence(Record, frozen=True):
    items: tuple  # (never holds a Sequence: those are spliced in)


class Alternation(Record, frozen=True):
    branches: tuple  # nodes (see `items`)


class Group(Record, frozen=True):
    body: object
    index: int | None = None  # None: not capturing (a group that only sets flags: `(?i:…)`)
    name: str | None = None
    add_flags: int = 0
    remove_flags: int = 0


class Repeat(Record, frozen=True):
    body: object
    min: int
    max: int | None  # None: unbounded
    mode: str = GREEDY  # GREEDY, LAZY (`*?`), POSSESSIVE (`*+`, 3.11+)


class Atomic(Record, frozen=True):
    body: object  # `(?>…)`, 3.11+


class Lookaround(Record, frozen=True):
    body: object
    behind: bool = False  # `(?<=…)` `(?<!…)`
    negative: bool = False  # `(?!…)` `(?<!…)`


class Anchor(Record, frozen=True):
    kind: str  # "^" "$" "A" "Z" "b" "B"


class Backref(Record, frozen=True):
    group: int  # `\1`, `(?P=name)` (the name resolved to its group's number)


class Conditional(Record, frozen=True):
    group: int  # `(?(1)yes|no)`, `(?(name)yes|no)`
    yes: object
    no: object | None = None  # None: no `|no` part


class Regex(Record):
    """A parsed pattern: its tree, its global flags (those given and those set inline at its
    start, re's values), its number of capturing groups and their names."""

    body: object
    flags: int
    groups: int
    groupindex: dict


_LEAVES = (Literal, NotLiteral, Any, CharClass, Anchor, Backref)  # (the items re's parser can compare)


def items(node) -> tuple:
    """A node as the sequence of items it is (a node that is not a Sequence: itself alone)."""
    return node.items if type(node) is Sequence else (node,)


def _sequence(parts: list):
    """One node for a list of items (splicing the Sequences of non-capturing groups)."""
    flat: list = []
    for x in parts:
        if type(x) is Sequence:
            flat.extend(x.items)
        else:
            flat.append(x)
    return flat[0] if len(flat) == 1 else Sequence(tuple(flat))


def _alternation(branches: list):
    """`a|b|…` from the branches' item lists, simplified as re's parser does (see above)."""
    if len(branches) == 1:
        return _sequence(branches[0])
    prefix: list = []
    while all(branches):
        first = branches[0][0]
        if type(first) not in _LEAVES or any(b[0] != first for b in branches[1:]):
            break
        prefix.append(first)
        branches = [b[1:] for b in branches]
    chars: list = []
    for b in branches:
        if len(b) != 1:
            break
        x = b[0]
        if type(x) is Literal:
            chars.append(x)
        elif type(x) is CharClass and not x.negated:
            chars.extend(x.items)
        else:
            break
    else:
        return _sequence([*prefix, CharClass(tuple(dict.fromkeys(chars)))])
    return _sequence([*prefix, Alternation(tuple(_sequence(b) for b in branches))])


# -- the parser -------------------------------------------------------------------------------


class _Restart(Exception):
    """(?x) turned on globally after the start (Python 3.10 allowed it): parse again, verbose."""


class _Source:
    """The pattern as tokens: a character, or a backslash and the character after it."""

    __slots__ = ("text", "index", "next")

    def __init__(self, text: str):
        self.text = text
        self.index = 0
        self.next: str | None = None
        self._advance()

    def _advance(self) -> None:
        i = self.index
        if i >= len(self.text):
            self.next = None
            return
        c = self.text[i]
        if c == "\\":
            if i + 1 >= len(self.text):
                raise RegexSyntaxError("bad escape (end of pattern)")
            c += self.text[i + 1]
        self.index = i + len(c)
        self.next = c

    def get(self) -> str | None:
        c = self.next
        self._advance()
        return c

    def match(self, c: str) -> bool:
        if self.next == c:
            self._advance()
            return True
        return False

    def tell(self) -> int:
        return self.index - len(self.next or "")

    def seek(self, index: int) -> None:
        self.index = index
        self._advance()

    def getwhile(self, n: int, chars) -> str:
        out = ""
        for _ in range(n):
            c = self.next
            if c not in chars:
                break
            out += c
            self._advance()
        return out

    def getuntil(self, end: str) -> str:
        out = ""
        while True:
            c = self.get()
            if c is None:
                raise RegexSyntaxError("missing " + end)
            if c == end:
                if not out:
                    raise RegexSyntaxError("missing name")
                return out
            out += c


def parse(pattern: str, flags: int = 0) -> Regex:
    """The tree of a `re` pattern (a str) compiled with `flags` (re's; other bits ignored)."""
    if not isinstance(pattern, str):
        raise TypeError("a str pattern")
    flags &= _KNOWN
    try:
        return _Parser(pattern, flags).run()
    except _Restart:
        return _Parser(pattern, flags | VERBOSE).run()


class _Parser:
    __slots__ = ("src", "flags", "groups", "names", "open")

    def __init__(self, pattern: str, flags: int):
        self.src = _Source(pattern)
        self.flags = flags
        self.groups = 1  # (group 0: the whole match)
        self.names: dict[str, int] = {}
        self.open: set[int] = set()  # capturing groups not yet closed

    def run(self) -> Regex:
        body = self.alternation(bool(self.flags & VERBOSE), top=True)
        if self.src.next is not None:
            raise RegexSyntaxError("unbalanced parenthesis")
        return Regex(body, self.flags, self.groups - 1, dict(self.names))

    def alternation(self, verbose: bool, top: bool = False):
        """`a|b|…` up to a `)` or the end (not consumed)."""
        branches = []
        while True:
            branches.append(self.sequence(verbose, first=top and not branches))
            if not self.src.match("|"):
                break
            if top:  # (?x) at the start covers the alternatives after it
                verbose = bool(self.flags & VERBOSE)
        return _alternation(branches)

    def sequence(self, verbose: bool, first: bool = False) -> list:
        """The items up to a `|`, a `)` or the end (not consumed), as a list."""
        src = self.src
        out: list = []
        last_direct = None  # the last item, when it was not a group (for quantifier checks)
        while True:
            this = src.next
            if this is None or this in "|)":
                break
            src.get()
            if verbose:
                if this in _WHITESPACE:
                    continue
                if this == "#":
                    while this is not None and this != "\n":
                        this = src.get()
                    continue
            if this[0] == "\\":
                node = self.escape(this)
            elif this not in _SPECIAL:
                node = Literal(this)
            elif this == "[":
                node = self.char_class()
            elif this in "*+?{":
                bounds = self.quantifier(this)
                if bounds is None:  # a `{` that is not a quantifier: itself
                    node = Literal("{")
                else:
                    if not out or type(last_direct) is Anchor:
                        raise RegexSyntaxError("nothing to repeat")
                    if type(last_direct) is Repeat:
                        raise RegexSyntaxError("multiple repeat")
                    mode = LAZY if src.match("?") else POSSESSIVE if src.match("+") else GREEDY
                    out[-1] = last_direct = Repeat(out[-1], bounds[0], bounds[1], mode)
                    continue
            elif this == ".":
                node = Any()
            elif this == "^":
                node = Anchor("^")
            elif this == "$":
                node = Anchor("$")
            else:  # "("
                if not src.match("?"):
                    index = self.open_group(None)
                    body = self.alternation(verbose)
                    self.expect_close()
                    self.open.discard(index)
                    out.append(Group(body, index))
                    last_direct = None
                    continue
                char = src.get()
                if char is None:
                    raise RegexSyntaxError("unexpected end of pattern")
                index, name, add, remove, atomic = None, None, 0, 0, False
                if char == "P":
                    if src.match("<"):
                        name = src.getuntil(">")
                        if not name.isidentifier():
                            raise RegexSyntaxError("bad character in group name")
                    elif src.match("="):
                        name = src.getuntil(")")
                        gid = self.names.get(name)
                        if gid is None or gid in self.open:
                            raise RegexSyntaxError("unknown group name")
                        out.append(Backref(gid))
                        last_direct = None
                        continue
                    else:
                        raise RegexSyntaxError("unknown extension ?P")
                elif char == ":":
                    pass
                elif char == "#":
                    while True:
                        c = src.get()
                        if c is None:
                            raise RegexSyntaxError("missing ), unterminated comment")
                        if c == ")":
                            break
                    continue
                elif char in "=!<":
                    behind = char == "<"
                    if behind:
                        char = src.get()
                        if char is None or char not in "=!":
                            raise RegexSyntaxError("unknown extension ?<")
                    body = self.alternation(verbose)
                    self.expect_close()
                    out.append(Lookaround(body, behind, char == "!"))
                    last_direct = None
                    continue
                elif char == "(":
                    out.append(self.conditional(verbose))
                    last_direct = None
                    continue
                elif char == ">":
                    atomic = True
                elif char in _FLAG_LETTERS or char == "-":
                    before = self.flags
                    scoped = self.inline_flags(char)
                    if scoped is None:  # global flags, `(?i)`
                        if self.flags & VERBOSE & ~before and not (first and not out):
                            raise _Restart  # (Python 3.10: flags anywhere, with a warning)
                        verbose = verbose or bool(self.flags & VERBOSE)
                        continue
                    add, remove = scoped
                else:
                    raise RegexSyntaxError("unknown extension ?" + char)
                if name is not None:
                    index = self.open_group(name)
                inner = (verbose or bool(add & VERBOSE)) and not remove & VERBOSE
                body = self.alternation(inner)
                self.expect_close()
                if index is not None:
                    self.open.discard(index)
                    node = Group(body, index, name)
                elif atomic:
                    node = Atomic(body)
                elif add or remove:
                    node = Group(body, None, None, add, remove)
                else:
                    node = body  # (?:…): spliced in, unless a quantifier takes it whole
                out.append(node)
                last_direct = None
                continue
            out.append(node)
            last_direct = node
        return [y for x in out for y in (x.items if type(x) is Sequence else (x,))]

    def expect_close(self) -> None:
        if not self.src.match(")"):
            raise RegexSyntaxError("missing ), unterminated subpattern")

    def open_group(self, name: str | None) -> int:
        index = self.groups
        self.groups += 1
        if name is not None:
            if name in self.names:
                raise RegexSyntaxError("redefinition of group name")
            self.names[name] = index
        self.open.add(index)
        return index

    def conditional(self, verbose: bool) -> Conditional:
        """`(?(id)yes|no)`, after its `(?(`."""
        name = self.src.getuntil(")")
        if name.isidentifier():
            group = self.names.get(name)
            if group is None:
                raise RegexSyntaxError("unknown group name")
        else:
            try:
                group = int(name)
            except ValueError:
                raise RegexSyntaxError("bad character in group name") from None
            if group <= 0:
                raise RegexSyntaxError("bad group number")
        yes = _sequence(self.sequence(verbose))
        no = _sequence(self.sequence(verbose)) if self.src.match("|") else None
        if self.src.next == "|":
            raise RegexSyntaxError("conditional backref with more than two branches")
        self.expect_close()
        return Conditional(group, yes, no)

    def inline_flags(self, char: str):
        """`(?ims)` (global: None, the flags added to self.flags) or `(?i-s:` ((added, removed))."""
        src = self.src
        add = remove = 0
        if char != "-":
            while True:
                add |= _FLAG_LETTERS[char]
                if add & _TYPE_FLAGS & (add & _TYPE_FLAGS) - 1:  # two of a, L, u
                    raise RegexSyntaxError("bad inline flags")
                char = src.get()
                if char is None or not (char in _FLAG_LETTERS or char in ")-:"):
                    raise RegexSyntaxError("missing -, : or )")
                if char in ")-:":
                    break
        if char == ")":
            self.flags |= add
            return None
        if add & _GLOBAL_ONLY:
            raise RegexSyntaxError("bad inline flags: cannot turn on global flag")
        if char == "-":
            char = src.get()
            if char is None or char not in _FLAG_LETTERS:
                raise RegexSyntaxError("missing flag")
            while True:
                flag = _FLAG_LETTERS[char]
                if flag & (_TYPE_FLAGS | _GLOBAL_ONLY):
                    raise RegexSyntaxError("bad inline flags: cannot turn off this flag")
                remove |= flag
                char = src.get()
                if char == ":":
                    break
                if char is None or char not in _FLAG_LETTERS:
                    raise RegexSyntaxError("missing :")
        if add & remove:
            raise RegexSyntaxError("bad inline flags: flag turned on and off")
        return add, remove

    def quantifier(self, this: str):
        """(min, max or None) of the quantifier starting with `this`; None for a `{` that
        starts no quantifier (`a{`, `a{x}`, `a{}`: the `{` is a literal, as in re)."""
        if this == "?":
            return 0, 1
        if this == "*":
            return 0, None
        if this == "+":
            return 1, None
        src = self.src
        here = src.tell()
        if src.next == "}":
            return None
        lo = src.getwhile(len(src.text), _DIGITS)
        hi = src.getwhile(len(src.text), _DIGITS) if src.match(",") else lo
        if not src.match("}"):
            src.seek(here)
            return None
        low = int(lo) if lo else 0
        high = int(hi) if hi else None
        if high is not None and high < low:
            raise RegexSyntaxError("min repeat greater than max repeat")
        return low, high

    def char_class(self):
        """`[…]`, after its `[`: a CharClass, or a Literal / NotLiteral for one character."""
        src = self.src
        negated = src.match("^")
        found: list = []
        while True:
            this = src.get()
            if this is None:
                raise RegexSyntaxError("unterminated character set")
            if this == "]" and found:
                break
            first = self.class_escape(this) if this[0] == "\\" else Literal(this)
            if src.match("-"):
                that = src.get()
                if that is None:
                    raise RegexSyntaxError("unterminated character set")
                if that == "]":
                    found += (first, Literal("-"))
                    break
                last = self.class_escape(that) if that[0] == "\\" else Literal(that)
                if type(first) is not Literal or type(last) is not Literal or last.char < first.char:
                    raise RegexSyntaxError("bad character range")
                found.append(Range(first.char, last.char))
            else:
                found.append(first)
        found = list(dict.fromkeys(found))
        if len(found) == 1 and type(found[0]) is Literal:
            return NotLiteral(found[0].char) if negated else found[0]
        return CharClass(tuple(found), negated)

    def _code_escape(self, escape: str):
        """\\x41 \\u4e00 \\U0001F600 \\N{NAME} (a Literal), or None for another escape."""
        src = self.src
        c = escape[1]
        if c in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[c]
            digits = src.getwhile(n, _HEX)
            if len(digits) != n:
                raise RegexSyntaxError("incomplete escape " + escape + digits)
            code = int(digits, 16)
            if code > 0x10FFFF:
                raise RegexSyntaxError("bad escape " + escape + digits)
            return Literal(chr(code))
        if c == "N":
            if not src.match("{"):
                raise RegexSyntaxError("missing {")
            name = src.getuntil("}")
            try:
                return Literal(unicodedata.lookup(name))
            except KeyError:
                raise RegexSyntaxError("undefined character name " + repr(name)) from None
        return None

    def class_escape(self, escape: str):
        """An escape inside a class: a Literal or a Category."""
        if escape in _CONTROL:
            return Literal(_CONTROL[escape])
        c = escape[1]
        if c in "dDsSwW":
            return Category(c)
        code = self._code_escape(escape)
        if code is not None:
            return code
        if c in _OCTAL:
            value = int(c + self.src.getwhile(2, _OCTAL), 8)
            if value > 0o377:
                raise RegexSyntaxError("octal escape value outside of range 0-0o377")
            return Literal(chr(value))
        if c in _DIGITS or c in _ASCII_LETTERS:
            raise RegexSyntaxError("bad escape " + escape)
        return Literal(c)

    def escape(self, escape: str):
        """An escape outside a class: a Literal, a CharClass, an Anchor or a Backref."""
        src = self.src
        c = escape[1]
        if c in "AbBZ":
            return Anchor(c)
        if c in "dDsSwW":
            return CharClass((Category(c),))
        if escape in _CONTROL:
            return Literal(_CONTROL[escape])
        code = self._code_escape(escape)
        if code is not None:
            return code
        if c == "0":
            return Literal(chr(int("0" + src.getwhile(2, _OCTAL), 8)))
        if c in _DIGITS:
            digits = c
            if src.next in _DIGITS:
                digits += src.get()
                if digits[0] in _OCTAL and digits[1] in _OCTAL and src.next in _OCTAL:
                    value = int(digits + src.get(), 8)
                    if value > 0o377:
                        raise RegexSyntaxError("octal escape value outside of range 0-0o377")
                    return Literal(chr(value))
            group = int(digits)
            if group >= self.groups or group in self.open:
                raise RegexSyntaxError("invalid group reference %d" % group)
            return Backref(group)
        if c in _ASCII_LETTERS:
            raise RegexSyntaxError("bad escape " + escape)
        return Literal(c)
