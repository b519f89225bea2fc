"""Exact numbers, statuses that count, units named as what they are, budgets as offices
write them (issue 20).

Every expected number is computed here from the YAML text with Decimal (a YAML reader of
this test's own, not plangen's), then looked for in every output: PDF, .docx, HTML, CSV
and JSON. A regex over all outputs finds no binary-float artefact."""
from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import PLANS, ROOT, no_traceback, pdftotext, requires, run, squash
from plangen.errors import PlanError
from plangen.outline import numbers
from plangen.source.load import load_plan_text

HOSPITAL = ROOT / "tests" / "data" / "hospital.yaml"
# a binary float's noise: a run of 0s or 9s ending in a digit, after a decimal point
ARTEFACT = re.compile(r"\d\.\d*(?:0{5,}[1-9]|9{5,}\d)|\d[eE][-+]\d")


class _DecimalLoader(yaml.SafeLoader):
    """The test's own reading of the YAML text: floats as Decimal from their text."""


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: Decimal(node.value))


def read(text: str) -> dict:
    return yaml.load(text, Loader=_DecimalLoader)


def units_of(target: dict, data: dict) -> list[str]:
    """The test's own expansion of for: (all, ids, groups, all_except)."""
    ids, groups = [u["id"] for u in data.get("units", [])], data.get("groups", {})
    whom = target.get("for", "all")
    if whom == "all":
        return ids
    if isinstance(whom, dict):
        out = {u for n in whom["all_except"] for u in groups.get(n, [n])}
        return [u for u in ids if u not in out]
    return [u for n in ([whom] if isinstance(whom, str) else whom) for u in groups.get(n, [n])]


def targets_of(data: dict):
    def walk(items):
        for item in items or []:
            yield from item.get("targets", [])
            yield from walk(item.get("items"))
    yield from walk(data["sections"])


def expected(data: dict) -> dict:
    """Totals by item, budget by unit, the shared budget and the grand total, as Decimals;
    dropped targets count nowhere."""
    totals, budgets, shared = {}, {}, Decimal(0)
    for t in targets_of(data):
        if t.get("status") == "dropped":
            continue
        units = units_of(t, data)
        q = Decimal(str(t["quantity"])) if isinstance(t["quantity"], int) else t["quantity"]
        totals[t["what"]] = totals.get(t["what"], Decimal(0)) + q * len(units)
        for u in units:
            if "budget" in t:
                budgets[u] = budgets.get(u, Decimal(0)) + Decimal(str(t["budget"]))
        if "budget_total" in t:
            shared += Decimal(str(t["budget_total"]))
    return {"totals": totals, "budgets": budgets, "shared": shared,
            "budget_total": sum(budgets.values(), Decimal(0)) + shared}


def test_hospital_expectations_are_what_an_office_would_sign():
    e = expected(read(HOSPITAL.read_text(encoding="utf-8")))
    assert e["totals"] == {"护理床": Decimal(18), "输液泵": Decimal(10), "污物电梯改造": Decimal(3), "导向标识": Decimal(2)}
    assert e["budgets"]["jizhen"] == Decimal("0.37") and e["shared"] == Decimal("12.5")
    assert e["budget_total"] == Decimal("15.87")  # float: 15.870000000000001
    assert 0.63 * 3 + 0.3 * 4 + 0.07 * 4 + 12.5 != 15.87  # the noise this issue is about


@pytest.mark.parametrize("value,currency,language,shown", [
    ("12500", "元", "zh", "12,500.00"), ("1.26", "万元", "zh", "1.26"), ("0.5", "", "en", "0.5"),
    ("1234567.5", "USD", "en", "1,234,567.50"), ("1E+3", "元", "zh", "1,000.00"), ("7", "JPY", "en", "7"),
])
def test_money_is_printed_with_the_currency_decimals(value, currency, language, shown):
    assert numbers.money(Decimal(value), currency, language) == shown


def test_quantities_are_printed_as_written():
    assert [numbers.quantity(Decimal(v)) for v in ("0.5", "2.50", "1200", "1.5E+2")] == ["0.5", "2.50", "1,200", "150"]
    assert numbers.to_json({"a": Decimal("244.745"), "b": [Decimal("0.1")]}) == '{"a": 244.745, "b": [0.1]}'


# ---- every output of a plan --------------------------------------------------------------

def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    from plangen.outline.breaks import unglued  # held tails, dates and codes carry word joiners
    return unglued(re.sub(r"<[^>]+>", " ", xml.replace("</w:tc>", " | ")))


def _html_text(path: Path) -> str:
    text = re.sub(r"<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"<[^>]+>", "|", text)


def outputs_text(folder: Path, stem: str, plan: Path) -> dict[str, str]:
    """The text of every output a person or program reads, by format."""
    texts = {"docx": _docx_text(folder / f"{stem}.docx"), "html": _html_text(folder / f"{stem}.html")}
    if (folder / f"{stem}.pdf").exists():
        texts["pdf"] = pdftotext(folder / f"{stem}.pdf", "-layout")  # rows as they stand on the page
    texts["csv"] = run("targets", str(plan), "--format", "csv").stdout
    texts["json"] = run("targets", str(plan), "--format", "json").stdout
    texts["table"] = run("targets", str(plan)).stdout
    return texts


def assert_no_artefact(texts: dict[str, str]) -> None:
    for fmt, text in texts.items():
        found = ARTEFACT.findall(text)
        assert not found, (fmt, found[:5])


def assert_numbers(plan: Path, texts: dict[str, str], data: dict) -> None:
    """Every total and budget of the plan, as the test computes it, in every output."""
    e = expected(data)
    currency = data["document"].get("currency", {"zh": "元", "en": ""}[data["document"].get("language", "zh")])
    lang = data["document"].get("language", "zh")
    js = json.loads(texts["json"], parse_float=Decimal)
    assert {c["what"]: Decimal(str(c["total"])) for c in js["columns"]} == e["totals"]
    rows = list(csv.reader(io.StringIO(texts["csv"].lstrip("\ufeff"))))
    total_row = next((r for r in rows if r[0] in ("合计", "Total")), rows[-1])  # deadline/owner/status rows follow it
    if len(data.get("units", [])) > 1:
        for what, total in e["totals"].items():
            col = next(i for i, h in enumerate(rows[0]) if h.startswith(what))
            assert Decimal(total_row[col]) == total, what
    if e["budgets"] or e["shared"]:
        assert Decimal(str(js["budget_total"])) == e["budget_total"]
        assert Decimal(total_row[-1]) == e["budget_total"]
        amounts = [Decimal(str(t[k])) for t in targets_of(data) for k in ("budget", "budget_total") if k in t]
        written = numbers.written_places(amounts)
        shown = numbers.money(e["budget_total"], currency, lang, written)
        for fmt in ("docx", "html", "pdf", "table"):
            if fmt in texts:
                assert shown in texts[fmt].replace(" ", "").replace("\n", "") or shown in texts[fmt], (fmt, shown)
    else:
        assert js["budget_total"] is None
    for what, total in e["totals"].items():
        for fmt in ("docx", "html", "pdf"):
            if fmt in texts:
                assert numbers.quantity(total, lang) in texts[fmt], (fmt, what, total)


@pytest.fixture(scope="module")
def hospital_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hospital")
    proc = run("build", str(HOSPITAL), "--format", "docx,pdf,html", "--per-unit", "--out", str(out), "-q", timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


@requires("pdftotext")
def test_hospital_plan_numbers_in_every_format(hospital_out):
    texts = outputs_text(hospital_out, "hospital", HOSPITAL)
    assert_no_artefact(texts)
    assert_numbers(HOSPITAL, texts, read(HOSPITAL.read_text(encoding="utf-8")))
    for fmt in ("docx", "html", "pdf"):
        flat = squash(texts[fmt])
        assert "15.87" in flat and "12.5" in flat, fmt  # the grand total and the lump sum
        # the dropped carts: shown with their status, in no total and no budget
        assert "护理推车120套急诊科——已取消" in flat.replace("|", ""), fmt
        cells = re.split(r"[\s|]+", texts[fmt])
        assert cells.count("120") == 1 and "0.15" not in cells and "0.52" not in cells, fmt


@requires("pdftotext")
def test_hospital_plan_wording_follows_the_unit_noun(hospital_out):
    texts = outputs_text(hospital_out, "hospital", HOSPITAL)
    for fmt in ("docx", "html", "pdf"):
        flat = squash(texts[fmt]).replace("|", "")
        assert "各科室" in flat and "各学校" not in flat and "各校" not in flat, fmt
        assert "已取消" in flat and "已完成" in flat and "进行中" in flat, fmt  # statuses shown
        assert "共同预算（不分科室）" in flat, fmt
        assert "学校" not in flat, fmt
    assert texts["table"].startswith("科室") and "已取消的目标（1项）不计入。" in texts["table"]
    assert json.loads(texts["json"])["unit_noun"] == "科室"


@requires("pdftotext")
def test_hospital_per_unit_documents_leave_dropped_targets_out(hospital_out):
    folder = hospital_out / "hospital"
    texts = {"docx": _docx_text(folder / "jizhen.docx"), "html": _html_text(folder / "jizhen.html"),
             "pdf": pdftotext(folder / "jizhen.pdf")}
    assert_no_artefact(texts)
    for fmt, text in texts.items():
        flat = squash(text).replace("|", "")
        assert "分送：各科室（本件送急诊科）" in flat, fmt  # the plan's unit noun
        assert "护理推车" in flat and "已取消" in flat, fmt  # shown as dropped
        cells = re.split(r"[\s|]+", text)
        assert "0.37" in cells and "0.52" not in cells, fmt  # 0.3 + 0.07: the carts' 0.15 is not counted
    erke = squash(_html_text(folder / "erke.html"))
    assert "12.50（共同）" in erke  # a whole target's budget in one ward's document


@requires("pdftotext")
def test_a_units_document_shows_its_own_budget_and_the_shared_one_apart(hospital_out):
    """儿科病区 has 1.00 万元 of its own (0.63 + 0.30 + 0.07) and takes part in the lift's 12.50
    for the whole hospital: its appendix shows 1.00 as its budget and 12.50 on a line of its
    own, worded as shared and not in its budget; never 13.50 (its own plus everyone's lift), and
    no total column beside its one column. The same in every format and in `targets --unit`."""
    folder = hospital_out / "hospital"
    texts = {"docx": _docx_text(folder / "erke.docx"), "html": _html_text(folder / "erke.html"),
             "pdf": pdftotext(folder / "erke.pdf")}
    for fmt, text in texts.items():
        flat = squash(text).replace("|", "")
        appendix = flat[flat.index("附表：目标汇总表"):]
        assert appendix.startswith("附表：目标汇总表事项单位儿科病区护理床张6"), (fmt, appendix)  # no 合计 column
        assert "预算（万元）1.00共同预算（与其他科室共同承担，不计入本科室预算）12.50" in appendix, (fmt, appendix)
        assert "13.50" not in flat and "合计" not in appendix, fmt
    one = json.loads(run("targets", str(HOSPITAL), "--unit", "erke", "--format", "json").stdout)
    assert (one["units"][0]["budget"], one["budget_shared"], one["budget_total"]) == (1.0, 12.5, 1.0)
    table = run("targets", str(HOSPITAL), "--unit", "儿科病区").stdout.splitlines()
    assert [line.split()[-1] for line in table[2:5:2]] == ["1.00", "12.50"] and len(table) == 6, table
    whole = json.loads(run("targets", str(HOSPITAL), "--format", "json").stdout)
    assert whole["budget_total"] == 15.87  # the plan's own total still adds the shared budgets


@requires("pdftotext")
def test_example_plans_numbers_in_every_format(built):
    for plan in PLANS:
        texts = outputs_text(built, plan.stem, plan)
        assert_no_artefact(texts)
        assert_numbers(plan, texts, read(plan.read_text(encoding="utf-8")))


# ---- a generated corpus ----------------------------------------------------------------

def _generated(seed: int) -> str:
    rnd = random.Random(seed)
    n = rnd.randint(2, 6)
    lines = ["plangen: 1", "document:", f"  number: G-{seed}", "  title: 生成的计划", "  year: 2026",
             "  organization: 测试", f"  currency: {rnd.choice(['元', '万元'])}", "units:"]
    lines += [f"  - {{id: u{i}, name: 单位{i}}}" for i in range(n)]
    lines += ["groups:", f"  g: [{', '.join(f'u{i}' for i in range(0, n, 2))}]", "sections:", "  - title: 目标", "    targets:"]
    for k in range(rnd.randint(1, 8)):
        money = f"{rnd.randint(0, 99999)}.{rnd.randint(0, 99):02d}"
        qty = rnd.choice([str(rnd.randint(1, 500)), f"{rnd.randint(0, 50)}.{rnd.randint(1, 9)}"])
        whom = rnd.choice(["all", "g", "[u0, u1]", "{all_except: [u0]}"])
        budget = rnd.choice([f"budget: {money}", f"budget_total: {money}", ""])
        status = rnd.choice(["", "", "status: dropped", "status: done"])
        extra = ", ".join(x for x in (budget, status) if x)
        lines.append(f"      - {{what: 物品{k}, quantity: {qty}, unit: 件, for: {whom}{', ' + extra if extra else ''}}}")
    return "\n".join(lines) + "\n"


GENERATED = int(__import__("os").environ.get("PLANGEN_MONEY_CORPUS", "12"))


def test_generated_plans_have_exact_totals_in_every_format(tmp_path):
    from plangen.outline.outline import build_outline
    from plangen.render import renderer
    from plangen.render.theme import load_theme
    from plangen.tools.targets_table import targets_csv, targets_json
    theme = load_theme()
    for seed in range(GENERATED):
        text = _generated(seed)
        plan = load_plan_text(text, f"g{seed}.yaml").plan
        outline = build_outline(plan, theme.wording("zh"))
        (tmp_path / "g.html").write_bytes(renderer("html").render(outline, theme, None))
        (tmp_path / "g.docx").write_bytes(renderer("docx").render(outline, theme, None))
        (tmp_path / "g.yaml").write_text(text, encoding="utf-8")
        texts = {"html": _html_text(tmp_path / "g.html"), "docx": _docx_text(tmp_path / "g.docx"),
                 "csv": targets_csv(plan).decode("utf-8-sig"), "json": targets_json(plan)}
        assert_no_artefact(texts)
        assert_numbers(tmp_path / "g.yaml", texts, read(text))


# ---- broken plans: located errors ----------------------------------------------------------

HOSPITAL_TEXT = HOSPITAL.read_text(encoding="utf-8")
P = "sections[0].items[0].targets"


@pytest.mark.parametrize("old,new,message", [
    ("for: wards, budget: 0.63", "for: ward, budget: 0.63",
     f"h.yaml:30:62: {P}[0].for: unknown unit or group 'ward'; did you mean 'wards'? (units: neike, waike, erke, jizhen; groups: wards)"),
    ("wards: [neike, waike, erke]", "wards: [neike, waike, neike]",
     "h.yaml:20:25: groups.wards[2]: unit 'neike' is in group 'wards' twice (first at line 20)"),
    ("wards: [neike, waike, erke]", "wards: [neike, waike, icu]",
     "h.yaml:20:25: groups.wards[2]: unknown unit 'icu' in group 'wards' (units: neike, waike, erke, jizhen)"),
    ("for: [wards, jizhen]", "for: [wards, erke]",
     "h.yaml:37:74: sections[0].items[1].targets[1].for[1]: unit 'erke' is named twice (in group 'wards' and directly)"),
    ("budget: 0.63", "budget: -0.63", f"h.yaml:30:77: {P}[0].budget: must be >= 0 (found: -0.63)"),
    ("budget: 0.63", "budget: 0.6300001", f"h.yaml:30:77: {P}[0].budget: at most 6 decimals (found: 0.6300001)"),
    ("currency: 万元", "currency: 元", None),
    ("budget_total: 12.5", "budget_total: 12.5, budget: 1",
     "h.yaml:36:13: sections[0].items[1].targets[0]: give budget (per unit) or budget_total (the whole target), not both"),
    ("all_except: [jizhen]", "all_except: [neike, waike, erke, jizhen]",
     "h.yaml:36:78: sections[0].items[1].targets[0].for.all_except: all_except leaves no unit"),
    ("budget: 0.07", "budget: 1e13", "h.yaml:37:91: sections[0].items[1].targets[1].budget: must be at most 1 000 000 000 000 (10^12) (found: 1e13)"),
])
def test_broken_variants_get_located_errors(old, new, message):
    assert old in HOSPITAL_TEXT
    if message is None:  # 0.63 is fine in 元 too
        load_plan_text(HOSPITAL_TEXT.replace(old, new, 1), "h.yaml")
        return
    with pytest.raises(PlanError) as info:
        load_plan_text(HOSPITAL_TEXT.replace(old, new, 1), "h.yaml")
    assert message in [str(d) for d in info.value.diagnostics], [str(d) for d in info.value.diagnostics]


def test_too_precise_yuan_is_an_error_from_check(tmp_path):
    plan = tmp_path / "p.yaml"
    plan.write_text(HOSPITAL_TEXT.replace("currency: 万元", "currency: 元").replace("budget: 0.63", "budget: 0.635"),
                    encoding="utf-8")
    proc = run("check", str(plan))
    no_traceback(proc)
    assert proc.returncode == 1
    assert f"{plan}:30:77: {P}[0].budget: at most 2 decimals for 元 (found: 0.635)" in proc.stderr.splitlines()


# ---- stable shapes ----------------------------------------------------------------------

KEYS = {"plan", "language", "unit_noun", "currency", "columns", "units", "budget_shared", "budget_total",
        "dropped_targets"}


def test_targets_json_has_the_same_keys_for_every_plan():
    for plan in PLANS + [HOSPITAL]:
        data = json.loads(run("targets", str(plan), "--format", "json").stdout)
        assert set(data) == KEYS, plan
        for unit in data["units"]:
            assert set(unit) == {"id", "name", "quantities", "budget"}
            assert set(unit["quantities"]) == {c["what"] for c in data["columns"]}
    seed = json.loads(run("targets", str(PLANS[0]), "--format", "json").stdout)
    assert seed["budget_total"] is None and seed["units"][0]["budget"] is None  # no budgets: null, not absent


def test_a_plan_without_targets_says_so_in_one_line(tmp_path):
    plan = tmp_path / "p.yaml"
    plan.write_text("plangen: 1\ndocument: {number: N, title: T, year: 2026, organization: O}\n"
                    "sections:\n  - title: 目标\n", encoding="utf-8")
    proc = run("targets", str(plan))
    assert proc.returncode == 0 and proc.stdout == "本计划没有目标。\n"
    data = json.loads(run("targets", str(plan), "--format", "json").stdout)
    assert set(data) == KEYS and data["columns"] == [] and data["budget_total"] is None


def test_english_currency_defaults_to_none(tmp_path):
    text = (ROOT / "plans" / "2025-it-services.yaml").read_text(encoding="utf-8").replace("  currency: USD\n", "")
    plan = tmp_path / "en.yaml"
    plan.write_text(text, encoding="utf-8")
    data = json.loads(run("targets", str(plan), "--format", "json").stdout)
    assert data["currency"] is None
    table = run("targets", str(plan)).stdout
    assert table.splitlines()[0].startswith("School") and table.splitlines()[0].rstrip().endswith("Budget")
    assert "元" not in table and "55,200" in table and "55,200.00" not in table


# ---- builds -------------------------------------------------------------------------------

def test_per_unit_toggle_rebuilds_nothing_else_and_reports_stale_outputs(tmp_path):
    plan = tmp_path / "hospital.yaml"
    shutil.copy(HOSPITAL, plan)
    out = tmp_path / "out"
    first = run("build", str(plan), "--format", "docx", "--per-unit", "--out", str(out))
    assert first.returncode == 0, first.stderr
    main = out / "hospital.docx"
    stamp = main.stat().st_mtime_ns
    plain = run("build", str(plan), "--format", "docx", "--out", str(out))
    assert plain.returncode == 0, plain.stderr
    assert main.stat().st_mtime_ns == stamp  # not rebuilt
    assert "0 file(s) written" in plain.stderr
    assert "4 stale per-unit output(s) from an earlier build (--prune removes them): hospital/erke.docx" in plain.stderr
    again = run("build", str(plan), "--format", "docx", "--per-unit", "--out", str(out))
    assert "0 file(s) written" in again.stderr and main.stat().st_mtime_ns == stamp
    pruned = run("build", str(plan), "--format", "docx", "--out", str(out), "--prune")
    assert "4 stale per-unit output(s) removed" in pruned.stderr
    assert not list((out / "hospital").glob("*.docx")) and main.exists()


def test_diff_leaves_dropped_targets_out_and_names_units(tmp_path):
    new = tmp_path / "new.yaml"
    new.write_text(HOSPITAL_TEXT.replace("budget: 0.63, status: in-progress", "budget: 0.63, status: dropped")
                   .replace("  - {id: jizhen, name: 急诊科}\n", "  - {id: jizhen, name: 急诊科}\n  - {id: icu, name: 重症监护室}\n"),
                   encoding="utf-8")
    data = json.loads(run("diff", str(HOSPITAL), str(new), "--format", "json").stdout, parse_float=Decimal)
    assert {"what": "护理床", "old": 18, "new": None, "measure": "张"} in data["totals"]  # dropped: counts nowhere
    old_total, new_total = expected(read(HOSPITAL_TEXT))["budget_total"], expected(read(new.read_text("utf-8")))["budget_total"]
    assert new_total == Decimal("14.28")  # 15.87 − 3 × 0.63 (dropped) + 0.3 (the new unit's pump)
    assert (data["budget_total"]["old"], data["budget_total"]["new"]) == (old_total, new_total)
    text = run("diff", str(HOSPITAL), str(new), "--color", "never").stdout
    assert "\n科室\n" in text and "预算 · 合计：15.87 → 14.28 万元" in text  # the units' heading is the unit noun
    assert_no_artefact({"diff": text})


def test_schema_bounds_decimals_and_magnitude():
    """The schema's multipleOf, applied exactly (as yaml-language-server does, on the numbers'
    decimal text; Python's jsonschema divides binary floats and refuses 0.07)."""
    import jsonschema

    from plangen.source.schema import plan_schema

    def exact_multiple(validator, step, instance, schema):
        if validator.is_type(instance, "number") and Decimal(str(instance)) % Decimal(str(step)) != 0:
            yield jsonschema.ValidationError(f"{instance} is not a multiple of {step}")
    Exact = jsonschema.validators.extend(jsonschema.Draft7Validator, {"multipleOf": exact_multiple})
    target = plan_schema()["definitions"]["Target"]["properties"]
    for key in ("quantity", "budget", "budget_total"):
        number = target[key] if "anyOf" not in target[key] else next(s for s in target[key]["anyOf"] if s.get("type") == "number")
        assert (number["minimum"], number["maximum"], number["multipleOf"]) == (0, 10 ** 12, 1e-06), key
        v = Exact(number)
        assert all(v.is_valid(x) for x in (0, 50, 0.63, 0.07, 244.745, 999999.999999, 10 ** 12)), key
        assert not any(v.is_valid(x) for x in (-0.5, 0.1234567, 10 ** 12 + 1)), key


def test_a_split_appendix_shows_the_shared_budget_row_only_beside_the_budget_column():
    """30 科室 × 12 items: the appendix is cut by columns; 共同预算（不分科室） has a value only in
    the budget column, so it is a row of the last table only, not an empty row in every part."""
    from plangen.outline.outline import build_outline
    from plangen.render.theme import load_theme
    from plangen.source.load import load_plan_text
    units = "".join(f"  - {{id: k{i}, name: 第{i}号综合门诊医技科室}}\n" for i in range(30))
    targets = "".join(f"          - {{what: 设备名称很长的第{i}类医疗设备, quantity: {i + 1}, unit: 台, budget: 0.5}}\n"
                      for i in range(12))
    text = ("plangen: 1\ndocument:\n  number: A-1\n  title: 计划\n  year: 2026\n  organization: 医院\n"
            "  currency: 万元\n  unit_noun: 科室\nunits:\n" + units +
            "sections:\n  - title: 目标\n    items:\n      - title: 设备\n        targets:\n" + targets +
            "          - {what: 电梯改造, quantity: 1, unit: 项, budget_total: 12.5}\n")
    plan = load_plan_text(text, "p.yaml").plan
    tables = build_outline(plan, load_theme().wording("zh")).appendix
    assert len(tables) >= 2
    shared = [[row for row in t.rows if row[0] == "共同预算（不分科室）"] for t in tables]
    assert all(not rows for rows in shared[:-1]), shared
    assert shared[-1] and shared[-1][0][-1] == "12.5"  # as the plan writes its amounts


def test_one_finely_written_amount_does_not_set_every_amount_to_its_decimals():
    """万元: 0.3125 prints whole, and 42.5 beside it prints 42.50, not 42.5000 (a stranger's
    plan printed every amount of every document with four decimals)."""
    p = numbers.Printer("万元", "zh", numbers.written_places([Decimal("42.5"), Decimal("0.3125"), Decimal("64.25")]))
    assert [p.money(Decimal(x)) for x in ("42.5", "0.3125", "64.25", "487.7725", "3")] == \
        ["42.50", "0.3125", "64.25", "487.7725", "3.00"]
    assert numbers.written_places([Decimal("1.5"), Decimal("2")]) == 1  # as written, when fewer than the cap
