"""The example plans load and say what the seed says."""
from __future__ import annotations

import pytest

from conftest import ENGLISH, NEXT, PLANS, SEED
from plangen.outline.targets import matrix
from plangen.source.load import load_plan


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_example_plans_load(path):
    loaded = load_plan(path)
    assert loaded.plan.plangen == 1
    assert loaded.plan.sections
    assert loaded.warnings == []


def test_example_plans_cover_two_languages_and_the_seed_first():
    names = [p.name for p in PLANS]
    assert names[0] == "2021-logistics.yaml"
    assert {load_plan(p).plan.document.language for p in PLANS} == {"zh", "en"}


def test_seed_metadata():
    doc = load_plan(SEED).plan.document
    assert doc.number == "YK-JH-0025"
    assert doc.title == "新学期后勤总务2021年工作计划"
    assert doc.subtitle == "（新编版）"
    assert doc.year == 2021
    assert [f.label for f in doc.fields] == ["部门", "姓名", "日期"]
    assert all(f.value is None for f in doc.fields)
    # a folded YAML line break between Chinese characters leaves no space behind
    assert "不断地进步，每一次" in doc.preface[0]


def test_seed_has_the_seed_schools():
    names = set(load_plan(SEED).plan.unit_names().values())
    assert {"中学", "示范小学", "箐门小学", "黄竹林小学", "水塘坝小学"} == names


def test_seed_sections_and_items_in_order():
    plan = load_plan(SEED).plan
    assert [s.title for s in plan.sections] == ["指导思想", "工作目标", "工作措施和途径"]
    goals = plan.sections[1]
    assert goals.kind == "goals" and len(goals.items) == 4
    assert len(goals.items[0].items) == 5
    measures = plan.sections[2]
    assert measures.kind == "measures" and measures.skip_level
    assert [len(i.items) for i in measures.items] == [5, 2, 4]
    texts = [p for _loc, item, _lvl in plan.walk() for p in (item.text or [])]
    assert texts[-1].endswith("做到不挪用、不截留、不克扣。")
    assert any("室内外无蜘蛛网" in t for t in texts)


def test_seed_totals():
    m = matrix(load_plan(SEED).plan)
    schools = len(m.units)
    assert schools == 5
    assert m.column_total("新课桌") == 50 * schools
    assert m.column_total("电脑") == 1 * schools
    assert m.column_total("档案柜") == 4
    assert m.cells[("huangzhulin", "档案柜")] == 2 and m.cells[("shuitangba", "档案柜")] == 2
    assert ("zhongxue", "档案柜") not in m.cells
    assert m.cells[("huangzhulin", "大门改造")] == 1
    assert m.column_total("老教学楼改造维修") == 3
    assert not m.has_budget


def test_next_year_plan_changes():
    m = matrix(load_plan(NEXT).plan)
    assert m.cells[("huangzhulin", "新课桌")] == 60
    assert m.cells[("zhongxue", "新课桌")] == 50
    assert m.column_total("档案柜") == 1
    assert m.has_budget
    assert m.unit_budget("huangzhulin") == 18000 + 4500 + 2400 + 1500


def test_english_plan():
    plan = load_plan(ENGLISH).plan
    assert plan.document.language == "en"
    assert plan.document.fields[0].value == "IT Services"
    assert matrix(plan).column_total("Student laptops") == 90
