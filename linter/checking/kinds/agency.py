"""Kind `agency`: the agency the report is by, against how the text speaks of itself and of
other agencies. Deliberately conservative (warnings, narrow patterns): a false alarm here
would make authors distrust the tool.

- `self-reference`: a department (…局, …委, …办, …中心) writing of its own disclosure work as
  我县/我市/我区 (or a people's government writing as 我局) — text copied from another report.
- `other-agency`: the text claims another agency's functions as its own (`结合财政职能`,
  `不断提升财政系统信息公开工作质效` in a 交通运输局 report; `发挥发改委职能` in a 科技经信局 one).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...model.document import Document
from .base import Checker, Param

_DEPT_SUFFIX = re.compile(r"(局|委员会|委|办公室|办|中心)$")
_GOV_SUFFIX = re.compile(r"(人民政府|镇|乡|街道|街道办事处)$")
_DEPT_SELF = re.compile(r"[我本](局|委|办|中心)")
_GOV_SELF = re.compile(r"我(县|市|区|镇|乡|省|旗)")
_WORK = re.compile(r"政务公开|信息公开|公开信息|主动公开|依申请")
# What may stand before a self-reference that is the subject of its clause.
_CLAUSE_START = re.compile(r"(?:^|[，,。；;：:！？!?]|\d{4}[ \t]*年[ \t]*(?:度)?[，,]?|[一二三四五六七八九十]是|同时|此外|目前|今年|全年)[ \t]*$")

# Functional domains: the words that name them. A domain named in the agency's own name is
# its own; another one claimed as "职能/系统" is not.
DOMAINS = {
    "财政": ("财政",),
    "发展改革": ("发改委", "发改", "发展改革", "发展和改革"),
    "交通运输": ("交通运输", "交通"),
    "教育": ("教育", "教体"),
    "公安": ("公安",),
    "民政": ("民政",),
    "人力资源社会保障": ("人社", "人力资源"),
    "自然资源": ("自然资源", "国土"),
    "生态环境": ("生态环境", "环保", "环境保护"),
    "住房城乡建设": ("住建", "住房和城乡建设", "城乡建设"),
    "水利": ("水利", "水务"),
    "农业农村": ("农业农村", "农业"),
    "商务": ("商务",),
    "文化旅游": ("文旅", "文化和旅游", "文化旅游"),
    "卫生健康": ("卫健", "卫生健康", "卫生"),
    "应急管理": ("应急管理", "应急"),
    "市场监管": ("市场监管", "市场监督"),
    "审计": ("审计",),
    "统计": ("统计",),
    "医疗保障": ("医保", "医疗保障"),
    "税务": ("税务",),
    "林业": ("林业", "林草"),
    "司法": ("司法",),
    "科技": ("科技", "科学技术"),
    "工业和信息化": ("经信", "工信", "经济和信息化", "工业和信息化"),
}
_DUTY_VERBS = ("结合", "发挥", "履行", "立足", "围绕")
_CLAIM = re.compile(
    rf"(?:{'|'.join(_DUTY_VERBS)})(?:本局|我局|本单位|我委|本委)?(?P<name>[^\W\d_A-Za-z]{{2,6}}?)(?:职能|职责)"
    r"|(?P<name2>[^\W\d_A-Za-z]{2,5}?)系统(?:信息公开|政务公开|政府信息)"
)


def _claims(text: str):
    """What _CLAIM.finditer(text) finds, trying the regex only where a claim can start: at a
    duty verb, or two to five characters before 系统 (searched for as text). The second
    alternative opens with a class of Chinese characters: finditer would try it at every
    character, ten times slower on a long paragraph."""
    starts: set[int] = set()
    for word in _DUTY_VERBS:
        p = text.find(word)
        while p >= 0:
            starts.add(p)
            p = text.find(word, p + 1)
    p = text.find("系统")
    while p >= 0:
        starts.update(range(max(0, p - 5), p - 1))
        p = text.find("系统", p + 1)
    pos = 0
    for s in sorted(starts):
        if s >= pos:
            m = _CLAIM.match(text, s)
            if m:
                yield m
                pos = m.end()


def _domain(word: str) -> str | None:
    for key, names in DOMAINS.items():
        if any(word.endswith(n) or word == n for n in names):
            return key
    return None


@lru_cache(maxsize=256)  # one agency per report, and all of DOMAINS to look through
def _own_domains(agency: str) -> frozenset[str]:
    return frozenset(key for key, names in DOMAINS.items() if any(n in agency for n in names))


class AgencyCheck(Checker):
    kind = "agency"
    params = {"check": Param(str, choices=("self-reference", "other-agency", "source-name"))}
    fields = frozenset({"agency", "written", "expected", "domain", "count"})

    @property
    def inputs(self) -> tuple[str, ...]:
        # source-name reads the page's metadata: not worth a key of its own (it is cheap)
        return () if self.p["check"] == "source-name" else ("paragraphs", "agency")

    def check(self, doc: Document):
        agency = (doc.agency or "").replace(" ", "")
        if not agency:
            return
        if self.p["check"] == "self-reference":
            yield from self._self_reference(doc, agency)
        elif self.p["check"] == "source-name":
            yield from self._source_name(doc, agency)
        else:
            yield from self._other_agency(doc, agency)

    def _source_name(self, doc: Document, agency: str):
        """The page's source/publisher names almost the same agency as the title, but not
        quite (县科技经信局 vs 县科技工信局): one of the two is misspelt. A plainly different
        publisher (a government office publishing a department's report) is not reported."""
        from ...parsing import labels

        for key in ("来源", "信息来源", "发布机构", "发文机关"):
            f = doc.metadata.get(key)
            if f is None or not f.value:
                continue
            name = f.value.split()[0].strip("：:") if f.value.split() else ""
            if not name or name == agency or name in agency or agency in name:
                continue
            if name[-1:] != agency[-1:] or len(name) < 3:
                continue  # a different kind of organ
            if labels.ratio(name, agency) >= 0.75:
                from ...reading.source import Span

                span = Span(f.span.line, f.span.column, f.span.line, f.span.column + len(name))
                yield self.diag(doc, span, agency=agency, written=name, expected=agency, domain=key)

    def _self_reference(self, doc: Document, agency: str):
        dept = _DEPT_SUFFIX.search(agency)
        gov = _GOV_SUFFIX.search(agency)
        if not dept and not gov:
            return
        wrong = _GOV_SELF if dept else _DEPT_SELF
        expected = ("我" + dept.group(1)[:2]) if dept else ("我" + (gov.group(1) if gov.group(1) in ("镇", "乡") else agency[-5:-4] or "县"))
        hits = []
        for p in doc.paragraphs:
            for m in wrong.finditer(p.text):
                if not _CLAUSE_START.search(p.text[max(0, m.start() - 8) : m.start()]):
                    continue  # "按照我县政务公开工作要点": the county named, not the speaker
                a = max(p.text.rfind(ch, 0, m.start()) for ch in "。；;!?！？") + 1
                ends = [i for i in (p.text.find(ch, m.end()) for ch in "。；;!?！？") if i >= 0]
                sentence = p.text[a : min(ends) if ends else len(p.text)]
                if _WORK.search(sentence):
                    hits.append((p, m))
        if hits:
            p, m = hits[0]
            yield self.diag(doc, p.span_of(m.start(), m.end()), agency=agency, written=m.group(0), expected=expected, count=len(hits))

    def _other_agency(self, doc: Document, agency: str):
        own = _own_domains(agency)
        if not own:
            return  # we do not know this agency's field: stay silent
        reported: set[str] = set()
        for p in doc.paragraphs:
            if "职" not in p.text and "系统" not in p.text:
                continue  # every claim names 职能, 职责 or 系统 (a cheap test before the regex)
            for m in _claims(p.text):
                word = m.group("name") or m.group("name2")
                domain = _domain(word)
                if domain is None or domain in own or domain in reported:
                    continue
                reported.add(domain)
                start, end = m.span("name") if m.group("name") else m.span("name2")
                yield self.diag(doc, p.span_of(start, end), agency=agency, written=m.group(0), domain=word)


CHECKERS = (AgencyCheck,)
