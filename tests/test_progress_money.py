"""Money, dropped lines and notes in `plangen progress`, `plangen report` and the diff of
progress files, on a small plan written here: a whole-target budget (budget_total) appears
where its money spent does and in its target's total, exact, as `plangen targets` decides it
(outline.targets.target_budget), and as shared in a unit's line; a dropped line shows no
numbers; CSV percentages are digits; the report keeps a done line's note and says dropped
for an item whose only target was dropped; the diff shows a changed `spent`."""
from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest

PLAN = """\
plangen: 1
document:
  number: EST-2027-01
  kind: Work plan
  title: Estates Plan 2027
  year: 2027
  language: en
  date: 2027-01-10
  currency: GBP
  organization: Estates and Facilities
units:
  - {id: w7, name: Ward 7}
  - {id: w8, name: Ward 8}
  - {id: lab, name: Laboratory}
sections:
  - id: goals
    title: Goals
    kind: goals
    items:
      - id: goals.water
        title: Safe water
        text: Remove dead legs and fit filters.
        targets:
          - {id: deadleg, what: Dead leg removal, quantity: 1, unit: programme, for: [w7, w8], budget_total: 38250.10}
          - {id: filters, what: Filters, quantity: 2.5, unit: boxes, for: all, budget: 0.10}
      - id: goals.doors
        title: Fire doors
        text: Replace the fire doors of Ward 7.
        targets:
          - {id: doors, what: Fire doors, quantity: 12, unit: doorsets, for: w7, budget_total: 14400.20}
      - id: goals.survey
        title: Survey
        text: Survey the fire alarm's cause and effect.
        targets:
          - {id: ae, what: AE sign-off, quantity: 1, unit: report, for: lab, budget: 2750.75, deadline: 2027-05-31}
"""

PROGRESS = """\
progress: 1
entries:
  - date: 2027-06-30
    targets:
      - {target: deadleg, unit: w7, done: 1, spent: 6375.05}
      - {target: doors, done: 14, spent: 16900.00, note: Two extra doorsets found defective}
      - {target: filters, unit: lab, done: 1.25, spent: 0.20}
      - {target: ae, done: 0, status: dropped, note: Superseded by the framework contract}
"""


@pytest.fixture()
def plan(tmp_path):
    path = tmp_path / "plans" / "2027-estates.yaml"
    path.parent.mkdir()
    path.write_text(PLAN, encoding="utf-8")
    path.with_name("2027-estates.progress.yaml").write_text(PROGRESS, encoding="utf-8")
    return path


def _state(plan, unit=None):
    from plangen.tools.progress_table import one_unit
    from plangen.tools.report import state_at
    loaded, state = state_at(str(plan), None)
    return loaded, (one_unit(state, loaded.plan.plan, str(plan), unit) if unit else state)


def _table(plan, unit=None) -> dict[tuple[str, str], list[str]]:
    """`plangen progress`'s rows for people, by (what, unit): cells split at two spaces."""
    from plangen.tools.progress_table import progress_table
    loaded, state = _state(plan, unit)
    lines = progress_table(state, loaded.plan.plan).splitlines()[2:]
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines]
    return {(r[0], r[1]): r[2:] for r in rows}


def test_whole_target_budget_in_the_progress_table(plan):
    rows = _table(plan)
    # its units' lines: the whole budget, as shared; its total: the whole budget, beside the money spent
    assert rows[("Dead leg removal", "Ward 7")] == ["1", "1", "programme", "100%", "done", "31 Dec 2027",
                                                    "38,250.10 (shared)", "6,375.05"]
    assert rows[("Dead leg removal", "Total")] == ["2", "1", "programme", "50%", "38,250.10", "6,375.05"]
    # a target for one unit: its row is the target's, its whole budget plain
    assert rows[("Fire doors", "Ward 7")][6:] == ["14,400.20", "16,900.00", "Two extra doorsets found defective"]
    # per-unit budgets summed exactly: 3 × 0.10 (a float sum would be 0.30000000000000004)
    assert rows[("Filters", "Total")] == ["7.5", "1.25", "boxes", "17%", "0.30", "0.20"]
    # a dropped line: no planned, done, percent or due date; its money —
    assert rows[("AE sign-off", "Laboratory")] == ["—", "—", "report", "dropped", "—",
                                                   "Superseded by the framework contract"]


def test_a_units_view_shows_a_shared_budget_as_shared_never_as_its_own(plan):
    rows = _table(plan, "w7")
    assert rows[("Dead leg removal", "Ward 7")][6:] == ["38,250.10 (shared)", "6,375.05"]
    assert rows[("Fire doors", "Ward 7")][6] == "14,400.20 (shared)"
    assert rows[("Filters", "Ward 7")][6] == "0.10"  # its own budget
    assert not any(k[1] == "Total" for k in rows)


def test_progress_csv_digits_shared_budgets_and_dropped_lines(plan):
    from plangen.tools.progress_table import progress_csv
    loaded, state = _state(plan)
    text = progress_csv(state, loaded.plan.plan).decode("utf-8-sig")
    assert "%" not in text  # percent as plain digits, as every other number
    rows = list(csv.DictReader(io.StringIO(text)))
    by = {(r["what"], r["unit"]): r for r in rows}
    total = by[("Dead leg removal", "total")]
    assert (total["percent"], total["budget"], total["budget_shared"], total["spent"]) == ("50", "38250.10", "38250.10",
                                                                                         "6375.05")
    ward = by[("Dead leg removal", "Ward 7")]
    assert (ward["percent"], ward["budget"], ward["budget_shared"]) == ("100", "", "38250.10")  # not the unit's own
    assert (by[("Filters", "total")]["budget"], by[("Filters", "Laboratory")]["budget"]) == ("0.30", "0.10")
    dropped = by[("AE sign-off", "Laboratory")]
    assert [dropped[k] for k in ("planned", "done", "percent", "status", "due", "budget", "spent")] == [
        "", "", "", "dropped", "", "", ""]


def test_progress_json_exact_budgets_and_no_numbers_for_dropped(plan):
    from plangen.tools.progress_table import progress_json
    loaded, state = _state(plan)
    text = progress_json(state, loaded.plan.plan)
    data = json.loads(text, parse_float=Decimal)
    by = {t["what"]: t for t in data["targets"]}
    dead = by["Dead leg removal"]
    assert (dead["budget"], dead["budget_shared"], dead["spent"]) == (Decimal("38250.10"), Decimal("38250.10"),
                                                                      Decimal("6375.05"))
    assert [(u["budget"], u["budget_shared"]) for u in dead["units"]] == [(None, Decimal("38250.10"))] * 2
    assert by["Filters"]["budget"] == Decimal("0.30") and '"budget": 0.30,' in text  # exact, never through float
    _loaded, ward = _state(plan, "w7")  # a unit's view: a shared budget stated apart, never its own
    mine = {t["what"]: t for t in json.loads(progress_json(ward, loaded.plan.plan), parse_float=Decimal)["targets"]}
    assert (mine["Dead leg removal"]["budget"], mine["Dead leg removal"]["budget_shared"]) == (None, Decimal("38250.10"))
    assert (mine["Filters"]["budget"], mine["Filters"]["budget_shared"]) == (Decimal("0.10"), None)
    ae = by["AE sign-off"]
    assert (ae["planned"], ae["done"], ae["percent"], ae["budget"]) == (None, None, None, None)
    assert {k: ae["units"][0][k] for k in ("planned", "done", "percent", "due", "budget", "status")} == {
        "planned": None, "done": None, "percent": None, "due": None, "budget": None, "status": "dropped"}


def _by_target(table) -> dict:
    """A report table's rows by (target, unit): a target is named on a row across the table
    ("Dead leg removal (programme)", in the list of open targets with ", due …") over its rows."""
    rows, what = {}, None
    for k, r in enumerate(table.rows, 1):
        if table.is_span(k):
            what = r[0].split(", due ")[0].rsplit(" (", 1)[0]
        else:
            rows[(what, r[0])] = r
    return rows


def test_report_budgets_notes_and_a_wholly_dropped_item(plan):
    from plangen.outline.report import build_report
    from plangen.render.theme import load_theme
    loaded, state = _state(plan)
    outline = build_report(loaded, state, load_theme().wording("en"))
    tables = {b.loc[-1]: b for b in outline.blocks if getattr(b, "role", "") == "progress"}
    water = tables[0]  # goals.water
    assert water.header[-2:] == ["Budget (GBP)", "Spent (GBP)"]
    rows = {key: r[-2:] for key, r in _by_target(water).items()}
    assert rows[("Dead leg removal", "Ward 7")] == ["38,250.10\n(shared)", "6,375.05"]
    assert rows[("Dead leg removal", "Total")] == ["38,250.10", "6,375.05"]
    assert rows[("Filters", "Total")] == ["0.30", "0.20"]
    assert tables[1].is_span(1) and tables[1].rows[1][-2:] == ["14,400.20", "16,900.00"]
    texts = [b.text for b in outline.blocks if hasattr(b, "text")]
    # a done line's note under its item (the list of open targets carries only the others')
    assert "Note (Ward 7, Fire doors): Two extra doorsets found defective" in texts
    assert "Progress: dropped." in texts and "Progress: not reported." not in texts
    notes = {key: r[-1] for key, r in _by_target(outline.appendix[-1]).items()}
    assert ("Fire doors", "Ward 7") not in notes  # done: its note is under its item, printed once
    assert notes[("AE sign-off", "Laboratory")] == "Superseded by the framework contract"


def test_diff_of_progress_files_shows_a_changed_spent(plan, tmp_path):
    from plangen.tools.progress_text import diff_progress
    newer = tmp_path / "new" / "plans"
    newer.mkdir(parents=True)
    (newer / plan.name).write_text(PLAN, encoding="utf-8")
    (newer / "2027-estates.progress.yaml").write_text(PROGRESS + """\
  - date: 2027-09-30
    targets:
      - {target: deadleg, unit: w7, done: 1, spent: 6400.10}
""", encoding="utf-8")
    same, text = diff_progress(str(plan.with_name("2027-estates.progress.yaml")),
                               str(newer / "2027-estates.progress.yaml"), "text")
    assert not same
    assert text.splitlines()[1:] == ["  Ward 7 Dead leg removal 1 → 1 programme done · spent 6,375.05 → 6,400.10"]
