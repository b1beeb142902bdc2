"""Buys ~25 ms of start-up (no `dataclasses` import, no exec per method); costs: only the dataclass features used here.

Plain data classes for the model, without the `dataclasses` module.

Start-up time is a feature (a pre-commit hook or an editor starts the CLI for one report), and
`dataclasses` cost the CLI about 25 ms of its ~100 ms budget: importing it pulls in `inspect`,
and every class builds half a dozen methods with exec. A `Record` subclass gets the part we
use: `__slots__` and an `__init__` from its annotations (one small exec), a readable repr,
field-wise equality, and a hash when declared `frozen=True`. Fields named with a leading
underscore are derived caches: left out of equality, hash and repr. Instances pickle (the
on-disk rule and template caches) like any slotted class.

    class Cell(Record):
        row: str
        values: list = factory(list)   # a fresh list per instance
        status: str = "ok"
"""

from __future__ import annotations

from operator import attrgetter

_MISSING = object()


class factory:
    """A default made anew for each instance: `rows: list = factory(list)`."""

    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make


class _RecordMeta(type):
    def __new__(mcls, name, bases, ns, frozen: bool = False):
        inherited: tuple[str, ...] = ()
        defaults: dict = {}
        for base in bases:
            inherited += getattr(base, "_fields", ())
            defaults.update(getattr(base, "_defaults", {}))
        own = [f for f in ns.get("__annotations__", {}) if f not in inherited]
        for f in own:
            if f in ns:
                defaults[f] = ns.pop(f)  # a class attribute would clash with the slot
        ns["__slots__"] = tuple(own)
        ns["_fields"] = fields = inherited + tuple(own)
        ns["_defaults"] = defaults
        ns["_compared"] = compared = tuple(f for f in fields if not f.startswith("_"))
        # the compared fields as one tuple, fetched in C (hashing findings is on the language
        # server's path: it keeps each finding's converted form across keystrokes)
        ns["_values"] = staticmethod(_getter(compared))
        if not frozen and "__hash__" not in ns:
            ns["__hash__"] = None  # mutable: equal by value, so not hashable
        cls = super().__new__(mcls, name, bases, ns)
        if fields or "__init__" not in ns:
            cls.__init__ = _make_init(cls, fields, defaults)
        return cls


def _getter(fields: tuple[str, ...]):
    """obj -> tuple of these fields' values."""
    if len(fields) > 1:
        return attrgetter(*fields)
    if fields:
        one = attrgetter(fields[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _make_init(cls, fields: tuple[str, ...], defaults: dict):
    env = {"_MISSING": _MISSING}
    params, body = [], []
    for f in fields:
        d = defaults.get(f, _MISSING)
        if d is _MISSING:
            if any(p.partition("=")[2] for p in params):
                raise TypeError(f"{cls.__name__}: field {f!r} without a default follows one with a default")
            params.append(f)
            body.append(f"self.{f} = {f}")
        elif isinstance(d, factory):
            env[f"_d_{f}"] = d.make
            params.append(f"{f}=_MISSING")
            body.append(f"self.{f} = _d_{f}() if {f} is _MISSING else {f}")
        else:
            env[f"_d_{f}"] = d
            params.append(f"{f}=_d_{f}")
            body.append(f"self.{f} = {f}")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    src = f"def __init__(self, {', '.join(params)}):\n    " + "\n    ".join(body or ["pass"]) + "\n"
    exec(src, env)
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


class Record(metaclass=_RecordMeta):
    __slots__ = ()

    def __repr__(self) -> str:
        args = ", ".join(f"{f}={getattr(self, f, '<unset>')!r}" for f in self._compared)
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values(self) == other._values(other)

    def __hash__(self) -> int:
        return hash(self._values(self))


def replace(obj: Record, **changes) -> Record:
    """A copy of `obj` with some fields changed (like dataclasses.replace)."""
    unknown = set(changes) - set(obj._fields)
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field {sorted(unknown)[0]!r}")
    values = {f: getattr(obj, f) for f in obj._fields if not (f.startswith("_") and f not in changes)}
    values.update(changes)
    return type(obj)(**values)
