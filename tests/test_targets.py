"""Per-unit targets: the appendix in both documents, a document per school, and the
matrix for the terminal and spreadsheets."""
from __future__ import annotations

import csv
import io
import json
import re

import docx
import pytest

from conftest import NEXT, SEED, pdftotext, requires, run, soffice_convert, squash
from docs import RIGHT_EDGE, pdf_pages, pdf_words
from plangen.errors import PlanError
from plangen.outline.breaks import unglued
from plangen.source.load import load_plan, load_plan_text


def test_appendix_in_docx(built):
    d = docx.Document(str(built / "2021-logistics.docx"))
    captions = [p for p in d.paragraphs if p.text.startswith("附表")]
    assert [p.text for p in captions] == ["附表：目标汇总表"]
    summary = d.tables[-1]
    header = [unglued(c.text) for c in summary.rows[0].cells]
    assert header == ["事项", "单位", "中学", "示范小学", "箐门小学", "黄竹林小学", "水塘坝小学", "合计"]
    rows = {unglued(r.cells[0].text): [unglued(c.text) for c in r.cells] for r in summary.rows[1:]}
    assert rows["新课桌"] == ["新课桌", "套", "50", "50", "50", "50", "50", "250"]
    assert rows["电脑"][-1] == "5"
    assert rows["档案柜"] == ["档案柜", "组", "", "", "", "2", "2", "4"]


@requires("pdftotext", "pdfinfo")
def test_appendix_in_pdf_fits_an_a4_page(built):
    pdf = built / "2021-logistics.pdf"
    last = pdf_pages(pdf)
    text = squash(pdftotext(pdf, "-f", str(last), "-l", str(last)))
    assert text.startswith("附表：目标汇总表")
    assert "新课桌套505050505025" in text  # the row with its total
    assert all(w[2] <= RIGHT_EDGE + 1 for w in pdf_words(pdf, last))


def test_budget_row_when_budgets_exist(built):
    d = docx.Document(str(built / "2022-logistics.docx"))
    rows = [[unglued(c.text) for c in r.cells] for r in d.tables[-1].rows]
    budget = rows[-1]
    assert budget[0] == "预算（元）"
    assert budget[-1] == f"{15000 * 4 + 18000 + 4500 * 5 + 2400 * 5 + 1500 * 5 + 1200:,}.00"  # 元: two decimals


@requires("pdftotext", "pdfinfo")
def test_wide_matrices_split_into_tables_that_fit(tmp_path):
    units = "\n".join(f"  - {{id: s{i}, name: 第{i}小学}}" for i in range(1, 13))
    src = SEED.read_text(encoding="utf-8")
    head, _, rest = src.partition("units:\n")
    _, _, sections = rest.partition("\nsections:\n")
    body = "sections:\n" + sections
    for n, uid in enumerate(("huangzhulin", "shifan", "shuitangba", "zhongxue", "qingmen"), 1):
        body = body.replace(uid, f"s{n}")
    wide = tmp_path / "wide.yaml"
    wide.write_text(head + "units:\n" + units + "\n\n" + body, encoding="utf-8")
    assert len(load_plan(wide).plan.units) == 12
    proc = run("build", str(wide), "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 0, proc.stderr
    d = docx.Document(str(tmp_path / "out" / "wide.docx"))
    captions = [p.text for p in d.paragraphs if p.text.startswith("附表")]
    assert len(captions) >= 2
    pdf = tmp_path / "out" / "wide.pdf"
    for page in range(1, pdf_pages(pdf) + 1):
        assert all(w[2] <= RIGHT_EDGE + 1 for w in pdf_words(pdf, page))


@requires("pdftotext")
def test_per_unit_documents(built):
    plan = load_plan(SEED).plan
    folder = built / "2021-logistics"
    assert sorted(p.name for p in folder.glob("*.docx")) == sorted(f"{u.id}.docx" for u in plan.units)
    assert sorted(p.name for p in folder.glob("*.pdf")) == sorted(f"{u.id}.pdf" for u in plan.units)
    for unit in plan.units:
        others = [u.name for u in plan.units if u.id != unit.id]
        d = docx.Document(str(folder / f"{unit.id}.docx"))
        cover = [unglued(p.text) for p in d.paragraphs[:8]]  # the unit's name is held (word joiners)
        assert f"分送：各学校（本件送{unit.name}）" in cover  # to all the schools; this copy to its own
        for table in d.tables:
            cells = {unglued(c.text) for row in table.rows for c in row.cells}
            assert not cells & set(others), (unit.id, cells & set(others))
        text = squash(pdftotext(folder / f"{unit.id}.pdf", "-f", "1", "-l", "1"))
        assert unit.name in text


def test_per_unit_document_holds_only_its_targets(built):
    d = docx.Document(str(built / "2021-logistics" / "shuitangba.docx"))
    whats = {unglued(row.cells[0].text) for t in d.tables[:-1] for row in t.rows[1:]}
    assert whats == {"新课桌", "电脑", "档案柜"}
    rows = [[unglued(c.text) for c in r.cells] for r in d.tables[-1].rows]
    assert rows[0] == ["事项", "单位", "水塘坝小学"]
    assert ["档案柜", "组", "2"] in rows


def test_targets_table_cli():
    proc = run("targets", str(SEED))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("学校")  # the plan's language and unit noun
    total = lines[-1].split()
    assert total[0] == "合计" and total[-3:] == ["250", "5", "4"]


def test_targets_csv_has_bom_and_plain_numbers():
    proc = run("targets", str(NEXT), "--format", "csv", text=False)
    assert proc.returncode == 0
    assert proc.stdout.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(proc.stdout.decode("utf-8-sig"))))
    assert rows[0][0] == "学校" and rows[0][-1] == "预算（元）"
    hzl = next(r for r in rows if r[0] == "黄竹林小学")
    assert hzl[rows[0].index("新课桌（套）")] == "60"
    assert hzl[-1] == "26400.00"


def test_targets_json_and_unit_filter():
    proc = run("targets", str(SEED), "--format", "json", "--unit", "huangzhulin")
    data = json.loads(proc.stdout)
    assert [u["id"] for u in data["units"]] == ["huangzhulin"]
    assert data["units"][0]["quantities"]["档案柜"] == 2
    assert run("targets", str(SEED), "--format", "json", "--unit", "黄竹林小学").stdout == proc.stdout  # or its name
    bad = run("targets", str(SEED), "--unit", "nowhere")
    assert bad.returncode == 1  # the plan has no such unit: as progress --unit says
    assert bad.stderr.splitlines() == [f"plangen: {SEED}: --unit: unknown unit 'nowhere' "
                                       "(units: zhongxue, shifan, qingmen, huangzhulin, shuitangba)"]


@requires("soffice")
def test_csv_opens_in_libreoffice_calc_with_chinese_intact(tmp_path):
    proc = run("targets", str(SEED), "--format", "csv", text=False)
    path = tmp_path / "targets.csv"
    path.write_bytes(proc.stdout)
    # Calc's import dialog recognises the BOM as UTF-8; headless, the same choice is the
    # filter option 76 (UTF-8), comma-separated, double-quoted
    soffice_convert([path], "html", tmp_path, infilter="CSV:44,34,76,1")
    html = (tmp_path / "targets.html").read_text(encoding="utf-8")
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html)]
    assert cells[0] == "学校"  # the BOM is not read as part of the first cell
    for name in ("黄竹林小学", "水塘坝小学", "新课桌（套）", "档案柜（组）", "250"):
        assert name in cells


def test_same_item_in_two_measures_is_an_error_naming_both_lines():
    text = (SEED.parent.parent / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8")
    text += "      - id: s1.i2\n        text: 再买。\n        targets:\n          - {what: 新课桌, quantity: 1, unit: 张}\n"
    with pytest.raises(PlanError) as info:
        load_plan_text(text, "p.yaml")
    (d,) = info.value.diagnostics
    assert d.line == 25
    assert d.message == "'新课桌' is counted in 张 here but in 套 (first at line 21)"


def test_far_deadline_is_a_warning():
    text = (SEED.parent.parent / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("            unit: 套\n", "            unit: 套\n            deadline: 2030-01-01\n")
    loaded = load_plan_text(text, "p.yaml")
    (w,) = loaded.warnings
    assert w.severity == "warning" and w.line == 22 and "far from the plan's year 2021" in w.message


def test_a_deadline_before_the_plans_year_is_a_warning_even_beside_errors(tmp_path):
    """2026-03-01 in a 2027 plan is most likely a slip; and a warning still shows when the
    same file has errors (a stranger's far-deadline warning vanished beside an error)."""
    text = (SEED.parent.parent / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("            unit: 套\n", "            unit: 套\n            deadline: 2020-12-01\n")
    (w,) = load_plan_text(text, "p.yaml").warnings
    assert w.line == 22 and w.message == "deadline 2020-12-01 is before the plan's year 2021"
    plan = tmp_path / "p.yaml"
    plan.write_text(text.replace("quantity: 50", "quantity: fifty"), encoding="utf-8")
    proc = run("check", str(plan))
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert any("quantity: expected a number" in line for line in lines), lines
    assert any(line.endswith("warning: sections[0].items[0].targets[0].deadline: deadline 2020-12-01 is before the plan's "
                             "year 2021") for line in lines), lines
    assert lines[-1] == "1 error(s) in 1 of 1 file(s)"


def test_units_called_danwei_do_not_share_a_header_with_the_unit_of_measure(tmp_path):
    """unit_noun: 单位 (a water bureau's 下属单位): the measure column says 计量单位, so no table
    has two columns headed 单位."""
    import shutil
    plan = tmp_path / SEED.name
    plan.write_text(SEED.read_text(encoding="utf-8").replace("  language: zh\n", "  language: zh\n  unit_noun: 单位\n", 1),
                    encoding="utf-8")
    shutil.copy(SEED.with_name(SEED.stem + ".progress.yaml"), tmp_path)
    assert "unit_noun: 单位" in plan.read_text(encoding="utf-8")
    proc = run("progress", str(plan))
    assert proc.returncode == 0, proc.stderr
    header = proc.stdout.splitlines()[1].split()
    assert "计量单位" in header and header.count("单位") == 1, header
    default = run("progress", str(SEED)).stdout.splitlines()[1].split()
    assert "单位" in default and "学校" in default and "计量单位" not in default, default
