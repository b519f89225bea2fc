"""`plangen new`: next year's plan, edited in place: only the values that move change."""
from __future__ import annotations

from conftest import ROOT, run
from plangen.tools.rollover import shift_years

LAYOUT = ROOT / "tests" / "data" / "rollover-layout.yaml"


def test_only_the_moving_values_change_byte_for_byte(tmp_path):
    out = tmp_path / "next.yaml"
    proc = run("new", "--from", str(LAYOUT), "--year", "2026", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    expected = LAYOUT.read_text(encoding="utf-8")
    for old, new in [
        ('"RSD-FIN-0007"', '"RSD-FIN-0008"'), ("plan FY2025", "plan FY2026"), ("year: 2025", "year: 2026"),
        ("date: 2025-03-01", "date: 2026-03-01"),
        ("{label: Date, type: date,\n       value: 2025-03-01}", "{label: Date, type: date}"),  # a date goes, its line stays
        ("fiscal year 2025 (July 1, 2024 – June 30, 2025)", "fiscal year 2026 (July 1, 2025 – June 30, 2026)"),
        ("the 2024–2025 school year", "the 2025–2026 school year"), ("due 2025-09-30", "due 2026-09-30"),
        ("Budget for FY2025", "Budget for FY2026"), ("12 March 2025", "12 March 2026"),
        ("deadline: 2025-12-31, status: done}", "deadline: 2026-12-31, status: planned}"),  # set back, not removed
        ("deadline: 2026-02-28", "deadline: 2027-02-28"),
    ]:
        assert old in expected, old
        expected = expected.replace(old, new, 1)
    assert out.read_text(encoding="utf-8") == expected
    assert "the 2019 policy" in expected  # a year that is neither the plan's nor in a range or date stays
    assert run("check", str(out)).returncode == 0


def test_years_in_text():
    assert shift_years("FY2025, 2024-2025, 2025年9月1日, 2025年", 2025, 1) == "FY2026, 2025-2026, 2026年9月1日, 2026年"
    assert shift_years("2010–2020 and 2024", 2025, 1) == "2010–2020 and 2024"
    assert shift_years("1 July 2024 to 30 June 2025", 2025, 2) == "1 July 2026 to 30 June 2027"


def test_a_number_holding_the_year_gets_the_new_year_and_keeps_its_sequence():
    from plangen.tools.rollover import advance_number
    assert advance_number("BCJY-HQ-2027-01", 2028, old_year=2027) == "BCJY-HQ-2028-01"
    assert advance_number("YK-JH-0025", 2022, old_year=2021) == "YK-JH-0026"  # no year in it: the sequence moves
    assert advance_number("X-12027-3", 2028, old_year=2027) == "X-12027-4"  # 2027 inside another number is not the year


DROPPED = """plangen: 1
document: {number: "X-0001", title: Plan 2025, year: 2025, organization: Org, language: en}
units:
  - {id: north, name: North School}
sections:
  - id: a
    title: Alpha
    text: Alpha text.
    targets:
      - what: Desks
        quantity: 2
        unit: desk
        for: all
        status: done
      - what: Chairs   # given up
        quantity: 3
        unit: chair
        for: all
        status: dropped
      - {what: Lamps, quantity: 1, unit: lamp, for: all, status: planned}
  - id: b
    title: Beta
    text: Beta text.
    targets:
      - {what: Boards, quantity: 1, unit: board, for: all, status: dropped}
  - id: c
    title: Gamma
    text: Gamma.
    targets: [{what: Pens, quantity: 1, unit: box, for: all, status: dropped}, {what: Ink, quantity: 2, unit: box, for: all}]
"""


def test_dropped_targets_are_left_out_and_listed(tmp_path):
    src = tmp_path / "plan-2025.yaml"
    src.write_text(DROPPED, encoding="utf-8")
    proc = run("new", "--from", str(src), "--year", "2026")
    assert proc.returncode == 0, proc.stderr
    expected = DROPPED.replace("2025", "2026").replace("X-0001", "X-0002").replace("status: done\n", "status: planned\n")
    for gone in ("      - what: Chairs   # given up\n        quantity: 3\n        unit: chair\n        for: all\n"
                 "        status: dropped\n",
                 "    targets:\n      - {what: Boards, quantity: 1, unit: board, for: all, status: dropped}\n",
                 "{what: Pens, quantity: 1, unit: box, for: all, status: dropped}, "):
        assert gone in expected, gone
        expected = expected.replace(gone, "", 1)
    assert (tmp_path / "plan-2026.yaml").read_text(encoding="utf-8") == expected
    lines = proc.stderr.splitlines()
    assert lines[:5] == ["left out 3 dropped target(s):", f"{src}:15: targets: Chairs: dropped, left out of the 2026 plan",
                         f"{src}:25: targets: Boards: dropped, left out of the 2026 plan",
                         f"{src}:29: targets: Pens: dropped, left out of the 2026 plan",
                         # done: set back to planned (planned stays; a dropped one's goes with its target)
                         "set 1 target status(es) back to planned and removed 0 cover date(s) (filled in anew each year)"]
    assert run("check", str(tmp_path / "plan-2026.yaml")).returncode == 0


def test_new_speaks_the_plans_language(tmp_path):
    """A Chinese plan's notices are Chinese (wording new_*): what was left out and removed is
    news for the office; the YAML key (targets) and the path stay as in the file."""
    import revision  # the 2022 plan with statuses, one of them dropped
    src = revision.with_statuses(tmp_path / "2022-plan.yaml")
    text = src.read_text(encoding="utf-8").replace("    - label: 部门\n", "    - label: 部门\n      value: 后勤处\n", 1)
    text = text.replace("      type: date\n", "      type: date\n      value: 2022-02-18\n", 1)
    assert "value: 后勤处" in text and "value: 2022-02-18" in text and "status: dropped" in text
    src.write_text(text, encoding="utf-8")
    proc = run("new", "--from", str(src), "--year", "2023")
    assert proc.returncode == 0, proc.stderr
    dropped = [line for line in text.splitlines() if "status: dropped" in line]
    statuses = sum("status: " in line and "status: planned" not in line for line in text.splitlines()) - len(dropped)
    lines = proc.stderr.splitlines()
    assert lines[0] == f"{len(dropped)}个已取消的目标不转入新计划："
    assert all(line.startswith(f"{src}:") and "：已取消，不转入2023年计划" in line for line in lines[1:1 + len(dropped)])
    assert lines[1 + len(dropped)] == f"已将{statuses}项目标状态重置为未开始，删除1项封面日期（新年度重新填写）"
    rolled = (tmp_path / "2023-plan.yaml").read_text(encoding="utf-8")
    assert "status: done" not in rolled and "status: in-progress" not in rolled and "status: planned" in rolled
    assert lines[-1] == f"wrote {tmp_path / '2023-plan.yaml'}"  # the tool's own status line, as every command's
    assert not any(english in proc.stderr for english in ("dropped", "left out", "removed"))
    again = run("new", "--from", str(src), "--year", "2023")  # the file exists: an error, and no notices
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "exists; use --force" in again.stderr


def test_new_never_goes_back_a_year(tmp_path):
    """`new --year` at or before the plan's year is a typo (2026 for 2028): a usage error naming
    the year it would take, and nothing is written."""
    for year in ("2024", "2025"):
        proc = run("new", "--from", str(LAYOUT), "--year", year, "-o", str(tmp_path / "x.yaml"))
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr == (f"plangen: --year {year}: {LAYOUT} is the plan for 2025; new makes a later year's plan "
                               "from it (--year 2026)\n")
    assert not (tmp_path / "x.yaml").exists()
