"""Buys start-up (TOML is parsed only on a cache miss); costs nothing.

TOML reading: stdlib tomllib on Python 3.11+, tomli before. Imported lazily: a run whose
rules and templates come from the disk cache parses no TOML at all."""

from __future__ import annotations

import sys


def _impl():
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    import tomli  # pragma: no cover - Python 3.10

    return tomli


def loads(text: str) -> dict:
    return _impl().loads(text)


def __getattr__(name: str):
    if name == "TOMLDecodeError":
        return _impl().TOMLDecodeError
    raise AttributeError(name)
