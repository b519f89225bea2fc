"""`plangen check`: every broken plan is reported at its line and column, with a clear
message, exit 1, and no traceback."""
from __future__ import annotations

import json

import pytest

from conftest import PLANS, SEED, no_traceback, run
from plangen.errors import PlanError
from plangen.source.load import load_plan_text

BASE = """\
plangen: 1
document:
  number: T-1
  title: 测试计划
  year: 2021
  organization: 测试学校
units:
  - id: a
    name: 甲校
  - id: b
    name: 乙校
sections:
  - id: s1
    title: 目标
    items:
      - id: s1.i1
        text: 各校采购50套新课桌。
        targets:
          - what: 新课桌
            quantity: 50
            unit: 套
"""


def line(n: int, new: str, base: str = BASE) -> str:
    """BASE with line n (1-based) replaced by new (which may hold several lines)."""
    lines = base.splitlines()
    lines[n - 1] = new
    return "\n".join(lines) + "\n"


def append(text: str) -> str:
    return BASE + text


# (id, plan text, expected first diagnostic "line:col: field: message")
BROKEN = [
    ("yaml-syntax", line(4, "  title: [测试计划"), "5:7: document.title: YAML syntax error: did not find expected ',' or ']' (parsing a flow sequence started at line 4)"),
    ("yaml-tab", line(5, "\tyear: 2021"), "5:1: document.year: a tab in the indentation: YAML indents with spaces only"),
    ("unknown-key", line(4, "  tittle: 测试计划"), "4:3: document.tittle: unknown key 'tittle'; did you mean 'title'?"),
    ("unknown-top-key", append("extra: 1\n"), "22:1: extra: unknown key 'extra'"),
    ("missing-title", line(4, "  subtitle: x"), "2:1: document.title: required key is missing"),
    ("missing-sections", BASE.split("sections:")[0], "1:1: sections: required key is missing"),
    ("year-quoted", line(5, '  year: "2021"'), "5:9: document.year: expected a whole number; write the number without quotes or leading zeros (found: '2021')"),
    ("year-text", line(5, "  year: next"), "5:9: document.year: expected a whole number (found: 'next')"),
    ("year-range", line(5, "  year: 21"), "5:9: document.year: must be >= 1900 (found: 21)"),
    ("title-list", line(4, "  title: [a, b]"), "4:10: document.title: expected text (found: a list)"),
    ("title-empty", line(4, '  title: ""'), "4:10: document.title: must not be empty (found: '')"),
    ("language", line(6, "  organization: 测试学校\n  language: fr"), "7:13: document.language: expected 'zh' or 'en' (found: 'fr')"),
    ("negative-quantity", line(20, "            quantity: -5"), "20:23: sections[0].items[0].targets[0].quantity: must be >= 0 (found: -5)"),
    ("quantity-text", line(20, "            quantity: fifty"), "20:23: sections[0].items[0].targets[0].quantity: expected a number (found: 'fifty')"),
    ("quantity-bool", line(20, "            quantity: true"), "20:23: sections[0].items[0].targets[0].quantity: expected a number (found: True)"),
    ("quantity-octal-looking", line(20, "            quantity: 050"), "20:23: sections[0].items[0].targets[0].quantity: expected a number; write the number without quotes or leading zeros (found: '050')"),
    ("unknown-school", line(21, "            unit: 套\n            for: [a, c]"), "22:22: sections[0].items[0].targets[0].for[1]: unknown unit 'c' (units: a, b)"),
    ("duplicate-item-id", line(16, "      - id: s1"), "16:13: sections[0].items[0].id: duplicate id 's1' (first at line 13)"),
    ("duplicate-target-id", line(19, "          - id: desks\n            what: 新课桌") + "      - id: s1.i2\n        text: 再买。\n"
     "        targets:\n          - {id: DESKS, what: 椅子, quantity: 5, unit: 把}\n",
     "26:18: sections[0].items[1].targets[0].id: duplicate id 'DESKS', the same as 'desks' ignoring case (first at line 19)"),
    ("target-id-twice", line(19, "          - id: t\n            what: 新课桌") + "          - {id: t, what: 椅子, quantity: 5, unit: 把}\n",
     "23:18: sections[0].items[0].targets[1].id: duplicate id 't' (first at line 19)"),
    ("item-id-case", line(16, "      - id: S1"), "16:13: sections[0].items[0].id: duplicate id 'S1', the same as 's1' ignoring case (first at line 13)"),
    ("group-name-case", line(11, "    name: 乙校\ngroups:\n  pair: [a, b]\n  Pair: [a]"),
     "14:9: groups.Pair: duplicate id 'Pair', the same as 'pair' ignoring case (first at line 13)"),
    ("deadline-impossible", line(21, "            unit: 套\n            deadline: 2021-06-31"),
     "22:23: sections[0].items[0].targets[0].deadline: 2021-06-31 is not a date: June has 30 days"),
    ("duplicate-unit-id", line(10, "  - id: a"), "10:9: units[1].id: duplicate unit id 'a' (first at line 8)"),
    ("unit-id-case", line(10, "  - id: A"), "10:9: units[1].id: unit id 'A' differs from 'a' only in case (their documents would get the same file name) (first at line 8)"),
    ("duplicate-key", line(4, "  title: 测试计划\n  title: 另一个"), "5:3: document.title: duplicate key 'title' (first given at line 4)"),
    ("bad-id", line(13, "  - id: 目标一"), "13:9: sections[0].id: an id is made of letters, digits"),
    ("item-without-words", line(17, "        targets: []"), "16:9: sections[0].items[0]: an item needs a title or text"),
    ("python-tag", line(4, "  title: !!python/object/apply:os.system [ls]"), "4:10: document.title: the tag !!python/object/apply:os.system is not allowed"),
    ("version", line(1, "plangen: 2"), "1:10: plangen: unsupported format version (found: 2)"),
    ("measure-mismatch", append("      - id: s1.i2\n        text: 再买课桌。\n        targets:\n          - {what: 新课桌, quantity: 5, unit: 张}\n"),
     "25:44: sections[0].items[1].targets[0].unit: '新课桌' is counted in 张 here but in 套 (first at line 21)"),
    ("too-deep", append("".join("  " * (3 + i) + "  items:\n" + "  " * (3 + i) + f"  - text: level {i + 3}\n" for i in range(5)).replace("  items:\n", "items:\n", 0)),
     "31:19: sections[0].items[0].items[0].items[0].items[0].items[0].items[0]: items nest deeper than 6 numbered levels"),
    ("for-empty", line(21, "            unit: 套\n            for: []"), "22:18: sections[0].items[0].targets[0].for: expected 'all', unit ids and group names, or {all_except: [...]} (found: a list)"),
    ("not-a-mapping", "- just\n- a list\n", "1:1: a plan is a mapping"),
    ("empty-file", "", "1:1: the file is empty"),
    ("control-char", line(4, '  title: "测试\\x07计划"'), "4:10: document.title: character U+0007 is not allowed"),
    ("bool-word-where-bool", line(14, "    title: 目标\n    skip_level: yes"), "15:17: sections[0].skip_level: expected true or false (yes/no/on/off are read as text here) (found: 'yes')"),
    ("deadline-format", line(21, "            unit: 套\n            deadline: 2021/06/30"), "22:23: sections[0].items[0].targets[0].deadline: expected a date written as YYYY-MM-DD"),
    ("anchor-merge", line(8, "  - &u {id: a, name: 甲校}\n  - {<<: *u, id: b}").replace("    name: 甲校\n  - id: b\n    name: 乙校\n", ""), "9:6: units[1]: merge keys (<<) are not supported"),
]


@pytest.mark.parametrize("name,text,expected", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_plan_is_reported_at_its_line(name, text, expected):
    with pytest.raises(PlanError) as info:
        load_plan_text(text, "plan.yaml")
    reported = [str(d) for d in info.value.diagnostics]
    assert any(r.startswith(f"plan.yaml:{expected}") for r in reported), reported


def test_check_reports_every_broken_file_of_one_run(tmp_path):
    """The whole corpus in one `plangen check`: each file reported at its line, nothing skipped
    after the first bad file, exit 1, no traceback."""
    paths = []
    for name, text, _expected in BROKEN:
        paths.append(tmp_path / f"{name}.yaml")
        paths[-1].write_text(text, encoding="utf-8")
    proc = run("check", *map(str, paths))
    no_traceback(proc)
    assert proc.returncode == 1
    missing = [f"{path}:{expected}" for path, (_n, _t, expected) in zip(paths, BROKEN)
               if f"{path}:{expected}" not in proc.stderr]
    assert missing == [], proc.stderr


def test_all_errors_of_a_file_at_once():
    text = line(4, "  tittle: x").replace("year: 2021", 'year: "x"').replace("quantity: 50", "quantity: -1")
    with pytest.raises(PlanError) as info:
        load_plan_text(text, "p.yaml")
    where = [(d.line, d.field) for d in info.value.diagnostics]
    assert where == [(2, "document.title"), (4, "document.tittle"), (5, "document.year"),
                     (20, "sections[0].items[0].targets[0].quantity")], where


def test_check_cli_reports_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(line(20, "            quantity: -5"), encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(BASE, encoding="utf-8")
    proc = run("check", str(bad), str(good))
    no_traceback(proc)
    assert proc.returncode == 1
    first = proc.stderr.splitlines()[0]
    assert first == f"{bad}:20:23: sections[0].items[0].targets[0].quantity: must be >= 0 (found: -5)"
    assert "1 error(s) in 1 of 2 file(s)" in proc.stderr


def test_check_cli_ok_on_examples():
    proc = run("check")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{len(PLANS)} plan file(s) OK"


def test_check_cli_json(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(line(4, "  tittle: x"), encoding="utf-8")
    proc = run("check", "--format", "json", str(bad))
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["files"] == 1
    found = {(e["line"], e["col"], e["field"]) for e in data["errors"]}
    assert (4, 3, "document.tittle") in found
    assert (2, 1, "document.title") in found


def test_check_missing_file_is_an_error_not_a_traceback(tmp_path):
    proc = run("check", str(tmp_path / "nope.yaml"))
    no_traceback(proc)
    assert proc.returncode == 1
    assert "nope.yaml: cannot read" in proc.stderr


def test_usage_errors_exit_2():
    for args in (["frobnicate"], ["check", "--format", "xml"], ["build", "--format", "odt"], []):
        proc = run(*args)
        no_traceback(proc)
        assert proc.returncode == 2, (args, proc.stderr)


def test_reference_errors_come_with_type_errors():
    text = line(5, "  year: next").replace("            unit: 套\n", "            unit: 套\n            for: [a, zz]\n")
    text = text.replace("      - id: s1.i1\n", "      - id: s1\n")
    with pytest.raises(PlanError) as info:
        load_plan_text(text, "p.yaml")
    reported = [str(d) for d in info.value.diagnostics]
    assert reported == [
        "p.yaml:5:9: document.year: expected a whole number (found: 'next')",
        "p.yaml:16:13: sections[0].items[0].id: duplicate id 's1' (first at line 13)",
        "p.yaml:22:22: sections[0].items[0].targets[0].for[1]: unknown unit 'zz' (units: a, b)",
    ]


def test_a_comma_inside_a_flow_mapping_says_to_quote_the_text():
    """{id: b, name: 乙校, 分校}: YAML reads 分校 as a key without a value; the error says why."""
    text = line(10, "  - {id: b, name: Livingston, West Lothian}").replace("    name: 乙校\n", "", 1)
    with pytest.raises(PlanError) as err:
        load_plan_text(text, "p.yaml")
    (d,) = err.value.diagnostics
    assert str(d) == ("p.yaml:10:31: units[1].West Lothian: unknown key 'West Lothian' (valid keys: id, name); "
                      "a comma inside {…} ends a value: put text with commas in quotes")


def test_a_misspelt_unit_id_gets_a_did_you_mean():
    text = BASE.replace("  - id: b\n", "  - id: csk\n").replace("            unit: 套\n", "            unit: 套\n            for: [a, cks]\n")
    with pytest.raises(PlanError) as err:
        load_plan_text(text, "p.yaml")
    assert [str(d) for d in err.value.diagnostics] == [
        "p.yaml:22:22: sections[0].items[0].targets[0].for[1]: unknown unit 'cks'; did you mean 'csk'? (units: a, csk)"]


def test_a_tab_is_reported_and_the_rest_of_the_file_still_checked(tmp_path):
    """YAML stops at a tab in the indentation. Each such tab is one line (with the key on its
    line), and the file is re-read with those tabs as spaces (a tab as wide as the line needs:
    one level here, two there) to check the rest: the other errors come out at their own
    columns in the file; a tab inside a block scalar is text. The file is never built."""
    text = line(5, "\tyear: 2021\n  preface: |\n    第一段\n    \t缩进的正文",
                line(20, "\t\t\t\t\t\tquantity: fifty\n\t\t\tunit: 套", line(21, "")))
    text = text.replace("  organization: 测试学校", "\torganisation: 测试学校")
    plan = tmp_path / "tabs.yaml"
    plan.write_text(text, encoding="utf-8")
    proc = run("check", str(plan))
    no_traceback(proc)
    assert proc.returncode == 1
    tab = "a tab in the indentation: YAML indents with spaces only (replace the tab with spaces)"
    assert proc.stderr.splitlines() == [
        f"{plan}:2:1: document.organization: required key is missing",
        f"{plan}:5:1: document.year: {tab}",
        f"{plan}:9:1: document.organisation: {tab}",
        f"{plan}:9:2: document.organisation: unknown key 'organisation'; did you mean 'organization'?",
        f"{plan}:23:1: sections[0].items[0].targets[0].quantity: {tab}",
        f"{plan}:23:17: sections[0].items[0].targets[0].quantity: expected a number (found: 'fifty')",
        f"{plan}:24:1: sections[0].items[0].targets[0].unit: {tab}",
        "7 error(s) in 1 of 1 file(s)",
    ]
    build = run("build", str(plan), "--out", str(tmp_path / "out"), "--format", "html")
    assert build.returncode == 1 and not (tmp_path / "out" / "tabs.html").exists()


def test_a_tab_that_is_not_the_only_yaml_problem(tmp_path):
    """Tabs replaced, the file still does not read: the tab and the YAML error after it."""
    with pytest.raises(PlanError) as info:
        load_plan_text(line(5, "\tyear: 2021", line(4, "  title: [测试计划")), "plan.yaml")
    assert [str(d) for d in info.value.diagnostics] == [
        "plan.yaml:5:1: a tab in the indentation: YAML indents with spaces only (replace the tab with spaces)",
        "plan.yaml:5:6: document.title: YAML syntax error: did not find expected ',' or ']' (parsing a flow sequence started at line 4)"]


def test_a_full_width_colon_after_a_key_is_named_and_the_rest_still_checked(tmp_path):
    """A Chinese input method types '：' for ':'. YAML then reports a syntax error elsewhere (or
    "expected a valid dictionary"), never the colon: each is one line naming its key, and the
    file is read with them as ':' so its other errors still show. The file is never built."""
    text = SEED.read_text(encoding="utf-8")
    for old, new in (("  organization: ", "  organization： "), ("    - label: 姓名", "    - label：姓名"),
                     ("quantity: 50,", "quantity： 50,"), ("  year: 2021", "  year: 二〇二一")):
        assert old in text, old
        text = text.replace(old, new, 1)
    plan = tmp_path / "colons.yaml"
    plan.write_text(text, encoding="utf-8")
    proc = run("check", str(plan))
    no_traceback(proc)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    colon = [entry for entry in lines if "a full-width colon '：'" in entry]
    assert [entry.split(": a full-width")[0].rsplit(":", 1)[-1].strip() for entry in colon] == \
        ["document.organization", "document.fields[1].label", "sections[1].items[0].items[2].targets[0].quantity"], lines
    assert all(f"{plan}:" in entry for entry in colon)
    assert any("document.year" in entry for entry in lines)  # the rest of the file is still checked
    assert not any("YAML syntax error" in entry or "valid dictionary" in entry for entry in lines), lines
    assert run("build", str(plan), "--out", str(tmp_path / "o")).returncode == 1
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


TAB = "a tab in the indentation: YAML indents with spaces only (replace the tab with spaces)"


@pytest.mark.parametrize("indent", ["\t\t", "      \t  ", "\t    "], ids=["two-tabs", "spaces-tab-spaces", "tab-spaces"])
def test_a_tab_for_two_levels_names_its_key_and_nothing_else(indent):
    """Two tabs for 8 spaces (or spaces, a tab, spaces): the width YAML reads furthest with is
    the author's, not the first that reads one more line; no follow-up YAML error."""
    text = line(18, indent + "text: 各校采购50套新课桌。", BASE.replace("      - id: s1.i1\n", "      - id: s1.i1\n        title: 课桌\n"))
    with pytest.raises(PlanError) as info:
        load_plan_text(text, "plan.yaml")
    assert [str(d) for d in info.value.diagnostics] == [
        f"plan.yaml:18:{indent.index(chr(9)) + 1}: sections[0].items[0].text: {TAB}"]


@pytest.mark.parametrize("new,expected", [
    ("        text: 联系人: 王建国，电话: 0571-87654321。",
     "17:18: sections[0].items[0].text: YAML syntax error: the text of 'text' has a colon and a space (': '), "
     "which YAML reads as a new key: put the text in quotes (text: \"联系人: 王建国，电话: 0571-87654321。\") "
     "or write the colon full-width '：'"),
    ("        title: 课桌\n          text: 各校采购50套新课桌。",
     "18:15: sections[0].items[0].text: YAML syntax error: 'text' is indented 10 spaces, deeper than the keys of "
     "sections[0].items[0] (8, as on line 16), so YAML reads it as part of the value above: indent it 8 spaces"),
    ("        text: 各校采购50套新课桌。\n      targets:",
     "18:7: sections[0].items[0].targets: YAML syntax error: 'targets' is indented 6 spaces, less than the keys of "
     "sections[0].items[0] (8, as on line 16), so YAML ends that mapping there: indent it 8 spaces if it belongs "
     "to sections[0].items[0]"),
], ids=["ascii-colon-in-text", "over-indented", "under-indented"])
def test_yaml_syntax_errors_name_the_field_and_the_likely_cause(tmp_path, new, expected):
    plan = tmp_path / "p.yaml"
    plan.write_text(line(17, new), encoding="utf-8")
    proc = run("check", str(plan))
    no_traceback(proc)
    assert proc.returncode == 1 and proc.stderr.splitlines()[0] == f"{plan}:{expected}"
    data = json.loads(run("check", "--format", "json", str(plan)).stdout)
    assert [e["field"] for e in data["errors"]] == [expected.split(": ")[1]]


def test_a_unit_id_in_another_case_is_an_error_suggesting_its_spelling():
    """Ids are compared ignoring case for duplicates and --unit, but a plan writes each unit one
    way: `for: hq` for unit HQ is an error whose first suggestion is 'HQ' (not accepted silently:
    per-unit files and progress files name the unit as units: does)."""
    text = BASE.replace("  - id: b\n", "  - id: HQ\n").replace("            unit: 套\n", "            unit: 套\n            for: [a, hq]\n")
    with pytest.raises(PlanError) as err:
        load_plan_text(text, "p.yaml")
    assert [str(d) for d in err.value.diagnostics] == [
        "p.yaml:22:22: sections[0].items[0].targets[0].for[1]: unknown unit 'hq'; did you mean 'HQ'? (units: a, HQ)"]


def test_full_width_commas_in_a_flow_list_are_named():
    text = BASE.replace("            unit: 套\n", "            unit: 套\n            for: [a，b]\n")
    with pytest.raises(PlanError) as err:
        load_plan_text(text, "p.yaml")
    assert [str(d) for d in err.value.diagnostics] == [
        "p.yaml:22:19: sections[0].items[0].targets[0].for[0]: unknown unit 'a，b'; the full-width '，' does not "
        "separate names in […]: YAML needs ',' (an ASCII comma), so it read one name; switch the input method to "
        "half-width (units: a, b)"]


@pytest.mark.parametrize("word,choices,expected", [
    ("hq", ["smh-ae", "HQ", "hqx"], ["HQ", "hqx"]),  # the same id in another case first
    ("smh-paed", ["smh-ae", "smh-paed-op2", "smh-paed-op"], ["smh-paed-op", "smh-paed-op2", "smh-ae"]),  # typed short
    ("donghu3", ["xingfuli", "donghu2", "aqu"], ["donghu2"]),
    ("tittle", ["text", "title", "id"], ["title"]),
])
def test_suggestions_come_most_likely_first(word, choices, expected):
    from plangen.suggest import close
    assert close(word, choices) == expected


def test_targets_unit_suggests_the_likeliest_first(tmp_path):
    text = BASE.replace("  - id: b\n", "  - id: smh-paed-op\n").replace("  - id: a\n", "  - id: smh-ae\n")
    plan = tmp_path / "p.yaml"
    plan.write_text(text, encoding="utf-8")
    proc = run("targets", str(plan), "--unit", "smh-paed")
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"plangen: {plan}: --unit: unknown unit 'smh-paed'; did you mean 'smh-paed-op' or 'smh-ae'?")
