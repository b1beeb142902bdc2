"""The official report outline and statistics-table templates, read from rules/templates/.

Both official formats (2021: 国办公开办函〔2021〕30号; 2019: 〔2019〕60号) are data, not code:
a table template lists its groups (sub-tables), their columns and rows with stable keys.
"""

from __future__ import annotations

from functools import lru_cache

from ..support import toml
from ..support.record import Record, factory
from ..support.resources import templates_dir


class ColumnTemplate(Record, frozen=True):
    key: str
    label: str
    short: str
    decimal: bool = False  # money: may carry decimals
    signed: bool = False  # 2019 本年增/减: may be negative


class RowTemplate(Record, frozen=True):
    key: str
    label: str
    short: str
    group: str
    columns: tuple[ColumnTemplate, ...]
    aliases: tuple[str, ...] = ()
    parent: str = ""
    optional: bool = False  # an alternative printing (e.g. (六) as one row in the 2021 format)


class GroupTemplate(Record, frozen=True):
    key: str
    caption: str
    columns: tuple[ColumnTemplate, ...]
    rows: tuple[RowTemplate, ...]
    flattened: bool = False  # all rows printed as one line of numbers (table 四)


class TableTemplate(Record, frozen=True):
    key: str  # active | applications | review
    format: str  # "2021" | "2019"
    section: int
    title: str
    groups: tuple[GroupTemplate, ...]

    rows: tuple[RowTemplate, ...] = ()  # all groups' rows, in order (derived)
    _by_key: dict = factory(dict)

    def __post_init__(self) -> None:
        rows = tuple(r for g in self.groups for r in g.rows)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "_by_key", {r.key: r for r in rows})

    def row(self, key: str) -> RowTemplate | None:
        return self._by_key.get(key)


class FormatTemplate(Record, frozen=True):
    format: str
    name: str
    first_year: int
    tables: dict = factory(dict)  # key -> TableTemplate


class Aspect(Record, frozen=True):
    key: str
    name: str
    words: tuple[str, ...]


class SectionTemplate(Record, frozen=True):
    number: int
    ordinal: str
    title: str
    variants: tuple[str, ...]
    keywords: tuple[str, ...]
    aspects: tuple[Aspect, ...] = ()

    @property
    def full_title(self) -> str:
        return f"{self.ordinal}、{self.title}"


def _columns(items: list[dict]) -> tuple[ColumnTemplate, ...]:
    return tuple(
        ColumnTemplate(
            key=c["key"],
            label=c["label"],
            short=c.get("short", c["label"]),
            decimal=c.get("decimal", False),
            signed=c.get("signed", False),
        )
        for c in items
    )


def _load_format(name: str) -> FormatTemplate:
    data = toml.loads((templates_dir() / f"format-{name}.toml").read_text(encoding="utf-8"))
    tables = {}
    for t in data["tables"]:
        groups = []
        for g in t["groups"]:
            cols = _columns(g["columns"])
            rows = tuple(
                RowTemplate(
                    key=r["key"],
                    label=r["label"],
                    short=r.get("short", r["label"]),
                    group=g["key"],
                    columns=cols,
                    aliases=tuple(r.get("aliases", ())),
                    parent=r.get("parent", ""),
                    optional=r.get("optional", False),
                )
                for r in g["rows"]
            )
            groups.append(
                GroupTemplate(g["key"], g.get("caption", ""), cols, rows, flattened=g.get("flattened", False))
            )
        tables[t["key"]] = TableTemplate(t["key"], data["format"], t["section"], t["title"], tuple(groups))
    return FormatTemplate(data["format"], data["name"], data["first_year"], tables)


@lru_cache(maxsize=None)
def formats() -> dict[str, FormatTemplate]:
    """Both official formats, newest first."""
    from ..support.diskcache import cached

    inputs = [templates_dir() / f"format-{name}.toml" for name in ("2021", "2019")]
    return cached("templates", inputs, lambda: {name: _load_format(name) for name in ("2021", "2019")})


@lru_cache(maxsize=None)
def sections() -> tuple[SectionTemplate, ...]:
    from ..support.diskcache import cached

    return cached("sections", [templates_dir() / "sections.toml"], _load_sections)


def _load_sections() -> tuple[SectionTemplate, ...]:
    data = toml.loads((templates_dir() / "sections.toml").read_text(encoding="utf-8"))
    return tuple(
        SectionTemplate(
            number=s["number"],
            ordinal=s["ordinal"],
            title=s["title"],
            variants=tuple(s.get("variants", ())),
            keywords=tuple(s.get("keywords", ())),
            aspects=tuple(Aspect(a["key"], a["name"], tuple(a["words"])) for a in s.get("aspects", ())),
        )
        for s in data["sections"]
    )


def section(number: int) -> SectionTemplate | None:
    for s in sections():
        if s.number == number:
            return s
    return None
