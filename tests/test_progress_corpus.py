"""Broken progress files: each problem reported once, exactly, at its line and column, with
the plan's line where the plan is involved."""
from __future__ import annotations

import pytest

from conftest import SEED
from plangen.errors import PlanError
from plangen.source.load import load_plan
from plangen.source.progress_load import load_progress_text

PLAN = "plans/2021-logistics.yaml"
HEAD = "progress: 1\nentries:\n  - date: 2021-06-30\n"
P = "p.progress.yaml"

CASES = [
    ("unknown-target", HEAD + "    targets:\n      - {target: 黑板, unit: zhongxue, done: 1}\n",
     [f"{P}:5:18: entries[0].targets[0].target: unknown target '黑板' in {PLAN} (give a target's id or its 'what')"]),
    ("target-typo", HEAD + "    targets:\n      - {target: desk, unit: zhongxue, done: 1}\n",
     [f"{P}:5:18: entries[0].targets[0].target: unknown target 'desk' in {PLAN}; did you mean 'desks'?"]),
    ("unknown-unit", HEAD + "    targets:\n      - {target: desks, unit: nowhere, done: 1}\n",
     [f"{P}:5:31: entries[0].targets[0].unit: unknown unit 'nowhere' for '新课桌' "
      f"(its units: zhongxue, shifan, qingmen, huangzhulin, shuitangba; {PLAN}:69:68)"]),
    ("unit-not-in-target", HEAD + "    targets:\n      - {target: cabinets, unit: zhongxue, done: 1}\n",
     [f"{P}:5:34: entries[0].targets[0].unit: 'zhongxue' (中学) is not one of the units of target '档案柜' "
      f"(its units: shuitangba, huangzhulin; {PLAN}:74:70)"]),
    ("unit-in-another-case", HEAD + "    targets:\n      - {target: desks, unit: ZhongXue, done: 1}\n",
     [f"{P}:5:31: entries[0].targets[0].unit: unknown unit 'ZhongXue' for '新课桌' "
      f"(its units: zhongxue, shifan, qingmen, huangzhulin, shuitangba; {PLAN}:69:68); write it as the plan does: 'zhongxue'"]),
    ("unit-missing", HEAD + "    targets:\n      - {target: desks, done: 1}\n",
     [f"{P}:5:9: entries[0].targets[0].unit: required: 'desks' is set for 5 units "
      f"(zhongxue, shifan, qingmen, huangzhulin, shuitangba; {PLAN}:69:17)"]),
    ("unknown-item", HEAD + "    items:\n      - {item: facilities.repair, status: done}\n",
     [f"{P}:5:16: entries[0].items[0].item: unknown item 'facilities.repair' in {PLAN}; "
      "did you mean 'facilities.repairs'?"]),
    ("date-outside-year", "progress: 1\nentries:\n  - date: 2022-01-05\n    targets:\n"
                          "      - {target: desks, unit: zhongxue, done: 1}\n",
     [f"{P}:3:11: entries[0].date: 2022-01-05 is outside the plan's year 2021 ({PLAN}:10:9)"]),
    ("reported-twice", HEAD + "    targets:\n      - {target: desks, unit: zhongxue, done: 1}\n"
                              "      - {target: 新课桌, unit: zhongxue, done: 2}\n",
     [f"{P}:6:18: entries[0].targets[1].target: reported twice on 2021-06-30 (first at line 5)"]),
    ("negative-done", HEAD + "    targets:\n      - {target: desks, unit: zhongxue, done: -1}\n",
     [f"{P}:5:47: entries[0].targets[0].done: must be >= 0 (found: -1)"]),
    ("done-as-text", HEAD + "    targets:\n      - {target: desks, unit: zhongxue, done: 二十}\n",
     [f"{P}:5:47: entries[0].targets[0].done: expected a number (found: '二十')"]),
    ("bad-status", HEAD + "    targets:\n      - {target: desks, unit: zhongxue, done: 1, status: finished}\n",
     [f"{P}:5:58: entries[0].targets[0].status: expected 'planned', 'in-progress', 'done' or 'dropped' "
      "(found: 'finished')"]),
    ("unknown-key", HEAD + "    targets:\n      - {target: desks, unit: zhongxue, done: 1, notes: x}\n",
     [f"{P}:5:50: entries[0].targets[0].notes: unknown key 'notes'; did you mean 'note'?"]),
    ("bad-date", "progress: 1\nentries:\n  - date: 2021-13-01\n",
     [f"{P}:3:11: entries[0].date: 2021-13-01 is not a date: there is no month 13"]),
    ("day-not-in-month", "progress: 1\nentries:\n  - date: 2021-09-31\n",
     [f"{P}:3:11: entries[0].date: 2021-09-31 is not a date: September has 30 days"]),
    ("february-29", "progress: 1\nentries:\n  - date: 2021-02-29\n",
     [f"{P}:3:11: entries[0].date: 2021-02-29 is not a date: February 2021 has 28 days"]),
    ("date-not-yyyy-mm-dd", "progress: 1\nentries:\n  - date: 30/06/2021\n",
     [f"{P}:3:11: entries[0].date: expected a date written as YYYY-MM-DD (found: '30/06/2021')"]),
    ("spent-too-fine", HEAD + "    targets:\n      - {target: cabinets, unit: shuitangba, done: 1, spent: 12.345}\n",
     [f"{P}:5:62: entries[0].targets[0].spent: at most 2 decimals for 元 (found: 12.345)"]),
    # the plan's bounds on every number (a 万元 plan allows 6 decimals, never 7)
    ("spent-beyond-any-currency", HEAD + "    targets:\n      - {target: cabinets, unit: shuitangba, done: 1, spent: 1.2345678}\n",
     [f"{P}:5:62: entries[0].targets[0].spent: at most 6 decimals (found: 1.2345678)"]),
    ("done-beyond-any-quantity", HEAD + "    targets:\n      - {target: desks, unit: zhongxue, done: 0.0000001}\n",
     [f"{P}:5:47: entries[0].targets[0].done: a non-zero number must be at least 0.000001 (found: 0.0000001)"]),
    # type errors and the plan's rules in one run: the lines that parsed are checked against the plan
    ("types-and-rules-at-once", "progress: 1\nentries:\n  - date: 2021-06-31\n    targets:\n"
                                "      - {target: desks, unit: zhongxue, done: 1, status: finished}\n"
                                "      - {target: desk, unit: zhongxue, done: 1}\n"
                                "      - {target: desks, unit: nowhere, done: 1, status: finished}\n"
                                "  - date: 2021-07-01\n    items:\n      - {item: nothing, status: done}\n",
     [f"{P}:3:11: entries[0].date: 2021-06-31 is not a date: June has 30 days",
      f"{P}:5:58: entries[0].targets[0].status: expected 'planned', 'in-progress', 'done' or 'dropped' "
      "(found: 'finished')",
      f"{P}:6:18: entries[0].targets[1].target: unknown target 'desk' in {PLAN}; did you mean 'desks'?",
      f"{P}:7:31: entries[0].targets[2].unit: unknown unit 'nowhere' for '新课桌' "
      f"(its units: zhongxue, shifan, qingmen, huangzhulin, shuitangba; {PLAN}:69:68)",
      f"{P}:7:57: entries[0].targets[2].status: expected 'planned', 'in-progress', 'done' or 'dropped' "
      "(found: 'finished')",
      f"{P}:10:16: entries[1].items[0].item: unknown item 'nothing' in {PLAN}"]),
    ("no-entries", "progress: 1\nentries: []\n", [f"{P}:2:10: entries: must not be empty (found: a list)"]),
    ("wrong-version", "progress: 2\nentries:\n  - date: 2021-06-30\n",
     [f"{P}:1:11: progress: expected 1 (found: 2)"]),
    ("item-without-status", HEAD + "    items:\n      - {item: greening}\n",
     [f"{P}:5:9: entries[0].items[0].status: required key is missing"]),
    ("a-list", "- 1\n", [f"{P}:1:1: a progress file is a mapping of keys (progress, entries)"]),
    ("duplicate-key", "progress: 1\nprogress: 1\nentries:\n  - date: 2021-06-30\n",
     [f"{P}:2:1: progress: duplicate key 'progress' (first given at line 1)"]),
    ("two-problems", "progress: 1\nentries:\n  - date: 2021-06-30\n    targets:\n"
                     "      - {target: desks, unit: x, done: 1}\n  - date: 2020-12-31\n",
     [f"{P}:5:31: entries[0].targets[0].unit: unknown unit 'x' for '新课桌' "
      f"(its units: zhongxue, shifan, qingmen, huangzhulin, shuitangba; {PLAN}:69:68)",
      f"{P}:6:11: entries[1].date: 2020-12-31 is outside the plan's year 2021 ({PLAN}:10:9)"]),
]


@pytest.fixture(scope="module")
def seed():
    """The seed plan, read by its relative path (as messages show it)."""
    import os
    here = os.getcwd()
    os.chdir(SEED.parents[1])
    try:
        return load_plan(PLAN)
    finally:
        os.chdir(here)


@pytest.mark.parametrize("name, text, expected", CASES, ids=[c[0] for c in CASES])
def test_broken_progress_is_reported_exactly(seed, name, text, expected):
    with pytest.raises(PlanError) as info:
        load_progress_text(text, P, seed)
    assert str(info.value).splitlines() == expected


def test_done_above_planned_without_a_note_is_a_warning_naming_both_files(seed):
    text = HEAD + "    targets:\n      - {target: desks, unit: zhongxue, done: 60}\n" \
                  "      - {target: desks, unit: shifan, done: 60, note: 多购十套}\n"
    loaded = load_progress_text(text, P, seed)
    assert [str(w) for w in loaded.warnings] == [
        f"{P}:5:47: warning: entries[0].targets[0].done: done 60 is more than the 50 套 planned "
        f"({PLAN}:69:50); add a note saying why"]


def test_an_ambiguous_what_asks_for_an_id(tmp_path):
    plan = tmp_path / "p.yaml"
    plan.write_text(SEED.read_text(encoding="utf-8").replace(
        "- {id: cabinets, what: 档案柜", "- {what: 新课桌, quantity: 1, unit: 套, for: [zhongxue]}\n"
        "              - {id: cabinets, what: 档案柜"), encoding="utf-8")
    loaded_plan = load_plan(plan)
    with pytest.raises(PlanError) as info:
        load_progress_text(HEAD + "    targets:\n      - {target: 新课桌, unit: zhongxue, done: 1}\n", P, loaded_plan)
    assert str(info.value) == (f"{P}:5:18: entries[0].targets[0].target: '新课桌' names 2 targets "
                               f"({plan}:69:17, {plan}:74:17); give each its own id and use it")


def test_corpus_is_large_enough():
    assert len(CASES) >= 15


def test_two_targets_with_one_id_are_never_picked_between(seed):
    """`load_plan` refuses such a plan; handed one anyway, the index names both, never picks one."""
    from plangen.source.load import LoadedPlan
    from plangen.source.model import Plan
    from plangen.source.progress_load import TargetIndex
    data = seed.plan.model_dump(by_alias=True)
    for section in data["sections"]:
        for item in section["items"]:
            for child in item["items"]:
                for target in child["targets"]:
                    if target["id"] == "cabinets":
                        target["id"] = "DESKS"
    index = TargetIndex(LoadedPlan(Plan.model_validate(data), PLAN, seed.source))
    found = index.find("desks")
    assert found == (f"'desks' names 2 targets ({PLAN}:69:17, {PLAN}:74:17); give each its own id and use it")
    with pytest.raises(LookupError):
        index.known("desks")
    assert index.find("computers").target.what == "电脑"  # ids are found ignoring case, one at a time
    assert index.find("Computers").target.what == "电脑"
