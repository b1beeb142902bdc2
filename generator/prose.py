"""The prose of a generated report: six sections in the wordings real reports use, some of
them stating numbers of the tables in the phrasings the consistency rules read.

Every sentence is drawn from a bank with its own variants, so two reports of one seed range
really differ (length, wording, which numbers are stated) the way real reports do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Agency:
    name: str  # 示例县统计局
    level: str  # government | department | township
    region: str  # 示例县
    self_name: str  # how it names itself in prose: 我局, 我县, 我镇
    short: str  # 县统计局, 县政府


_TOPICS = ["统计数据", "财政预决算", "重大建设项目", "公共资源配置", "社会公益事业建设", "乡村振兴",
           "生态环境保护", "安全生产", "食品药品监管", "教育", "医疗卫生", "就业创业", "养老服务",
           "住房保障", "政策解读", "人事信息", "规划计划", "行政执法"]
_CHANNELS = ["门户网站", "政务新媒体", "政府公报", "政务公开专区", "新闻发布会", "政务服务中心", "微信公众号"]
_OPEN = ["坚持以公开为常态、不公开为例外", "认真贯彻落实《中华人民共和国政府信息公开条例》",
         "按照上级政务公开工作要点的部署", "围绕中心工作和群众关切", "以提升政务公开质量为目标"]
_MGMT = [
    "落实公开属性源头认定，公文拟稿时同步标注公开属性，并说明不予公开的理由。",
    "严格执行政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”，全年未发生泄密事件。",
    "对已公开的政府信息进行动态调整，及时清理过期、失效信息，确保信息准确、完整。",
    "建立健全政府信息管理台账，做到底数清、分类明、更新及时。",
    "开展规范性文件集中清理，清理结果及时向社会公布。",
]
_PLATFORM = [
    "持续优化{channel}政府信息公开专栏，调整栏目设置，提升检索和浏览体验。",
    "加强{channel}管理，落实信息发布审核制度，做到内容准确、更新及时。",
    "推进{channel}与政务服务平台融合，方便群众一站式查询办事。",
    "完善政务公开专区建设，配备查阅设备，为群众提供现场查阅服务。",
]
_OVERSIGHT = [
    "将政务公开工作纳入年度绩效考核，明确分管领导和具体经办人员。",
    "组织开展政务公开业务培训{n}次，提升工作人员的业务能力。",
    "主动接受社会监督，在{channel}公布监督电话和电子邮箱，全年未发生因政府信息公开引发的责任追究。",
    "定期开展政务公开自查，对发现的问题逐项整改。",
]
_PROBLEMS = [
    "政策解读形式还不够丰富，图表图解、视频解读等形式运用不多",
    "部分栏目信息更新不够及时，个别信息发布不够规范",
    "依申请公开答复文书的说理还不够充分",
    "工作人员业务能力有待提高，对公开属性的把握还不够准确",
    "政务新媒体互动回应还不够及时",
    "基层政务公开标准化规范化建设还需深化",
]
_FIXES = [
    "丰富政策解读形式，重要政策同步配发图文解读",
    "加强栏目日常维护，建立信息更新提醒机制",
    "制定依申请公开答复文书范本，逐件说明所依据的法律条款和理由",
    "定期组织业务培训，把政务公开纳入新进人员岗前培训内容",
    "强化政务新媒体管理，及时回应社会关切",
    "深化基层政务公开标准化规范化建设，完善公开事项目录",
]
_ORD = "一二三四五六七八九十"


def _pick(rng: random.Random, bank: list[str], k: int) -> list[str]:
    return rng.sample(bank, min(k, len(bank)))


def _list(rng: random.Random, items: list[str], end: str = "。") -> str:
    """一是…；二是…；三是… (the enumeration real reports use)."""
    return "；".join(f"{_ORD[i]}是{s}" for i, s in enumerate(items)) + end


def intro(rng: random.Random, agency: Agency, year: int, fmt: str) -> str:
    notice = ("《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）"
              if fmt == "2021" else "《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60号）")
    basis = rng.choice(["本报告依据", "根据", "按照"])
    period = rng.choice([f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
                         f"本报告中使用数据统计期限为{year}年1月1日至{year}年12月31日。"])
    where = rng.choice([f"本报告电子版可在{agency.region}人民政府门户网站“政府信息公开”专栏查阅和下载。",
                        f"本报告电子版可在{agency.region}人民政府门户网站查阅。"])
    ask = f"如对本报告有疑问，请与{agency.name}办公室联系。" if rng.random() < 0.6 else ""
    return (f"{basis}《中华人民共和国政府信息公开条例》（以下简称《条例》）和{notice}要求，由{agency.name}编制本报告。"
            f"全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
            f"存在的主要问题及改进情况、其他需要报告的事项六个部分。{period}{where}{ask}")


def _new_sentence(rng: random.Random, year: int, new: int, old: int) -> str:
    forms = [f"{year}年，共收到政府信息公开申请{new}件",
             f"全年共受理政府信息公开申请{new}件",
             f"本年度新收政府信息公开申请{new}件",
             f"全年接收政府信息公开申请共计{new}件"]
    s = rng.choice(forms)
    if old:
        s += rng.choice([f"，另有上年结转的申请{old}件", f"，上年结转{old}件"])
    return s + "。"


def overview(rng: random.Random, agency: Agency, year: int, t) -> list[tuple[str, str]]:
    """(subheading, paragraph) pairs of 一、总体情况: its five aspects, numbers stated."""
    c = t.cells
    get = lambda r, col, table="applications": c.get((table, r, col), 0)  # noqa: E731
    me = agency.self_name
    lead = f"{year}年，{me}{rng.choice(_OPEN)}，扎实推进政府信息公开工作。"
    topics = _pick(rng, _TOPICS, rng.randint(2, 5))
    items = rng.randint(20, 3000)
    active = [lead, f"全年通过{rng.choice(_CHANNELS)}等渠道主动公开政府信息{items}条，重点公开{'、'.join(topics)}等领域信息。"]
    if t.format == "2021" and rng.random() < 0.6:
        n = get("normative", "issued", "active")
        active.append(rng.choice([f"全年印发行政规范性文件{n}件，全部在规范性文件栏目集中公开。",
                                  f"依法公开规范性文件{n}件。"]))
    if t.format == "2021" and rng.random() < 0.4:
        active.append(f"截至{year}年底，现行有效行政规范性文件{get('normative', 'in_force', 'active')}件。")
    if t.format == "2021" and get("license", "decisions", "active") == 0 and rng.random() < 0.5:
        active.append(f"本年度{me}无行政许可事项。")
    new, old = get("new", "total"), get("carried_over", "total")
    fwd, done = get("carried_forward", "total"), get("result.total", "total")
    if new + old == 0:
        request = [rng.choice([f"本年度{me}未收到政府信息公开申请。", f"{year}年，{me}没有收到政府信息公开申请。"])]
    else:
        request = [_new_sentence(rng, year, new, old)]
        if rng.random() < 0.6:
            parts = []
            for row, word in (("result.open", "予以公开"), ("result.partial", "部分公开"), ("result.unable.not_held", "本机关不掌握相关政府信息")):
                if get(row, "total"):
                    parts.append(f"{word}{get(row, 'total')}件")
            request.append(f"全年办结{done}件" + ("，其中" + "，".join(parts) if parts else "") + "，均在法定期限内作出答复。")
            if rng.random() < 0.3:
                request.append(f"予以公开及部分公开{get('result.open', 'total') + get('result.partial', 'total')}件。")
        if fwd and rng.random() < 0.7:
            request.append(rng.choice([f"另有{fwd}件结转下年度继续办理。", f"结转至{year + 1}年{fwd}件。",
                                       f"{fwd}件申请因在法定答复期限内顺延至下一年度办理。"]))
    review = get("review", "total", "review")
    suits = get("litigation.direct", "total", "review") + get("litigation.after_review", "total", "review")
    corrected = sum(get(g, "corrected", "review") for g in ("review", "litigation.direct", "litigation.after_review"))
    oversight_cases = ""
    if rng.random() < 0.5:
        oversight_cases = f"全年因政府信息公开被申请行政复议{review}件，被提起行政诉讼{suits}件"
        oversight_cases += "，均获维持。" if review + suits and not corrected and rng.random() < 0.5 else "。"
    return [
        ("主动公开", "".join(active)),
        ("依申请公开", "".join(request)),
        ("政府信息管理", f"全年审核拟公开信息{rng.randint(30, 4000)}条。" + "".join(_pick(rng, _MGMT, rng.randint(1, 3)))),
        ("平台建设", "".join(s.format(channel=rng.choice(_CHANNELS)) for s in _pick(rng, _PLATFORM, rng.randint(1, 3)))
         + f"{rng.choice(_CHANNELS)}全年发布信息{rng.randint(20, 3000)}条。"),
        ("监督保障", "".join(s.format(channel=rng.choice(_CHANNELS), n=rng.randint(1, 6)) for s in _pick(rng, _OVERSIGHT, rng.randint(1, 3))) + oversight_cases),
    ]


def problems(rng: random.Random, agency: Agency, year: int) -> list[str]:
    k = rng.randint(2, 4)
    first = f"{year}年，{agency.self_name}政府信息公开工作取得了一定成效，但仍存在一些不足：" + _list(rng, _pick(rng, _PROBLEMS, k))
    second = f"下一步，{agency.self_name}将从以下方面加以改进：" + _list(rng, _pick(rng, _FIXES, k))
    return [first, second]


def other(rng: random.Random, agency: Agency, year: int, fmt: str) -> list[str]:
    fee = rng.choice(["本年度没有产生信息公开处理费。", f"{year}年，{agency.self_name}未收取政府信息公开信息处理费。",
                      "本年度未收取信息处理费。"])
    extra = rng.choice(["", "本年度没有其他需要报告的事项。",
                        f"{year}年，{agency.self_name}承办人大代表建议{rng.randint(1, 30)}件、政协委员提案{rng.randint(1, 30)}件，均已按期办结。"])
    return [fee + extra] if fmt == "2021" or rng.random() < 0.5 else [extra or "无其他需要报告的事项。"]
