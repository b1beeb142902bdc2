"""One generated report: who wrote it, for which year, its tables and its prose."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from . import prose, values
from .prose import Agency

_SYLLABLES = "安宝昌川丹东丰凤福阜古广海和河鹤华怀淮嘉江金锦靖九莱兰澜乐临柳龙隆鹿洛梅蒙南宁平浦祁清庆荣瑞山商寿舒泰桃通桐湾万文武西溪仙湘兴秀阳宜永余玉元岳云泽漳长中舟"
DEPARTMENTS = [
    ("统计局", "我局"), ("财政局", "我局"), ("交通运输局", "我局"), ("自然资源局", "我局"),
    ("住房和城乡建设局", "我局"), ("卫生健康委员会", "我委"), ("教育局", "我局"), ("民政局", "我局"),
    ("市场监督管理局", "我局"), ("农业农村局", "我局"), ("水利局", "我局"), ("文化和旅游局", "我局"),
    ("人力资源和社会保障局", "我局"), ("生态环境分局", "我局"), ("应急管理局", "我局"),
    ("发展和改革委员会", "我委"), ("医疗保障局", "我局"), ("政务服务中心", "我中心"), ("司法局", "我局"),
]
TOWN_SUFFIX = [("镇人民政府", "我镇"), ("乡人民政府", "我乡"), ("街道办事处", "我街道")]
SECTION_TITLES = {1: "总体情况", 2: "主动公开政府信息情况", 3: "收到和处理政府信息公开申请情况",
                  4: "政府信息公开行政复议、行政诉讼情况", 5: "存在的主要问题及改进情况", 6: "其他需要报告的事项"}
# Accepted wordings real reports use (rules/templates/sections.toml lists them as variants).
SECTION_VARIANTS = {4: ["政府信息公开行政复议和行政诉讼情况"], 5: ["存在的主要问题及改进措施", "存在的主要问题及改进情况"]}


def county_name(rng: random.Random) -> str:
    return "".join(rng.sample(_SYLLABLES, 2)) + rng.choice(["县", "县", "区", "市"])


def make_agency(rng: random.Random, region: str, level: str | None = None, dept: tuple[str, str] | None = None) -> Agency:
    level = level or rng.choices(["government", "department", "township"], [1, 4, 2])[0]
    place = region[-1]  # 县 / 区 / 市
    if level == "government":
        return Agency(f"{region}人民政府", level, region, f"我{place}", f"{place}政府")
    if level == "township":
        suffix, me = rng.choice(TOWN_SUFFIX)
        town = "".join(rng.sample(_SYLLABLES, 2))
        return Agency(f"{region}{town}{suffix}", level, region, me, f"{town}{suffix[:1]}")
    name, me = dept or rng.choice(DEPARTMENTS)
    return Agency(f"{region}{name}", level, region, me, f"{place}{name}")


@dataclass
class Report:
    seed: int
    agency: Agency
    year: int
    format: str
    tables: values.Tables
    intro: str
    overview: list[tuple[str, str]]
    problems: list[str]
    other: list[str]
    signature: str
    titles: dict[int, str] = field(default_factory=lambda: dict(SECTION_TITLES))
    extra: dict = field(default_factory=dict)  # what a planted defect changed

    @property
    def title(self) -> str:
        return f"{self.agency.name}{self.year}年政府信息公开工作年度报告"

    def copy(self, **kw) -> Report:
        r = replace(self, **kw)
        r.tables = values.Tables(self.tables.format, dict(self.tables.cells))
        r.titles = dict(self.titles)
        r.overview = list(self.overview)
        r.problems = list(self.problems)
        r.other = list(self.other)
        r.extra = dict(self.extra)
        return r


def generate(seed: int, *, agency: Agency | None = None, year: int | None = None, fmt: str | None = None,
             previous: Report | None = None) -> Report:
    rng = random.Random(seed)
    year = year or rng.randint(2019, 2025)
    fmt = fmt or ("2021" if year >= 2021 else "2019")
    agency = agency or make_agency(rng, county_name(rng))
    tables = values.generate(rng, fmt, previous.tables if previous is not None else None)
    titles = dict(SECTION_TITLES)
    for n, variants in SECTION_VARIANTS.items():
        if rng.random() < 0.25:
            titles[n] = rng.choice(variants)
    # a department publishes by 1-31, a government's office by 3-31
    last = 31 if agency.level != "government" else rng.choice([31, 60, 89])
    day = rng.randint(5, last)
    month, dom = (1, day) if day <= 31 else ((2, day - 31) if day <= 59 else (3, day - 59))
    signature = f"{year + 1}年{month}月{min(dom, 28)}日"
    return Report(seed, agency, year, fmt, tables, prose.intro(rng, agency, year, fmt),
                  prose.overview(rng, agency, year, tables), prose.problems(rng, agency, year),
                  prose.other(rng, agency, year, fmt), signature, titles)
