"""Plan against actual for the seed's 2021 plan: `plangen progress` and `plangen report`
read back, every number checked against values worked out by hand from
plans/2021-logistics.yaml and plans/2021-logistics.progress.yaml.

By hand, at the year-end entry (2021-12-20): 21 targets counted per school; 旗台改造维修 was
dropped, so 20 count; 18 are done; 老教学楼改造维修 at 箐门小学 is in progress (0 of 1 栋);
电脑 at 水塘坝小学 is not started (0 of 1 台). 新课桌: 50+50+50+50+55 = 255 of 5×50 = 250,
102%. 电脑: 4 of 5, 80%. 老教学楼: 2 of 3, 66.7% -> 67%. 档案柜: 4 of 4; spent 1150+1230 = 2380.
At mid-year (2021-06-30): done 大门、门房、舞台、示范小学课桌、中学和示范小学电脑、水塘坝档案柜 = 7;
in progress 围墙 (said so), 课桌 at 中学 30、黄竹林 20、水塘坝 10 = 4; the other 10 not started.
No target has a deadline, so each is due 2021-12-31: at 2022-01-10 the two unfinished ones
are overdue.
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import pytest

from conftest import ENGLISH, PROGRESS, SEED, no_traceback, requires, run


def _json(*args: str) -> dict:
    proc = run("progress", str(SEED), "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _target(data: dict, what: str) -> dict:
    (found,) = [t for t in data["targets"] if t["what"] == what]
    return found


def test_progress_json_at_year_end():
    data = _json()
    assert data["as_of"] == "2021-12-20"  # the latest entry, never the clock
    assert data["summary"] == {"targets": 20, "done": 18, "in-progress": 1, "planned": 1, "dropped": 1, "overdue": 0}
    desks = _target(data, "新课桌")
    assert (desks["planned"], desks["done"], desks["percent"]) == (250, 255, 102)
    assert [(u["name"], u["done"], u["percent"]) for u in desks["units"]] == [
        ("中学", 50, 100), ("示范小学", 50, 100), ("箐门小学", 50, 100), ("黄竹林小学", 50, 100), ("水塘坝小学", 55, 110)]
    assert desks["units"][4]["note"] == "新增一个班，多购5套"
    assert (_target(data, "电脑")["done"], _target(data, "电脑")["percent"]) == (4, 80)
    old = _target(data, "老教学楼改造维修")
    assert (old["planned"], old["done"], old["percent"]) == (3, 2, 67)
    cabinets = _target(data, "档案柜")
    assert [u["spent"] for u in cabinets["units"]] == [1150, 1230]
    assert cabinets["units"][1]["reporter"] == "王芳（黄竹林小学）"
    flag = _target(data, "旗台改造维修")
    assert (flag["planned"], flag["percent"], flag["units"][0]["status"]) == (None, None, "dropped")  # counts nowhere
    assert {k: flag["units"][0][k] for k in ("planned", "done", "percent", "due")} == dict.fromkeys(
        ("planned", "done", "percent", "due"))  # a dropped line has no numbers, as the tables show none
    assert data["items"]["facilities.repairs"]["status"] == "done"


def test_progress_at_mid_year_and_overdue_after_the_year():
    mid = _json("--as-of", "2021-06-30")
    assert mid["summary"] == {"targets": 21, "done": 7, "in-progress": 4, "planned": 10, "dropped": 0, "overdue": 0}
    assert (_target(mid, "新课桌")["done"], _target(mid, "新课桌")["percent"]) == (110, 44)  # 30+50+20+10 of 250
    late = _json("--as-of", "2022-01-10")
    assert late["summary"]["overdue"] == 2
    overdue = [(t["what"], u["name"]) for t in late["targets"] for u in t["units"] if u["overdue"]]
    assert overdue == [("老教学楼改造维修", "箐门小学"), ("电脑", "水塘坝小学")]


def test_progress_csv_and_table():
    proc = run("progress", str(SEED), "--format", "csv", text=False)
    assert proc.returncode == 0
    assert proc.stdout.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(proc.stdout.decode("utf-8-sig"))))
    assert rows[0][:8] == ["item", "what", "unit", "planned", "done", "measure", "percent", "status"]
    by = {(r[1], r[2]): r for r in rows[1:]}
    assert rows[0][10:] == ["budget", "budget_shared", "spent", "note"]
    assert by[("新课桌", "total")][3:7] == ["250", "255", "套", "102"]  # plain digits: 102, not 102%
    assert by[("新课桌", "水塘坝小学")][3:8] == ["50", "55", "套", "110", "done"]
    assert by[("档案柜", "total")][12] == "2380.00"  # plain digits, the currency's decimals
    assert by[("旗台改造维修", "示范小学")][3:10] == ["", "", "项", "", "dropped", "", ""]  # no numbers, no due date
    table = run("progress", str(SEED)).stdout.splitlines()  # for people: the plan's language
    assert table[0] == "截至2021年12月20日，计划目标共20项（按学校计），已完成18项，进行中1项，未开始1项，逾期0项；另有1项已取消。"
    assert table[1].split() == ["事项", "学校", "计划", "完成", "单位", "完成率", "状态", "完成时限", "已支出（元）", "说明"]
    cells = {(r.split()[0], r.split()[1]): r.split() for r in table[2:]}
    assert cells[("新课桌", "合计")][2:6] == ["250", "255", "套", "102%"]
    assert cells[("新课桌", "水塘坝小学")][2:] == ["50", "55", "套", "110%", "已完成", "2021年12月31日", "新增一个班，多购5套"]
    assert cells[("档案柜", "合计")][-1] == "2,380.00"


@pytest.mark.parametrize("args, message", [
    (["--as-of", "2021-13-01"], "plangen: --as-of 2021-13-01: 2021-13-01 is not a date: there is no month 13"),
    (["--as-of", "2021-02-30"], "plangen: --as-of 2021-02-30: 2021-02-30 is not a date: February 2021 has 28 days"),
    (["--as-of", "2021/06/30"], "plangen: --as-of 2021/06/30: expected a date written as YYYY-MM-DD"),
    (["--format", "xml"], "invalid choice: 'xml'"),
])
def test_progress_usage_errors(args, message):
    proc = run("progress", str(SEED), *args)
    no_traceback(proc)
    assert proc.returncode == 2 and message in proc.stderr


def test_a_plan_without_progress_is_a_usage_error(tmp_path):
    plan = tmp_path / "p.yaml"
    shutil.copy(SEED, plan)
    proc = run("progress", str(plan))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"plangen: {tmp_path / 'p.progress.yaml'}: no progress file beside {plan} " \
                                  "(see README: progress files)"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    for suffix in ("pdf", "docx", "html"):
        proc = run("report", str(SEED), "-o", str(out / f"r.{suffix}"))
        assert proc.returncode == 0, proc.stderr
    return out


@requires("pdftotext")
def test_report_pdf_numbers(report):
    text = subprocess.run(["pdftotext", str(report / "r.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "（完成情况）" in flat and "新学期后勤总务2021年工作计划完成情况（截至2021年12月20日）" in flat
    lines = [line.strip() for line in text.splitlines()]  # the plan's title as it is, then what the document is
    assert "完成情况（截至2021年12月20日）" in lines and not any(line.endswith("工作计划完成情况") for line in lines)
    assert "截至2021年12月20日，计划目标共20项（按学校计），已完成18项，进行中1项，未开始1项，逾期0项；另有1项已取消。" in flat
    assert "部门：" in flat and "姓名：" in flat and "日期：" in flat  # the plan's fill-in fields
    assert "Theformulationoftheworkplan" not in flat  # the plan's tagline is not the report's
    assert "（一）进一步加大投入" in flat and "1、积极主动争取" in flat  # numbered like the plan
    assert "完成情况：已完成。黄竹林小学大门、门房、围墙、地皮全部完成" in flat
    layout = subprocess.run(["pdftotext", "-layout", str(report / "r.pdf"), "-"], capture_output=True, text=True,
                            check=True).stdout
    rows = {" ".join(line.split()) for line in layout.splitlines()}  # one table row a line
    # a target named once, on a row across its table (事项（单位）), over its units' rows and its total
    assert "新课桌（套）" in rows and "水塘坝小学 50 55 110% 已完成" in rows and "合计 250 255 102%" in rows
    assert "电脑（台）" in rows and "水塘坝小学 1 0 0% 未开始" in rows and "合计 5 4 80%" in rows
    assert "老教学楼改造维修（栋）" in rows and "合计 3 2 67%" in rows
    assert "合计 4 4 100% 2,380.00" in rows  # no budget column (none given); money spent, in 元
    assert "旗台改造维修（项）" in rows and "示范小学 1 0 0% 已取消" in rows
    # the school x target matrix (done/planned) and its totals
    assert "水塘坝小学 55/50 0/1 2/2" in rows and "合计 已取消 2/3 255/250 4/5 4/4" in rows
    assert "合计 1/1 1/1 1/1 1/1 1/1" in rows
    # what is not done, then what was dropped, with their notes (long cells wrap: compare without breaks)
    # (its rows are read back from the .docx; here: the notes are printed)
    assert "附表：未完成及已取消目标" in flat
    for note in ("资金未到位，顺延至2022年", "采购中，2022年1月到货", "并入2022年操场改造"):
        assert note in flat
    # the chart: vector (no image in the PDF), its CJK labels in the theme's font
    assert "附图：目标完成时间分布" in flat and "12月" in flat
    images = subprocess.run(["pdfimages", "-list", str(report / "r.pdf")], capture_output=True, text=True).stdout
    assert len(images.splitlines()) == 2  # the header lines only
    fonts = subprocess.run(["pdffonts", str(report / "r.pdf")], capture_output=True, text=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts and "DejaVu" not in fonts


def test_report_html_has_the_chart_as_svg(report):
    html = (report / "r.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 1 and 'font-family="Noto Sans CJK SC"' in html
    assert ">12月</text>" in html and ">20</text>" in html and ">18</text>" in html  # 20 due in December, 18 done


def test_report_docx_tables_and_picture(report):
    import docx
    document = docx.Document(str(report / "r.docx"))
    from plangen.outline.breaks import unglued  # held dates, tails and codes carry word joiners
    tables = [[[unglued(c.text) for c in row.cells] for row in t.rows] for t in document.tables]
    purchases = next(t for t in tables if t[1][0] == "新课桌（套）")
    assert purchases[0] == ["学校", "计划", "完成", "完成率", "状态"]
    assert purchases[1] == ["新课桌（套）"] * 5  # one cell across the row (python-docx repeats a merged cell)
    assert purchases[6] == ["水塘坝小学", "50", "55", "110%", "已完成"]
    assert purchases[7] == ["合计", "250", "255", "102%", ""]
    assert purchases[8] == ["电脑（台）"] * 5 and purchases[-1] == ["合计", "5", "4", "80%", ""]
    matrix = next(t for t in tables if t[0][:2] == ["学校", "旗台改造维修（项）"])
    assert matrix[-1] == ["合计", "已取消", "2/3", "255/250", "4/5", "4/4"]
    still_open = next(t for t in tables if t[0] == ["学校", "计划", "完成", "状态", "说明"])
    assert still_open[1:] == [["老教学楼改造维修（栋），完成时限2021年12月31日"] * 5,
                              ["箐门小学", "1", "0", "进行中", "资金未到位，顺延至2022年"],
                              ["电脑（台），完成时限2021年12月31日"] * 5,
                              ["水塘坝小学", "1", "0", "未开始", "采购中，2022年1月到货"],
                              ["旗台改造维修（项），完成时限2021年12月31日"] * 5,
                              ["示范小学", "1", "0", "已取消", "并入2022年操场改造"]]
    texts = [p.text for p in document.paragraphs]
    assert "附图：目标完成时间分布（按完成时限月份，单位：项）" in texts
    assert len(document.inline_shapes) == 1
    assert document.inline_shapes[0].width.pt == pytest.approx(440, abs=1)


def test_report_suffix_must_have_a_renderer(tmp_path):
    proc = run("report", str(SEED), "-o", str(tmp_path / "r.txt"))
    assert proc.returncode == 2 and "must end in .docx, .pdf or .html" in proc.stderr


def test_english_wording_has_every_report_key():
    from plangen.render.theme import load_theme
    w = load_theme().wording("en")
    assert w.status("in-progress") == "in progress" and w.format("report_as_of", date="6/30/2021") == "Progress as of 6/30/2021"


def test_new_does_not_copy_progress(tmp_path):
    shutil.copy(SEED, tmp_path / "2021-logistics.yaml")
    shutil.copy(PROGRESS, tmp_path / "2021-logistics.progress.yaml")
    proc = run("new", "--from", str(tmp_path / "2021-logistics.yaml"), "--year", "2022")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2021-logistics.progress.yaml", "2021-logistics.yaml",
                                                          "2022-logistics.yaml"]


def test_check_validates_the_progress_file_beside_a_plan(tmp_path):
    shutil.copy(SEED, tmp_path / "p.yaml")
    (tmp_path / "p.progress.yaml").write_text("progress: 1\nentries:\n  - date: 2020-06-30\n", encoding="utf-8")
    proc = run("check", str(tmp_path / "p.yaml"))
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == (f"{tmp_path / 'p.progress.yaml'}:3:11: entries[0].date: 2020-06-30 is "
                                           f"outside the plan's year 2021 ({tmp_path / 'p.yaml'}:10:9)")


def test_build_writes_the_report_beside_the_plan(tmp_path):
    proc = run("build", str(SEED), "--format", "html", "--out", str(tmp_path), "-q")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.glob("*.html")) == ["2021-logistics.html", "2021-logistics.report.html"]
    assert "计划目标共20项" in (tmp_path / "2021-logistics.report.html").read_text(encoding="utf-8")


def test_an_english_report_with_budgets_and_an_overdue_target(tmp_path):
    """The English plan: 12 access points for each of 3 schools by 2025-08-15, budget 4800 each.
    At 2025-09-30 North High has 12 (done), Lakeside 6 (overdue), Hillcrest none (overdue)."""
    plan = tmp_path / "it.yaml"
    shutil.copy(ENGLISH, plan)
    (tmp_path / "it.progress.yaml").write_text(
        "progress: 1\nentries:\n  - date: 2025-09-30\n    reporter: IT office\n    targets:\n"
        "      - {target: ap, unit: north-high, done: 12, spent: 4650.50}\n"
        "      - {target: ap, unit: lakeside, done: 6, note: cabling late}\n"
        "    items:\n      - {item: aims.network, status: in-progress, summary: One school of three is on Wi-Fi.}\n",
        encoding="utf-8")
    data = json.loads(run("progress", str(plan), "--format", "json").stdout)
    table = run("progress", str(plan)).stdout.splitlines()
    assert table[0] == ("As of 30 Sep 2025: 8 targets (counted per school): 1 done, 1 in progress, 6 not started, "
                        "2 overdue.")
    assert any(line.split("  ")[0:2] == ["Wi-Fi access points", " Hillcrest Middle School"]
               and "not started (overdue)  15 Aug 2025" in line for line in table)
    ap = _target(data, "Wi-Fi access points")
    assert (ap["planned"], ap["done"], ap["percent"]) == (36, 18, 50)
    assert [u["overdue"] for u in ap["units"]] == [False, True, True]
    assert ap["units"][0]["spent"] == 4650.5 and ap["units"][0]["budget"] == 4800
    proc = run("report", str(plan), "-o", str(tmp_path / "r.html"))
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Progress report" in html and "(Progress report)" not in html  # English: no brackets around the kind
    assert "Progress as of 30 Sep 2025" in html
    assert "Progress: in progress. One school of three is on Wi-Fi." in html
    # status words never wrap (class num: white-space pre), set as words (word); broken only before the bracket
    statuses = re.findall(r'<td class="num word">([^<]*)</td>', html)
    assert "in progress\n(overdue)" in statuses or "in progress (overdue)" in statuses
    assert {s.replace("\n", " ") for s in statuses} >= {"not started (overdue)", "in progress (overdue)", "done"}
    assert '<td class="num">4,650.50</td>' in html and '<td class="num">14,400.00</td>' in html  # USD's decimals, as in the plan; budget 3 × 4800



def test_progress_of_one_unit_by_id_or_name():
    """水塘坝小学 has three targets (新课桌 55 of 50, 电脑 0 of 1, 档案柜 2 of 2 spent 1,150): by hand."""
    from plangen.tools.progress_table import one_unit, progress_json
    from plangen.tools.report import state_at
    data = _json("--unit", "shuitangba")
    assert data["unit"] == {"id": "shuitangba", "name": "水塘坝小学"}
    got = {t["what"]: (t["planned"], t["done"], [u["id"] for u in t["units"]]) for t in data["targets"]}
    assert got == {"新课桌": (50, 55, ["shuitangba"]), "电脑": (1, 0, ["shuitangba"]), "档案柜": (2, 2, ["shuitangba"])}
    assert data["summary"] == {"targets": 3, "done": 2, "in-progress": 0, "planned": 1, "dropped": 0, "overdue": 0}
    loaded, state = state_at(str(SEED), None)
    plan = loaded.plan.plan
    assert json.loads(progress_json(one_unit(state, plan, str(SEED), "水塘坝小学"), plan)) == data  # by its name
    assert json.loads(progress_json(state, plan))["unit"] is None
    table = run("progress", str(SEED), "--unit", "shuitangba", "--as-of", "2021-06-30")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0] == ("水塘坝小学：截至2021年6月30日，计划目标共3项（按学校计），已完成1项，进行中1项，未开始1项，"
                        "逾期0项。")
    assert [line.split()[:4] for line in lines[2:]] == [["新课桌", "水塘坝小学", "50", "10"], ["电脑", "水塘坝小学", "1", "0"],
                                                           ["档案柜", "水塘坝小学", "2", "2"]]  # no "total" rows for one unit


@pytest.mark.parametrize("unit,hint", [
    ("huangzulin", "; did you mean 'huangzhulin'?"),
    ("黄竹小学", "; did you mean '黄竹林小学'?"),
    ("xyz", ""),
])
def test_an_unknown_unit_names_close_ones(unit, hint):
    from plangen.errors import PlangenError
    from plangen.source.load import load_plan
    from plangen.tools.targets_table import unit_id
    with pytest.raises(PlangenError) as info:
        unit_id(load_plan(SEED).plan, "p.yaml", unit)
    assert str(info.value) == f"p.yaml: --unit: unknown unit '{unit}'{hint} (units: zhongxue, shifan, qingmen, huangzhulin, shuitangba)"


@pytest.mark.parametrize("wanted", ["North-High", "NORTH-HIGH", "North High School", "north high school"])
def test_a_unit_is_found_by_its_id_ignoring_case_or_by_its_full_name(wanted):
    """Ids are compared ignoring case (the plan's rule), so --unit is too; a full name too when one unit has it."""
    from plangen.source.load import load_plan
    from plangen.tools.targets_table import unit_id
    assert unit_id(load_plan(ENGLISH).plan, "p.yaml", wanted) == "north-high"


def test_targets_and_progress_take_a_unit_id_in_any_case():
    proc = run("targets", str(ENGLISH), "--unit", "North-High", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert [u["id"] for u in json.loads(proc.stdout)["units"]] == ["north-high"]
    assert _json("--unit", "ShuiTangBa")["unit"] == {"id": "shuitangba", "name": "水塘坝小学"}


def test_a_name_two_units_share_is_not_guessed_between(tmp_path):
    from plangen.errors import PlangenError
    from plangen.source.load import load_plan
    from plangen.tools.targets_table import unit_id
    plan = tmp_path / "p.yaml"
    plan.write_text(ENGLISH.read_text(encoding="utf-8").replace("name: Lakeside Elementary", "name: north high school"),
                    encoding="utf-8")
    with pytest.raises(PlangenError) as info:
        unit_id(load_plan(plan).plan, "p.yaml", "North High school")
    assert str(info.value) == "p.yaml: --unit: 'North High school' names 2 units (north-high, lakeside); give one of their ids"


def test_progress_of_an_unknown_unit_is_one_line_exit_1():
    proc = run("progress", str(SEED), "--unit", "huangzulin")
    no_traceback(proc)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines() == [f"plangen: {SEED}: --unit: unknown unit 'huangzulin'; did you mean 'huangzhulin'? "
                                        "(units: zhongxue, shifan, qingmen, huangzhulin, shuitangba)"]


def _with_statuses(tmp_path, **statuses: str):
    """The seed plan and its progress file, with a status on some targets of the plan."""
    text = SEED.read_text(encoding="utf-8")
    for what, status in statuses.items():
        start = text.index(f"what: {what},")
        end = text.index("}", start)
        text = text[:end] + f", status: {status}" + text[end:]
    plan = tmp_path / "2021-logistics.yaml"
    plan.write_text(text, encoding="utf-8")
    shutil.copy(PROGRESS, tmp_path / PROGRESS.name)
    return plan


def test_check_warns_when_the_plan_says_more_than_the_latest_progress(tmp_path):
    # 老教学楼 at 箐门 is in progress (said so, progress line 34); 电脑 at 水塘坝 is at 0 (line 41, no status);
    # 旗台 dropped in both; 围墙 planned in the plan but done since: the plan behind its record is no news
    plan = _with_statuses(tmp_path, 老教学楼改造维修="done", 电脑="done", 旗台改造维修="dropped", 围墙维修="planned")
    proc = run("check", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "1 plan file(s) OK, 2 warning(s)\n"
    progress = tmp_path / PROGRESS.name
    assert proc.stderr.splitlines() == [
        f"{plan}:65:98: warning: sections[1].items[0].items[1].targets[0].status: the plan says done, but the latest "
        f"progress for 箐门小学 says in-progress ({progress}:34:60, 2021-12-20); reports follow the progress file",
        f"{plan}:70:83: warning: sections[1].items[0].items[2].targets[1].status: the plan says done, but the latest "
        f"progress for 水塘坝小学 says planned (done 0 of 1) ({progress}:41:9, 2021-12-20); reports follow the progress file"]
    data = json.loads(run("progress", str(plan), "--unit", "qingmen", "--format", "json").stdout)
    assert [u["status"] for t in data["targets"] if t["what"] == "老教学楼改造维修" for u in t["units"]] == ["in-progress"]


def test_a_target_dropped_in_the_plan_but_reported_in_progress_is_warned_about(tmp_path):
    """A progress line that says no status takes the plan's dropped; one that says in-progress disagrees."""
    plan = _with_statuses(tmp_path, 老教学楼改造维修="dropped")
    proc = run("check", str(plan))
    assert proc.returncode == 0 and proc.stdout == "1 plan file(s) OK, 1 warning(s)\n", proc.stderr
    assert ("targets[0].status: the plan says dropped, but the latest progress for 箐门小学 says in-progress "
            f"({tmp_path / PROGRESS.name}:34:60, 2021-12-20)") in proc.stderr


def test_a_report_heads_its_money_columns_with_the_plans_currency():
    """The seed sets no currency, so it is the language's (元), as in the plan's own 预算（元）;
    档案柜's completion table has money spent (1,150 and 1,230), printed with 元's decimals."""
    from plangen.outline.report import build_report
    from plangen.render.theme import load_theme
    from plangen.tools.report import state_at
    loaded, state = state_at(str(SEED), None)
    assert loaded.plan.plan.document.currency is None
    outline = build_report(loaded, state, load_theme().wording("zh"))
    (table,) = [b for b in outline.blocks if getattr(b, "header", None) and any("1,230.00" in c for r in b.rows for c in r)]
    assert table.header[-1] == "已支出（元）" and not any("None" in h for h in table.header)
    assert table.rows[-1][-1] == "2,380.00"


def test_a_reports_status_line_stays_with_its_completion_table():
    """The line before each completion table (the item's status line) keeps with it, as a
    plan's introducing paragraph does: no page ends with "进度：已完成。" and its table on the next."""
    from plangen.outline.report import build_report
    from plangen.render.theme import load_theme
    from plangen.tools.report import state_at
    loaded, state = state_at(str(SEED), None)
    blocks = build_report(loaded, state, load_theme().wording("zh")).blocks
    tables = [i for i, b in enumerate(blocks) if getattr(b, "role", "") == "progress"]
    assert len(tables) >= 4
    assert all(blocks[i - 1].keep_next for i in tables), [blocks[i - 1] for i in tables if not blocks[i - 1].keep_next]
    assert {getattr(blocks[i - 1], "role", "") for i in tables} == {"status"}


def test_where_the_record_is_silent_the_plans_done_counts(tmp_path):
    """A target the plan says is done, for a unit the progress file has no line on: done (its
    quantity reached), never 未开始 and overdue against the plan's own word."""
    from plangen.tools.report import state_at
    _, mid = state_at(str(SEED), "2021-06-30")
    silent = [u for u in mid.lines if u.source is None and u.status == "planned"]
    what = silent[0].target.target.what
    plan = _with_statuses(tmp_path, **{what: "done"})
    _, state = state_at(str(plan), "2021-06-30")
    lines = [u for u in state.lines if u.target.target.what == what]
    assert any(u.source is None for u in lines)
    assert all(u.status == "done" and u.done == u.planned and not u.overdue for u in lines if u.source is None)
    assert all(u.status == (u.source.status or u.status) for u in lines if u.source is not None)  # the record wins


def test_a_report_names_units_with_the_plans_noun(tmp_path):
    """unit_noun: 科室 — the report's columns, summary and appendix say 科室, never 学校."""
    text = SEED.read_text(encoding="utf-8").replace("document:\n", "document:\n  unit_noun: 科室\n", 1)
    (tmp_path / SEED.name).write_text(text, encoding="utf-8")
    shutil.copy(PROGRESS, tmp_path / PROGRESS.name)
    from plangen.outline.report import build_report
    from plangen.render.theme import load_theme
    from plangen.tools.report import state_at
    loaded, state = state_at(str(tmp_path / SEED.name), None)
    outline = build_report(loaded, state, load_theme().wording("zh"))
    assert "（按科室计）" in outline.preface[0]
    headers = [h for t in outline.appendix + [b for b in outline.blocks if getattr(b, "header", None)] for h in t.header]
    assert "科室" in headers and "学校" not in headers


def test_a_dropped_target_is_struck_in_the_report_as_in_the_plan():
    """旗台改造维修 (dropped at 示范小学): its completion row is struck (Table.dropped), and money
    cells read — as the plan prints a dropped target's budget."""
    from plangen.outline.report import build_report
    from plangen.render.theme import load_theme
    from plangen.tools.report import state_at
    loaded, state = state_at(str(SEED), None)
    blocks = build_report(loaded, state, load_theme().wording("zh")).blocks
    tables = [b for b in blocks if getattr(b, "role", "") == "progress"]
    (table, at), = [(t, k) for t in tables for k, r in enumerate(t.rows) if r[0] == "旗台改造维修（项）"]
    assert table.is_span(at + 1) and table.is_dropped(at + 1)  # the target's name, struck: dropped everywhere
    rows = [(table, at + 1)]
    assert rows and all(t.is_dropped(k + 1) for t, k in rows)
    assert all(t.rows[k][4] == "已取消" and all(c == "—" for c in t.rows[k][5:]) for t, k in rows)
    others = [(t, k) for t in tables for k, r in enumerate(t.rows) if r[4] == "已完成"]
    assert others and not any(t.is_dropped(k + 1) for t, k in others)


def test_the_progress_table_shows_what_counts_nowhere_as_the_report_does(tmp_path):
    """A dropped line's budget is — (its total leaves it out); a wholly dropped target's total row
    says dropped, with no numbers (not "0 0" and a blank percent)."""
    plan = _with_statuses(tmp_path, 电脑="dropped")
    plan.write_text(plan.read_text(encoding="utf-8").replace("unit: 套, for: all}", "unit: 套, for: all, budget: 100}"),
                    encoding="utf-8")
    progress = tmp_path / PROGRESS.name
    progress.write_text(progress.read_text(encoding="utf-8") + "  - date: 2021-12-21\n    targets:\n"
                        "      - {target: desks, unit: zhongxue, done: 50, status: dropped}\n", encoding="utf-8")
    proc = run("progress", str(plan))
    assert proc.returncode == 0, proc.stderr
    rows = {tuple(line.split()[:2]): line.split()[2:] for line in proc.stdout.splitlines()[2:]}
    assert rows[("新课桌", "中学")] == ["—", "—", "套", "已取消", "—"]  # no numbers, no due date
    assert rows[("新课桌", "示范小学")][-1] == "100.00"
    assert rows[("新课桌", "合计")] == ["200", "205", "套", "103%", "400.00"]
    assert rows[("电脑", "合计")] == ["—", "—", "台", "已取消"]


def test_one_units_summary_reads_as_a_sentence():
    """`progress --unit`'s first line names the unit in the sentence (not "Name: As of …: …")."""
    from plangen.outline.progress import for_unit
    from plangen.outline.report import summary_sentence
    from plangen.render.theme import load_theme
    from plangen.tools.report import state_at
    _loaded, state = state_at(str(SEED), None)
    one = for_unit(state, "shuitangba", "Shuitangba School")
    assert summary_sentence(one, load_theme().wording("en"), "school") == (
        "As of 20 Dec 2021, Shuitangba School has 3 targets: 2 done, 0 in progress, 1 not started, 0 overdue.")
    assert summary_sentence(one, load_theme().wording("zh"), "学校").startswith("Shuitangba School：截至2021年12月20日，")


def test_chart_months_are_named_in_the_plans_language():
    """Under the bars: 1月 … 12月 in Chinese, Jan … Dec in English (not bare 1 … 12)."""
    from plangen.outline.chart import _month
    from plangen.render.theme import load_theme
    theme = load_theme()
    assert [_month(theme.wording("en"), m) for m in (1, 3, 12)] == ["Jan", "Mar", "Dec"]
    assert [_month(theme.wording("zh"), m) for m in (1, 12)] == ["1月", "12月"]


def test_progress_errors_name_close_ids_and_keep_their_warnings():
    """An unknown unit or target gets "did you mean" (a target by its id or its 'what'), and a
    warning found beside the errors (done above plan without a note) is still shown."""
    from plangen.errors import PlanError
    from plangen.source.load import load_plan
    from plangen.source.progress_load import load_progress_text
    text = PROGRESS.read_text(encoding="utf-8")
    for old, new in (("unit: shuitangba, done: 55, note: 新增一个班，多购5套}", "unit: shuitangba, done: 55}"),
                     ("{target: computers, unit: qingmen, done: 1}", "{target: computers, unit: qingmenn, done: 1}"),
                     ("{target: desks, unit: qingmen, done: 50}", "{target: 新课桌x, unit: qingmen, done: 50}")):
        assert old in text, old
        text = text.replace(old, new)
    with pytest.raises(PlanError) as info:
        load_progress_text(text, "p.progress.yaml", load_plan(SEED))
    found = [(d.severity, d.field, d.message.split(" (")[0]) for d in info.value.diagnostics]
    assert ("error", "entries[1].targets[7].target",
            f"unknown target '新课桌x' in {SEED}; did you mean '新课桌'?") in found, found
    assert ("error", "entries[1].targets[10].unit", "unknown unit 'qingmenn' for '电脑'; did you mean 'qingmen'?") in found, found
    assert [f for f in found if f[0] == "warning"] == [
        ("warning", "entries[1].targets[9].done", "done 55 is more than the 50 套 planned")]
    proc_text = "\n".join(str(d) for d in info.value.diagnostics)
    assert "warning: entries[1].targets[9].done" in proc_text


def test_as_of_before_the_plans_year_is_warned_about():
    proc = run("progress", str(SEED), "--as-of", "2020-12-31", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        f"{SEED}:10:9: warning: document.year: --as-of 2020-12-31 is before the plan's year 2021: no progress is "
        "reported by then, only what the plan itself says is done counts"]
    assert run("progress", str(SEED), "--as-of", "2021-01-01", "--format", "json").stderr == ""
