"""The progress report's tables as a person would make them (two new users' reports came out 31
and 45 pages for ~120 target lines: unit names five characters a line, 进行/中 and "not / started"
split, 事项 on every row, a bold "Compartmentatio/n"). On the seed with long unit names and on
the English library plan (tests/data/library-works.yaml, long branch names):

- a target is named once, on a row across its table (事项（单位）), over its units' rows and its
  total: no 事项 or 单位 column; in the list of targets not done, with its deadline;
- status words and dates never wrap (broken only before a bracket: 进行中 / （逾期））, numbers
  neither, and a header too wide for its column breaks before its bracket (预算 / （万元））;
- a unit's name takes at most three lines where the table has room;
- a target of up to KEEP_WHOLE rows is kept on one page (Table.kept_with_next, drawn by the PDF
  as tr.keep and by the .docx as keep-with-next paragraphs); the last row of a target is not
  kept, so a table may break between targets;
- the title is the plan's own, the next line says 完成情况（截至…） / Progress as of …
"""
from __future__ import annotations

import io
import math
import re
import subprocess

import pytest

from conftest import ROOT, SEED, requires
from plangen.outline import columns
from plangen.outline.breaks import unglued
from plangen.outline.progress import compute
from plangen.outline.report import KEEP_WHOLE, build_report
from plangen.render import renderer
from plangen.render.theme import load_theme
from plangen.tools.report import load_pair

LONG_NAMES = {"zhongxue": "某某县第一中学后勤服务中心教学楼管理办公室", "shifan": "某某县实验示范小学东湖校区后勤保障部",
              "qingmen": "箐门乡中心完全小学附属幼儿园分部"}
ENGLISH = ROOT / "tests" / "data" / "library-works.yaml"


@pytest.fixture(scope="module")
def long_names(tmp_path_factory):
    """The seed and its progress file, three schools renamed with names of 16-20 characters."""
    out = tmp_path_factory.mktemp("long")
    text = SEED.read_text(encoding="utf-8")
    for uid, name in LONG_NAMES.items():
        text = re.sub(rf"(\{{id: {uid}, name: )[^}}]+\}}", rf"\g<1>{name}}}", text)
    (out / SEED.name).write_text(text, encoding="utf-8")
    progress = SEED.with_name(SEED.stem + ".progress.yaml")
    (out / progress.name).write_bytes(progress.read_bytes())
    return report(out / SEED.name, "zh")


def report(plan, language):
    loaded = load_pair(str(plan))
    return build_report(loaded, compute(loaded), load_theme().wording(language))


def progress_tables(outline):
    return [t for t in outline.blocks + outline.appendix if t.kind == "table" and t.role == "progress"]


def lines_of(text: str, width: float, size: float, language: str) -> int:
    return math.ceil(columns.measure(text, language, "text", size) / (width - columns.SIZED_PADDING_PT))


def test_a_target_is_named_once_on_a_row_across_its_table(long_names):
    tables = progress_tables(long_names)
    completion = [t for t in tables if not t.caption]
    assert len(completion) >= 4
    for t in completion:
        assert t.header[:2] == ["学校", "计划"] and "事项" not in t.header and "单位" not in t.header
        spans = [r[0] for k, r in enumerate(t.rows, 1) if t.is_span(k)]
        assert spans and all(re.fullmatch(r".+（.+）", s) for s in spans)
        whats = {s.split("（")[0] for s in spans}
        assert not [r for k, r in enumerate(t.rows, 1) if not t.is_span(k) and r[0] in whats]
    desks = next(t for t in completion if t.rows[0][0] == "新课桌（套）")
    assert desks.rows[1:7] == [[LONG_NAMES["zhongxue"], "50", "50", "100%", "已完成"],
                               [LONG_NAMES["shifan"], "50", "50", "100%", "已完成"],
                               [LONG_NAMES["qingmen"], "50", "50", "100%", "已完成"],
                               ["黄竹林小学", "50", "50", "100%", "已完成"], ["水塘坝小学", "50", "55", "110%", "已完成"],
                               ["合计", "250", "255", "102%", ""]]
    assert desks.is_total(7) and not desks.is_total(6)
    (still_open,) = [t for t in tables if t.caption]
    assert still_open.header == ["学校", "计划", "完成", "状态", "说明"]
    assert still_open.rows[0] == ["老教学楼改造维修（栋），完成时限2021年12月31日"] + [""] * 4 and still_open.is_span(1)
    assert still_open.rows[1] == [LONG_NAMES["qingmen"], "1", "0", "进行中", "资金未到位，顺延至2022年"]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_status_words_dates_and_numbers_stay_whole_and_names_take_three_lines_at_most(long_names, language):
    outline = long_names if language == "zh" else report(ENGLISH, "en")
    for t in progress_tables(outline):
        for c, head in enumerate(t.header):
            cells = [r[c] for k, r in enumerate(t.rows, 1) if not t.is_span(k)]
            if t.is_whole(c):  # each line of a status word, date or number fits its column
                for line in (part for cell in cells for part in cell.split("\n")):
                    assert columns.whole_width(line, language, "text", t.size) + columns.SIZED_PADDING_PT <= t.widths[c] + 0.01, (line, head)
            if t.columns[c] == "status":
                assert not [cell for cell in cells if "\n" in cell and not re.search(r"\n[（(]", cell)]
            if t.columns[c] == "names" and t.rows[0][0] != outline.language:
                assert max(lines_of(cell, t.widths[c], t.size, language) for cell in cells) <= 3, head
            if "\n" in head:  # a header broken by the outline: before its bracket only
                assert re.fullmatch(r"[^\n]+\n[（(][^\n]+", head), head


def test_the_english_total_rows_and_status_words_are_whole():
    """"Compartmentatio/n survey" (bold, in the Item column of a total row) and "not / started"."""
    outline = report(ENGLISH, "en")
    for t in progress_tables(outline):
        status = t.columns.index("status")
        assert t.widths[status] >= columns.measure("not started", "en", "text", t.size) + columns.SIZED_PADDING_PT
        for k, row in enumerate(t.rows, 1):
            if t.is_total(k):
                assert row[0] == "Total"


def test_a_targets_rows_are_kept_together_in_both_formats(long_names):
    import docx
    tables = [t for t in progress_tables(long_names) if not t.caption]
    groups = []
    for t in tables:
        starts = [k for k in range(1, len(t.rows) + 1) if t.is_span(k)] + [len(t.rows) + 1]
        groups += [(t, a, b - 1) for a, b in zip(starts, starts[1:])]
    assert any(b - a + 1 > 2 for _, a, b in groups)
    for t, first, last in groups:
        if last - first + 1 <= KEEP_WHOLE:
            assert all(t.kept_with_next(k) for k in range(first, last)), (t.rows[first - 1], first, last)
        assert t.kept_with_next(first)  # its name never ends a page
        if last < len(t.rows):
            assert not t.kept_with_next(last)  # a table may break between targets
    document = docx.Document(io.BytesIO(renderer("docx").render(long_names, load_theme())))
    desks_at = next(i for i, t in enumerate(document.tables) if unglued(t.rows[1].cells[0].text) == "新课桌（套）")
    rows = document.tables[desks_at].rows
    assert len(rows[1]._tr.tc_lst) == 1  # one cell across the table
    kept = [all(p.paragraph_format.keep_with_next for c in r.cells for p in c.paragraphs) for r in rows]
    desks = next(t for t in tables if t.rows[0][0] == "新课桌（套）")
    assert kept == [desks.kept_with_next(k) for k in range(len(rows))]
    assert kept[:7] == [True] * 7 and kept[7] is False  # 新课桌: its name, five schools, its total; then 电脑


@pytest.mark.parametrize("language,plan,subtitle", [("zh", SEED, "完成情况（截至2021年12月20日）"),
                                                    ("en", ENGLISH, "Progress as of ")])
def test_the_title_is_the_plans_and_the_next_line_says_what_the_report_is(language, plan, subtitle):
    outline = report(plan, language)
    loaded = load_pair(str(plan))
    assert outline.title == loaded.plan.plan.document.title
    assert outline.subtitle.startswith(subtitle)


@requires("pdftotext")
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_pdf_keeps_status_words_whole(long_names, tmp_path, language):
    """Every status word of the completion tables is whole in the PDF, on its row's line (not
    进行/中, "not / started": the library plan's report broke "not started" on 26 rows)."""
    outline = long_names if language == "zh" else report(ENGLISH, "en")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(renderer("pdf").render(outline, load_theme()))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    rows = [" ".join(line.split()) for line in text.splitlines() if "%" in line]  # a unit's row: percent and status
    completion = [t for t in progress_tables(outline) if not t.caption]
    words = ("已完成", "进行中", "未开始", "已取消") if language == "zh" else ("not started", "in progress", "done", "dropped")
    statuses = [r[t.header.index("状态" if language == "zh" else "Status")].split("\n")[0] for t in completion for r in t.rows]
    for word in words:
        assert sum(row.count(word) for row in rows) == statuses.count(word), word
    assert sum(statuses.count(word) for word in words) > 10


def test_the_docx_chart_is_drawn_in_the_faces_the_pdf_uses():
    """The English .docx chart was drawn in Noto Sans CJK Bold (the first file of its family),
    the PDF's SVG in Liberation Sans: now the theme's sans (regular) for Latin text in English,
    the 黑 face (regular) in Chinese and for what the sans lacks."""
    from plangen.render.docx import figure
    theme = load_theme()
    latin, cjk = figure._faces(theme, "en", 40)
    assert latin.getname() == ("Liberation Sans", "Regular") and cjk.getname() == ("Noto Sans CJK SC", "Regular")
    assert figure._faces(theme, "zh", 40)[0].getname() == ("Noto Sans CJK SC", "Regular")
    (chart,) = report(ENGLISH, "en").figures
    assert figure.png(chart, theme, "en") != figure.png(chart, theme, "zh")
