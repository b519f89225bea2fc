"""The For (对象) cell of a target table, worded as a person would in both languages, with
the plan's unit noun (plural where English needs it) and long names (generated)."""
from __future__ import annotations

import pytest
import yaml

from plangen.outline.outline import build_outline
from plangen.render.theme import load_theme
from plangen.source.load import load_plan_text

LONG_EN = "Royal Infirmary at Little France — Chancellor's Building and Clinical Sciences Wing"
LONG_ZH = "太平街道办事处中心学校附属第一实验小学"


def cell(language: str, names: list[str], for_, unit_noun: str | None = None, **target) -> str:
    doc = {"number": "T-1", "title": "Plan" if language == "en" else "计划", "year": 2026,
           "organization": "Office", "language": language}
    if unit_noun:
        doc["unit_noun"] = unit_noun
    plan = {"plangen": 1, "document": doc,
            "units": [{"id": f"u{i}", "name": n} for i, n in enumerate(names, 1)],
            "sections": [{"id": "s", "title": "Goals", "text": "Buy.",
                          "targets": [{"what": "Desks", "quantity": 1, "unit": "sets", "for": for_, **target}]}]}
    loaded = load_plan_text(yaml.safe_dump(plan, allow_unicode=True))
    o = build_outline(loaded.plan, load_theme().wording(language))
    table = next(b for b in o.blocks if b.kind == "table")
    return table.rows[0][table.columns.index("for")]


def ids(*numbers: int) -> list[str]:
    return [f"u{i}" for i in numbers]


def test_english_for_cell_names_sites_as_a_person_would():
    long = [f"{LONG_EN} {i}" for i in range(1, 25)]
    short = [f"Site {i}" for i in range(1, 25)]
    assert cell("en", long, "u3", "site") == long[2]  # one unit: its name, however long the list
    assert cell("en", long, ids(*range(1, 7)), "site") == "6 sites (see the appendix)"
    assert cell("en", long, ids(*range(1, 23)), "site") == "every site except 2 (see the appendix)"
    assert cell("en", short, ids(*range(1, 23)), "site") == "every site except Site 23 and Site 24"
    assert cell("en", short, ids(1, 2, 3)) == "Site 1, Site 2 and Site 3"
    assert cell("en", short, "all", "ward") == "every ward"
    assert cell("en", long, ids(*range(1, 13)), "facility") == "12 facilities (see the appendix)"


def test_a_single_very_long_name_is_shortened_between_words():
    name = " ".join([LONG_EN] * 3)
    shown = cell("en", [name, "Site 2"], "u1")
    assert shown.endswith("…") and len(shown) <= 90 and name.startswith(shown[:-1])
    assert not shown[:-1].endswith(" ")


def test_chinese_for_cell_wording_is_unchanged_in_kind():
    short = [f"第{i}小学" for i in range(1, 31)]
    long = [f"{LONG_ZH}{i}" for i in range(1, 31)]
    assert cell("zh", short, "all") == "各学校"
    assert cell("zh", short, ids(*range(1, 29))) == "除第29小学、第30小学外各学校"
    assert cell("zh", short, ids(*range(1, 13))) == "12个学校，见附表"
    assert cell("zh", long, ids(*range(1, 28))) == "除3个学校外各学校，见附表"
    assert cell("zh", long, "u5", "科室") == long[4]
    assert cell("zh", short, ids(*range(1, 13)), "科室") == "12个科室，见附表"


@pytest.mark.parametrize("noun,many", [("site", "sites"), ("facility", "facilities"), ("campus", "campuses"),
                                       ("day", "days"), ("branch", "branches"), ("科室", "科室")])
def test_plural_of_the_unit_noun(noun, many):
    from plangen.outline.wording import plural
    assert plural(noun) == many


def test_names_that_would_take_more_than_three_lines_take_the_short_form():
    """除某市第三人民医院东院区后勤保障部、某区实验小学教育集团东湖校区外各社区 took nine lines of a
    crowded table's 对象 column: where the names would take more than three lines at the width
    decided, the cell says 除2个社区外各社区，见附表 (and the column is sized for that)."""
    names = [f"第{i}社区" for i in range(1, 19)] + ["某市第三人民医院东院区后勤保障部", "某区实验小学教育集团东湖校区"]
    crowded = {"budget": 5, "deadline": "2026-06-30", "owner": "李梅（城建科）", "status": "in-progress"}
    assert cell("zh", names, ids(*range(1, 19)), "社区", **crowded) == "除2个社区外各社区，见附表"
    assert cell("zh", names, ids(*range(1, 19)), "社区") == "除某市第三人民医院东院区后勤保障部、某区实验小学教育集团东湖校区外各社区"
    assert cell("zh", names, ids(1, 2, 19), "社区", **crowded) == "3个社区，见附表"
    assert cell("zh", names, ids(1, 2), "社区", **crowded) == "第1社区、第2社区"  # short names keep their list
