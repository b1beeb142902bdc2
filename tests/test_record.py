"""linter/support/record.py: the model's plain data classes (dataclasses cost start-up time)."""

from __future__ import annotations

import pickle

import pytest

from xxgk_lint.linter.support.record import Record, factory, replace


class Point(Record, frozen=True):
    x: int
    y: int = 0


class One(Record, frozen=True):
    only: str


class Bag(Record):
    name: str
    items: list = factory(list)
    size: int = 1
    _cache: dict = factory(dict)

    def __post_init__(self) -> None:
        self._cache["made"] = True


def test_init_defaults_and_fresh_factories():
    a, b = Bag("a"), Bag("b", size=3)
    assert (a.name, a.items, a.size, b.size) == ("a", [], 1, 3)
    a.items.append(1)
    assert b.items == []  # each instance its own list
    assert a._cache == {"made": True}  # __post_init__ ran
    with pytest.raises(TypeError):
        Bag()  # name is required
    with pytest.raises(AttributeError):
        a.other = 1  # slots: no stray attributes


def test_equality_hash_and_repr():
    assert Point(1, 2) == Point(1, 2) != Point(2, 1)
    assert len({Point(1, 2), Point(1, 2)}) == 1  # frozen records hash by value
    assert Bag("a") == Bag("a")  # the underscore cache is not compared
    with pytest.raises(TypeError):
        hash(Bag("a"))  # mutable records are not hashable
    assert repr(Point(1)) == "Point(x=1, y=0)"
    assert Point(1) != (1, 0)
    assert One("a") == One("a") != One("b") and hash(One("a")) == hash(("a",))


def test_replace_and_pickle():
    p = Point(1, 2)
    assert replace(p, y=5) == Point(1, 5) and p.y == 2
    with pytest.raises(TypeError):
        replace(p, z=1)
    bag = Bag("a", [1, 2])
    again = pickle.loads(pickle.dumps(bag, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == bag and again.items == [1, 2]


def test_a_required_field_after_a_default_is_refused():
    with pytest.raises(TypeError):

        class Wrong(Record):
            a: int = 1
            b: int
