"""Numbering is decided once, in the outline, from position."""
from __future__ import annotations

import pytest

from conftest import ENGLISH, SEED
from plangen.outline.numbering import Counter, chinese, circled
from plangen.outline.outline import build_outline
from plangen.render.theme import load_theme
from plangen.source.load import load_plan


@pytest.mark.parametrize("n,text", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"),
                                    (99, "九十九"), (100, "一百"), (101, "一百零一"), (110, "一百一十"), (1001, "一千零一")])
def test_chinese_counting(n, text):
    assert chinese(n) == text


def test_circled_numbers():
    assert circled(1) == "①" and circled(20) == "⑳" and circled(21) == "21"


def test_counter_restarts_deeper_levels_like_word():
    c = Counter("seed")
    assert [c.next(1), c.next(2), c.next(3), c.next(3), c.next(2), c.next(3), c.next(1), c.next(3)] == \
        ["一、", "（一）", "1、", "2、", "（二）", "1、", "二、", "1、"]
    g = Counter("gbt9704")
    assert [g.next(1), g.next(2), g.next(3), g.next(4)] == ["一、", "（一）", "1.", "（1）"]
    e = Counter("en")
    assert [e.next(1), e.next(2), e.next(2), e.next(3), e.next(1), e.next(2)] == ["1.", "1.1", "1.2", "a)", "2.", "2.1"]


def outline(path, unit=None):
    loaded = load_plan(path)
    return build_outline(loaded.plan, load_theme().wording(loaded.plan.document.language), unit)


def test_seed_labels_follow_the_seed():
    labels = outline(SEED).labels()
    assert labels[:12] == ["一、", "二、", "（一）", "1、", "2、", "3、", "4、", "5、", "（二）", "（三）", "（四）", "三、"]
    # 三、 is followed directly by 1、 as in the seed; ① under （1）; a. under （4）
    assert labels[12:15] == ["1、", "（1）", "（2）"]
    assert [lab for lab in labels if lab in "①②③④"] == ["①", "②", "③", "④"]
    assert labels[-2:] == ["a.", "b."]


def test_english_labels():
    assert outline(ENGLISH).labels() == ["1.", "1.1", "a)", "b)", "1.2", "2.", "2.1", "2.2"]


def test_per_unit_outline_keeps_only_that_units_targets():
    o = outline(SEED, "shuitangba")
    assert o.recipient == "水塘坝小学"
    assert o.cover.recipient_line == "分送：各学校（本件送水塘坝小学）"  # distributed to all; this copy to one
    assert outline(SEED).cover.recipient_line is None
    assert outline(ENGLISH, "north-high").cover.recipient_line == "For: North High School (sent to every school)"
    tables = [b for b in o.blocks if b.kind == "table"]
    whats = [row[0] for t in tables for row in t.rows]
    assert "档案柜" in whats and "大门改造" not in whats
    # every row is the school's own: no 对象 (the cover names it) and no 合计 (it would repeat 数量)
    assert {tuple(t.header) for t in tables} == {("事项", "数量", "单位")}
    assert ["档案柜", "2", "组"] in [row for t in tables for row in t.rows]
    whole = [b for b in outline(SEED).blocks if b.kind == "table"]
    assert whole[0].header == ["事项", "每单位数量", "单位", "对象", "合计"]
    (appendix,) = o.appendix
    assert appendix.header == ["事项", "单位", "水塘坝小学"]
    assert ["新课桌", "套", "50"] in appendix.rows


def test_item_kind_is_a_tag_that_prints_nothing(tmp_path):
    """`kind: goals|measures` changes no document (the README says so); `plangen diff` reports it."""
    from conftest import run
    from plangen.render.html import render_html

    text = SEED.read_text(encoding="utf-8")
    assert "    kind: goals\n" in text
    swapped = tmp_path / "swapped.yaml"
    swapped.write_text(text.replace("    kind: goals\n", "    kind: measures\n"), encoding="utf-8")
    bare = tmp_path / "bare.yaml"
    bare.write_text(text.replace("    kind: goals\n", "").replace("    kind: measures\n", ""), encoding="utf-8")
    html = {p: render_html(build_outline(load_plan(p).plan, load_theme().wording("zh")), load_theme())
            for p in (SEED, swapped, bare)}
    assert html[SEED] == html[swapped] == html[bare]
    proc = run("diff", str(SEED), str(swapped), "--format", "json")
    assert proc.returncode == 1 and "measures" in proc.stdout, proc.stdout + proc.stderr
