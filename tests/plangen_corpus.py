"""A seeded generator of plans that push layouts where our example plans never go.

``plan(seed)`` returns a plan as a dict (dump it with ``yaml.safe_dump``). The seed
chooses, independently: the language (zh or en), 1–40 units with names of 2–80
characters, 1–12 target items (fractional quantities, budgets, deadlines, owners,
statuses, targets for all, for most or for a few units), items nested 1–6 deep,
paragraphs of 1–800 characters with Latin words, model and phone numbers inside Chinese
text, long titles, and a padding paragraph whose length moves every later heading and
table to another place on its page. The same seed always gives the same plan.

Most plans are short (a few pages: 1–4 target items, one paragraph an item, most
paragraphs under 120 characters) so that a few hundred fit in CI's time; two seeds of
every 16 (one of each language, `BIG`) are long: 1–12 items, up to three sections, one or
two paragraphs of 1–800 characters an item. Unit counts, names, depths, titles and the
padding paragraph vary the same in both.
"""
from __future__ import annotations

import datetime as dt
import random

ZH_PHRASES = [
    "加强学校后勤管理", "完善校园安全制度", "落实设备维护责任", "做好食堂卫生检查", "规范财务报销流程",
    "改善师生学习环境", "推进校园绿化美化", "提高服务质量和效率", "按时完成年度采购", "定期开展消防演练",
    "配备 HP LaserJet Pro M404dn 打印机", "覆盖 Wi-Fi 6 无线网络", "更换 UPS 10kVA 电源",
    "联系电话 0571-87654321", "节能率≥15%", "采购 Dell OptiPlex 7090 电脑", "建立 ISO 9001 质量体系",
    "检查电线线路老化情况", "组织教职工业务培训", "严格执行物资验收制度",
]
EN_WORDS = ["school", "district", "office", "maintenance", "budget", "safety", "staff", "training", "procurement", "inventory", "heating", "ventilation", "classroom", "library", "canteen", "inspection", "schedule", "contractor", "network", "printer", "projector", "furniture", "playground", "repairs", "cleaning", "security", "cameras", "Wi-Fi", "UPS", "10kVA", "HP", "LaserJet", "Pro", "M404dn", "0571-87654321", "15%", "ISO-9001", "quarterly", "approved", "reviewed", "delivered", "replaced", "installed", "upgraded"]
ZH_PLACES = ["太平", "水塘坝", "黄竹林", "示范", "箐门", "东城", "南山", "石桥", "青龙", "白沙", "柳树湾", "大河口"]
ZH_SCHOOL = ["小学", "中学", "幼儿园", "九年一贯制学校", "完全中学", "教学点"]
EN_PLACES = ["North Ridge", "Maple Hollow", "St. Catherine's", "Riverside", "Oakfield", "Westbrook",
             "Pine Valley", "Harbour View", "King Edward VII", "Lakeside", "Ashcombe", "Fairmount"]
EN_SCHOOL = ["Elementary School", "Middle School", "Primary Academy", "High School", "Learning Centre"]
ZH_GOODS = [("新课桌", "套"), ("电脑", "台"), ("档案柜", "组"), ("灭火器", "具"), ("空调", "台"), ("图书", "册"),
            ("监控摄像头", "个"), ("饮水机", "台"), ("投影仪", "台"), ("塑胶跑道", "平方米"), ("路由器 Wi-Fi 6", "台"),
            ("保洁服务", "小时"), ("绿化苗木", "株"), ("体育器材", "套")]
EN_GOODS = [("Desks", "sets"), ("Laptops", "pcs"), ("Filing cabinets", "pcs"), ("Fire extinguishers", "pcs"),
            ("Air conditioners", "units"), ("Library books", "vols"), ("Security cameras", "pcs"),
            ("Water dispensers", "units"), ("Projectors", "units"), ("Running track", "m²"),
            ("Wi-Fi 6 routers", "pcs"), ("Cleaning services", "hours"), ("Trees", "pcs"), ("Sports kits", "sets")]
OWNERS = {"zh": ["后勤处", "总务处", "信息中心", "各校校长", "安全办"],
          "en": ["Facilities", "IT office", "Head teachers", "Finance", "Safety officer"]}


BIG = (7, 14)  # seed % 16: the long plans, one English and one Chinese in every 16 seeds


def plan(seed: int) -> dict:
    rng = random.Random(seed)
    lang = "zh" if seed % 2 == 0 else "en"
    big = seed % 16 in BIG
    units = _units(rng, lang)
    goods = rng.sample(ZH_GOODS if lang == "zh" else EN_GOODS, rng.randint(1, 12) if big else rng.randint(1, 4))
    targets = [_target(rng, lang, what, measure, units, seed) for what, measure in goods]
    sections = _sections(rng, lang, targets, big)
    doc = {"number": f"GEN-{seed:04d}", "title": _title(rng, lang), "year": 2026,
           "organization": _name(rng, lang, 4, 30), "language": lang, "date": dt.date(2026, 2, 1),
           "currency": "元" if lang == "zh" else "EUR"}
    if rng.random() < 0.4:
        doc["fields"] = [{"label": "部门" if lang == "zh" else "Department", "value": _name(rng, lang, 2, 12)},
                         {"label": "日期" if lang == "zh" else "Date", "type": "date"}]
    if rng.random() < 0.5:
        doc["preface"] = _text(rng, lang, rng.randint(1, 300))
    return {"plangen": 1, "document": doc, "units": units, "sections": sections}


def _units(rng: random.Random, lang: str) -> list[dict]:
    n = rng.choice([1, 2, 3, 5, 8, 12, 18, 25, 40, rng.randint(1, 40)])
    long_names = rng.random() < 0.3
    return [{"id": f"u{i + 1}", "name": _school(rng, lang, i, long_names)} for i in range(n)]


def _school(rng: random.Random, lang: str, i: int, long_names: bool) -> str:
    if lang == "zh":
        name = rng.choice(ZH_PLACES) + rng.choice(ZH_SCHOOL)
        if long_names:
            name = rng.choice(ZH_PLACES) + "街道办事处" * rng.randint(1, 15) + name
        name = name if i % 7 else name[:1] + "校"  # some names of two characters
        return name[:80] if len(name) > 80 else name
    name = f"{rng.choice(EN_PLACES)} {rng.choice(EN_SCHOOL)}"
    if long_names:
        name = f"{rng.choice(EN_PLACES)} and {name} of the " + " ".join(rng.sample(EN_PLACES, 3)) + " District"
    return name[:80].rstrip() if i % 7 else rng.choice(["Ash", "Elm", "Oak"]) + str(i)


def _name(rng: random.Random, lang: str, low: int, high: int) -> str:
    return _text(rng, lang, rng.randint(low, high)).rstrip("。.，, ") or ("后勤处" if lang == "zh" else "Office")


def _title(rng: random.Random, lang: str) -> str:
    long = rng.random() < 0.4
    if lang == "zh":
        core = "学校安全工作计划" if not long else "关于进一步加强全区中小学校园安全与后勤保障工作的实施计划"
        return f"{rng.choice(ZH_PLACES)}街道{'办事处中心学校' if long else ''}2026年{core}"
    core = "Facilities Work Plan" if not long else "Plan for Safer Schools, Better Facilities and Reliable IT Services"
    return f"{rng.choice(EN_PLACES)} District {core} 2026"


def _text(rng: random.Random, lang: str, length: int) -> str:
    """A paragraph of about `length` characters (at least 1)."""
    out = ""
    while len(out) < length:
        if lang == "zh":
            out += rng.choice(ZH_PHRASES) + rng.choice("，，，。；")
        else:
            out += rng.choice(EN_WORDS) + " "
    out = out[:length].strip() or ("好" if lang == "zh" else "Go")
    return out + ("。" if lang == "zh" else ".")


def _target(rng: random.Random, lang: str, what: str, measure: str, units: list[dict], seed: int) -> dict:
    ids = [u["id"] for u in units]
    choice = rng.random()
    if choice < 0.4 or len(ids) == 1:
        for_ = "all"
    elif choice < 0.7:
        left_out = rng.choice(ids)
        for_ = [i for i in ids if i != left_out]  # all but one
    else:
        for_ = rng.sample(ids, rng.randint(1, len(ids)))
    target = {"what": what, "quantity": rng.choice([1, 2, 5, 50, 0.5, 2.5, 12.75, 1200]), "unit": measure,
              "for": for_}
    if rng.random() < 0.5:
        target["budget"] = rng.choice([300, 1200, 2500.5, 86000])
    if rng.random() < 0.4:
        target["deadline"] = dt.date(2026, rng.randint(1, 12), rng.randint(1, 28))
        target["owner"] = rng.choice(OWNERS[lang])
        target["status"] = rng.choice(["planned", "in-progress", "done"])
    return target


def _length(rng: random.Random, big: bool) -> int:
    """A paragraph's length: 1–800 characters, in a short plan mostly under 120."""
    if big:
        return rng.randint(1, 800)
    roll = rng.random()
    return rng.randint(1, 120) if roll < 0.6 else rng.randint(120, 400) if roll < 0.9 else rng.randint(400, 800)


def _sections(rng: random.Random, lang: str, targets: list[dict], big: bool) -> list[dict]:
    """Sections holding chains of items 1–6 deep; targets spread over the items; a padding
    paragraph first moves every later break."""
    n_sections = rng.randint(1, 3 if big else 2)
    sections = []
    for s in range(n_sections):
        depth = rng.randint(1, 6)
        section = {"id": f"s{s + 1}", "title": _heading(rng, lang)}
        if s == 0:
            section["text"] = _text(rng, lang, rng.randint(1, 800))  # the padding
        node = section
        for d in range(2, depth + 1):
            child = {"id": f"s{s + 1}.d{d}"}
            if rng.random() < 0.5:
                child["title"] = _heading(rng, lang)
            child["text"] = [_text(rng, lang, _length(rng, big)) for _ in range(rng.randint(1, 2) if big else 1)]
            node["items"] = [child]
            node = child
        sections.append(section)
    holders = _holders(sections)
    for i, target in enumerate(targets):
        holder = holders[i % len(holders)]
        holder.setdefault("targets", []).append(target)
        holder.setdefault("text", _text(rng, lang, rng.randint(1, 200)))
    return sections


def _holders(sections: list[dict]) -> list[dict]:
    out = []
    for section in sections:
        node = section
        while node.get("items"):
            node = node["items"][0]
            out.append(node)
        if node is section:
            out.append(section)
    return out


def _heading(rng: random.Random, lang: str) -> str:
    if lang == "zh":
        return "".join(rng.sample(ZH_PHRASES[:10], rng.randint(1, 4)))
    return " ".join(rng.sample(EN_WORDS[:30], rng.randint(1, 14))).capitalize()
