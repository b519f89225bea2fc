"""Layout decisions of issue 13, each checked where it is made: the 对象 cell, the target
table's columns, the appendix split, the .docx's metadata and line-breaking settings, the
reference documents' heading sizes, and the font coverage check."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest
import yaml
from docx.oxml.ns import qn

from conftest import ROOT
from plangen.errors import RenderError
from plangen.outline import columns
from plangen.outline.outline import build_outline
from plangen.render import renderer
from plangen.render.coverage import CoverageError, check_coverage
from plangen.render.theme import load_theme
from plangen.source.load import load_plan_text

TEMPLATES = ROOT / "src" / "plangen" / "render" / "templates"


def outline(units: int, targets: list[dict], language: str = "zh", items: int = 1):
    plan = {"plangen": 1, "document": {"number": "T-1", "title": "测试计划", "year": 2026, "organization": "测试",
                                       "language": language},
            "units": [{"id": f"u{i}", "name": f"第{i}小学" if language == "zh" else f"School {i}"}
                      for i in range(1, units + 1)],
            "sections": [{"id": f"s{n}", "title": "目标", "text": "各校采购。", "targets": targets if n == 0 else []}
                         for n in range(items)]}
    loaded = load_plan_text(yaml.safe_dump(plan, allow_unicode=True))
    return build_outline(loaded.plan, load_theme().wording(language))


def who_cells(units: int, for_) -> str:
    o = outline(units, [{"what": "课桌", "quantity": 1, "unit": "套", "for": for_}])
    table = next(b for b in o.blocks if b.kind == "table")
    return table.rows[0][table.columns.index("for")]


def test_a_target_for_many_units_names_them_as_a_person_would():
    assert who_cells(30, "all") == "各学校"
    assert who_cells(30, [f"u{i}" for i in range(1, 30)]) == "除第30小学外各学校"
    assert who_cells(30, [f"u{i}" for i in range(1, 13)]) == "12个学校，见附表"
    assert who_cells(30, ["u1", "u2"]) == "第1小学、第2小学"


def test_deadline_owner_and_status_columns_appear_when_any_target_has_them():
    plain = outline(2, [{"what": "课桌", "quantity": 1.5, "unit": "套"}])
    assert next(b for b in plain.blocks if b.kind == "table").header == ["事项", "每单位数量", "单位", "对象", "合计"]
    full = outline(2, [{"what": "课桌", "quantity": 1.5, "unit": "套"},
                       {"what": "电脑", "quantity": 1, "unit": "台", "deadline": "2026-09-01", "owner": "后勤处",
                        "status": "in-progress"}])
    table = next(b for b in full.blocks if b.kind == "table")
    assert table.header[-3:] == ["完成时限", "负责人", "状态"]
    assert table.rows[1][-3:] == ["2026年9月1日", "后勤处", "进行中"]
    assert table.rows[0][-3:] == ["", "", ""] and table.rows[0][1] == "1.5"


def test_the_paragraph_before_a_target_table_is_kept_with_it():
    o = outline(2, [{"what": "课桌", "quantity": 1, "unit": "套"}])
    i = next(i for i, b in enumerate(o.blocks) if b.kind == "table")
    assert o.blocks[i - 1].keep_next and not any(getattr(b, "keep_next", False) for b in o.blocks[i + 1:])


def test_a_wide_appendix_splits_into_tables_that_fit_with_continued_captions():
    targets = [{"what": f"物品名称{n}", "quantity": 1200.5, "unit": "套"} for n in range(25)]
    o = outline(40, targets)
    captions = [t.caption for t in o.appendix]
    assert len(captions) >= 3
    assert captions[0] == "附表：目标汇总表" and captions[1:] == [f"附表：目标汇总表（续{n}）" for n in range(1, len(captions))]
    assert [t.bookmark for t in o.appendix] == ["附表：目标汇总表"] + [None] * (len(captions) - 1)
    for t in o.appendix:
        widths = [max(columns.min_width([t.header[c]], False, bold=True), columns.min_width([row[c] for row in t.rows], t.numeric[c]))
                  for c in range(len(t.header))]
        assert sum(widths) <= columns.TEXT_WIDTH_PT, t.header
        assert len(t.rows) == 41  # every unit and the totals, in every part
    items = [h for t in o.appendix for h in t.header if h.startswith("物品名称")]
    assert len(items) == 25 and len(set(items)) == 25


def test_appendix_widths_are_decided_once_and_drawn_as_given_in_both_formats():
    """Units as rows (29 English schools, long names): the outline's widths fill the text
    block, keep every number and header word whole, give the names the rest; the .docx's grid
    and the HTML's <col>s are those widths, its cells' line pitch and margins the outline's."""
    o = outline(29, [{"what": w, "quantity": 2.5, "unit": "units", "budget": 86000}
                     for w in ("Library books", "Water dispensers", "Air conditioners")], language="en")
    for n, unit in enumerate(o.appendix[0].rows[:-1]):
        unit[0] = f"Maple Hollow Primary Academy of the Riverside District {n}"
    t = o.appendix[0]
    t.widths = columns.appendix_widths(t.header, t.rows, t.numeric, "en")
    assert sum(t.widths) == pytest.approx(columns.TEXT_WIDTH_PT)
    for c, w in enumerate(t.widths[1:], 1):
        assert w >= columns.min_width([t.header[c]], False, language="en", role="head") - 2, t.header[c]  # "conditioners" whole
        assert w >= max(columns.measure(row[c], "en") for row in t.rows) + 5, t.header[c]
    assert t.widths[0] == max(t.widths) and t.line == pytest.approx(1.15 * 10.5) and t.pad == pytest.approx(72 / 25.4 / 2)
    d = docx.Document(io.BytesIO(renderer("docx").render(o, load_theme())))
    grid = [int(g.get(qn("w:w"))) for g in d.tables[-1]._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert [g / 20 for g in grid] == pytest.approx(t.widths, abs=0.1)
    margins = d.tables[-1]._tbl.tblPr.find(qn("w:tblCellMar"))
    assert [int(margins.find(qn(f"w:{side}")).get(qn("w:w"))) for side in ("top", "left")] == [round(t.pad * 20), 57]
    cell = d.tables[-1].rows[1].cells[0].paragraphs[0]
    assert cell.paragraph_format.line_spacing.pt == pytest.approx(t.line, abs=0.05)
    html = renderer("html").render(o, load_theme()).decode()
    assert "".join(f'<col style="width: {w:.2f}pt">' for w in t.widths) in html
    assert f"line-height: {t.line:.2f}pt; --pad: {t.pad:.2f}pt;" in html


def test_docx_metadata_is_clean():
    o = outline(2, [{"what": "课桌", "quantity": 1, "unit": "套"}])
    data = renderer("docx").render(o, load_theme())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "docProps/thumbnail.jpeg" not in z.namelist()
        assert b"thumbnail" not in z.read("_rels/.rels")
        app = z.read("docProps/app.xml").decode()
    assert "<Application>plangen</Application>" in app and "<Pages>" not in app and "Microsoft" not in app


@pytest.mark.parametrize("name", ["reference.docx", "reference-en.docx"])
def test_reference_documents_break_lines_the_east_asian_way_and_headings_shrink(name):
    d = docx.Document(str(TEMPLATES / name))
    sizes = [d.styles[f"Heading {n}"].font.size.pt for n in range(1, 7)]
    assert sizes == sorted(sizes, reverse=True), sizes
    defaults = d.styles.element.find(qn("w:docDefaults"))
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for tag in ("w:kinsoku", "w:wordWrap", "w:autoSpaceDE", "w:autoSpaceDN", "w:widowControl"):
        assert ppr.find(qn(tag)) is not None, tag
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "en-US" and lang.get(qn("w:eastAsia")) == "zh-CN"


def test_english_documents_use_english_conventions():
    o = outline(2, [{"what": "Desks", "quantity": 1, "unit": "pcs"}], language="en")
    assert o.page_number == ("", "") and o.cover.kind_line == "Work plan"
    data = renderer("docx").render(o, load_theme())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "\u3000" not in z.read("word/document.xml").decode()


def test_a_character_no_font_has_is_an_error_naming_it():
    o = outline(2, [{"what": "课桌", "quantity": 1, "unit": "套"}])
    o.blocks[1].text = "麻将🀄牌"
    with pytest.raises(RenderError, match="U\\+1F004") as exc:
        check_coverage(o, load_theme())
    assert "麻将🀄牌" in str(exc.value) and "🀄" in str(exc.value)
    o.blocks[1].text = "CO₂ 排放 Wi-Fi 6"
    check_coverage(o, load_theme())


def test_a_character_the_kai_face_lacks_is_an_error_naming_the_role():
    """𠮷 (outside the BMP): AR PL UKai has no glyph for it, Noto Serif CJK has. On a 楷 line (a
    level-2 heading) it would fall back to 宋 silently; in body text it is fine."""
    o = outline(2, [{"what": "课桌", "quantity": 1, "unit": "套"}])
    o.blocks[1].text = "𠮷野家"
    check_coverage(o, load_theme())
    o.blocks[0].level = 2
    o.blocks[0].title = "𠮷祥小学"
    with pytest.raises(CoverageError, match=r"'𠮷' \(U\+20BB7\) is in no font of the theme for --kai \(AR PL UKai CN\)"):
        check_coverage(o, load_theme())


def test_a_font_coverage_error_names_the_plan_line(tmp_path):
    from conftest import run
    text = yaml.safe_dump({"plangen": 1, "document": {"number": "T-1", "title": "测试计划", "year": 2026,
                                                      "organization": "测试", "language": "zh"},
                           "units": [{"id": "u1", "name": "第一小学"}],
                           "sections": [{"id": "s", "title": "目标", "items": [
                               {"id": "a", "title": "采购", "text": "各校采购。"},
                               {"id": "b", "title": "𠮷祥小学", "text": "各校采购。"}]}]},
                          allow_unicode=True, sort_keys=False)
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "𠮷" in t)
    col = text.splitlines()[line - 1].index("𠮷") + 1
    proc = run("build", str(plan), "--format", "pdf", "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1].startswith(
        f"{plan}:{line}:{col}: sections[0].items[1].title: character '𠮷' (U+20BB7) is in no font of the theme"), proc.stderr


def test_many_column_target_tables_share_widths_decided_in_the_outline():
    """Deadline, owner, status and a 对象 list (too long here: its short form): every number keeps its whole width (digits
    measured with Noto Serif CJK's own widths), the widths fill the text block, and the PDF and the
    .docx draw the same widths."""
    names = "、".join(f"第{i}小学" for i in range(1, 6))
    o = outline(6, [{"what": "课桌", "quantity": 1200, "unit": "套", "budget": 123456.5, "for": [f"u{i}" for i in range(1, 6)],
                     "deadline": "2026-09-01", "owner": "后勤处", "status": "in-progress"}])
    table = next(b for b in o.blocks if b.kind == "table")
    # five names would take more than three lines of this crowded table's 对象 column: the short form
    assert names not in table.rows[0] and table.rows[0][table.columns.index("for")] == "除1个学校外各学校，见附表"
    assert table.size == columns.APPENDIX_PT
    assert abs(sum(table.widths) - columns.TEXT_WIDTH_PT) < 0.01
    for col in (i for i, n in enumerate(table.numeric) if n):
        value = table.rows[0][col]
        assert table.widths[col] >= columns.measure(value, "zh") + columns.SIZED_PADDING_PT, value
    html = renderer("html").render(o, load_theme())
    html = html.decode() if isinstance(html, bytes) else html
    assert f'<col style="width: {table.widths[1]:.2f}pt">' in html
    data = renderer("docx").render(o, load_theme())
    grid = [int(g.get(qn("w:w"))) for g in docx.Document(io.BytesIO(data)).tables[0]._tbl.tblGrid]
    assert [g / 20 for g in grid] == pytest.approx(table.widths, abs=0.1)


def test_word_titles_and_headings_keep_their_last_two_characters_together():
    from plangen.outline.breaks import WORD_JOINER, glued, glued_runs, unglued
    assert glued("学校安全工作计划") == ("学校安全工作", "计" + WORD_JOINER + "划")
    assert glued("改善办学条件。") == ("改善办学", WORD_JOINER.join("条件。"))  # the mark goes along
    # a redline's runs: accepting gives the plain document's glued text
    assert glued_runs([["-", "旧"], ["+", "新工作计划"]]) == [["-", "旧"], ["+", "新工作"], ["+", "计" + WORD_JOINER + "划"]]
    assert glued("Plan for the new school year") == ("Plan for the new ", "school\u00a0year")
    assert unglued("".join(glued("学校安全工作计划"))) == "学校安全工作计划"
    o = outline(2, [{"what": "课桌", "quantity": 1, "unit": "套"}])
    body = docx.Document(io.BytesIO(renderer("docx").render(o, load_theme()))).element.body
    title = next(p for p in body.iter(qn("w:p")) if p.find(qn("w:r")) is not None and p.find(qn("w:r")).text == "测试")
    tail = title.findall(qn("w:r"))[-1]
    assert tail.find(qn("w:t")).text == "计" + WORD_JOINER + "划"
    # LibreOffice's Chinese line breaking ignores the joiner: the tail's run is en-US for it
    assert tail.find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:eastAsia")) == "en-US"


def test_plangen_targets_carries_deadline_owner_and_status():
    import json

    from conftest import NEXT
    from plangen.source.load import load_plan
    from plangen.tools.targets_table import targets_csv, targets_json, targets_table
    plan = load_plan(NEXT).plan
    table = targets_table(plan).splitlines()
    deadline = next(line for line in table if line.startswith("完成时限"))
    assert "2022-09-01" in deadline and "2022-06-30" in deadline
    assert any(line.startswith("负责人") and "后勤办" in line for line in table)
    assert "\r\n完成时限,".encode() in targets_csv(plan)
    cameras = next(c for c in json.loads(targets_json(plan))["columns"] if c["what"] == "监控摄像头")
    assert cameras["deadline"] == "2022-06-30" and cameras["owner"] == "后勤办"
