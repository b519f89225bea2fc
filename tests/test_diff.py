"""Year over year: the semantic diff, plans from git, textconv, and next year's plan."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import ENGLISH, NEXT, ROOT, SEED, no_traceback, run


def diff_json(old, new) -> dict:
    proc = run("diff", str(old), str(new), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout)


def test_diff_reports_exactly_the_changes_between_the_example_plans():
    d = diff_json(SEED, NEXT)
    assert d["identical"] is False
    assert {m["field"]: (m["old"], m["new"]) for m in d["metadata"]} == {
        "number": ("YK-JH-0025", "YK-JH-0026"),
        "title": ("新学期后勤总务2021年工作计划", "新学期后勤总务2022年工作计划"),
        "year": (2021, 2022),
        "date": ("2021-02-20", "2022-02-18"),
    }
    items = {(i["change"], i["id"]): i for i in d["items"]}
    assert set(items) == {("changed", "guiding"), ("changed", "facilities.purchases"), ("changed", "facilities.cabinets"),
                          ("added", "safety"), ("removed", "facilities.old-buildings")}
    assert items[("added", "safety")]["path"] == "二、（四）"
    assert items[("removed", "facilities.old-buildings")]["path"] == "二、（一）2、"
    guiding = items[("changed", "guiding")]["fields"]["text"]["diff"]
    assert ["-", "逐步"] in guiding and ["+", "加快"] in guiding
    assert ["+", "化、精细"] in guiding  # character by character for Chinese
    targets = {(t["what"], t["unit_id"]): (t["old"], t["new"]) for t in d["targets"]}
    assert targets[("新课桌", "huangzhulin")] == (50, 60)
    assert targets[("档案柜", "huangzhulin")] == (2, None)
    assert targets[("档案柜", "shuitangba")] == (2, 1)
    assert targets[("监控摄像头", "zhongxue")] == (None, 4)
    assert ("新课桌", "zhongxue") not in targets
    totals = {t["what"]: (t["old"], t["new"]) for t in d["totals"]}
    assert totals["新课桌"] == (250, 260) and totals["档案柜"] == (4, 1) and totals["老教学楼改造维修"] == (3, None)  # gone in NEW: no total (—), as its units
    assert d["units"] == []


def test_diff_text_format():
    proc = run("diff", str(SEED), str(NEXT))
    assert proc.returncode == 1
    out = proc.stdout
    assert "新课桌 · 黄竹林小学：50 → 60 套" in out  # a Chinese plan's report is worded in Chinese
    assert "新课桌 · 合计：250 → 260 套" in out
    assert "+ 二、（四） 进一步加强校园安全设施建设 [safety]" in out
    assert "- 二、（一）2、 争取对中学、示范和箐门老教学楼的改造维修。 [facilities.old-buildings]" in out
    assert "正文：…教师、为学生服务的思想，[-逐步-]{+加快+}" in out
    assert "编号：YK-JH-0025 → YK-JH-0026" in out
    assert out.splitlines()[1] == "文件信息" and "条目" in out.splitlines() and "目标" in out.splitlines()
    assert not any(w in out for w in ("Document", "Items", "Targets", "total", "budget", "text:"))
    assert "\033[" not in out  # no colour when not on a terminal
    english = run("diff", str(SEED), str(NEXT), "--lang", "en").stdout
    assert "新课桌 · total: 250 → 260 套" in english and "number: YK-JH-0025 → YK-JH-0026" in english
    assert "budget · total: 0.00 → 121,200.00 元" in english  # money with its currency's decimals
    coloured = run("diff", str(SEED), str(NEXT), "--color", "always").stdout
    assert "\033[31m逐步\033[0m" in coloured


def test_diff_markdown_format():
    proc = run("diff", str(SEED), str(NEXT), "--format", "markdown")
    assert proc.returncode == 1
    assert proc.stdout.startswith("## plangen diff `")
    assert "### 目标" in proc.stdout and "~~逐步~~**加快**" in proc.stdout
    assert "- 新增 **二、（四）**" in proc.stdout


def test_identical_plans_exit_0_with_no_output():
    for fmt in ("text", "markdown"):
        proc = run("diff", str(SEED), str(SEED), "--format", fmt)
        assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""
    proc = run("diff", str(SEED), str(SEED), "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["identical"] is True


def test_diff_errors_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("plangen: 1\ndocument: [\n", encoding="utf-8")
    proc = run("diff", str(SEED), str(bad))
    no_traceback(proc)
    assert proc.returncode == 2 and f"{bad}:3:1: document: YAML syntax error" in proc.stderr
    assert run("diff", str(SEED)).returncode == 2


def test_a_plan_with_a_duplicate_target_id_is_refused_not_diffed(tmp_path):
    """Two targets with one id cannot be matched across versions: the diff is an error (exit 2),
    never 'no differences'."""
    dup = tmp_path / "dup.yaml"
    dup.write_text(SEED.read_text(encoding="utf-8").replace("{id: cabinets, what: 档案柜", "{id: desks, what: 档案柜"),
                   encoding="utf-8")
    proc = run("diff", str(SEED), str(dup))
    no_traceback(proc)
    assert proc.returncode == 2 and proc.stdout == ""
    assert f"{dup}:74:22: sections[1].items[0].items[3].targets[0].id: duplicate id 'desks' (first at line 69)" \
        in proc.stderr, proc.stderr


def test_english_text_changes_word_by_word(tmp_path):
    new = tmp_path / "it.yaml"
    new.write_text(ENGLISH.read_text(encoding="utf-8").replace("Refresh the oldest student laptops.",
                                                                 "Refresh the oldest staff laptops."), encoding="utf-8")
    d = diff_json(ENGLISH, new)
    (change,) = d["items"]
    assert change["id"] == "aims.devices" and change["path"] == "1.2"
    assert ["-", "student"] in change["fields"]["text"]["diff"] and ["+", "staff"] in change["fields"]["text"]["diff"]


def test_moved_and_renumbered_items_without_ids(tmp_path):
    def strip_ids(text: str) -> str:
        import re
        return re.sub(r"\n\s*- id: [\w.-]+\n(\s*)", lambda m: "\n" + m.group(1)[:-2] + "- ", text)
    old_text = strip_ids(ENGLISH.read_text(encoding="utf-8"))
    old = tmp_path / "old.yaml"
    old.write_text(old_text, encoding="utf-8")
    # swap the two measures: a move, not a removal plus an addition
    a = "      - title: Staff training\n        text: Two hands-on sessions per term on the learning platform, recorded for those who miss them.\n"
    b = "      - title: Helpdesk\n        text: Answer every ticket within one school day; publish monthly response times.\n"
    assert a in old_text and b in old_text
    new = tmp_path / "new.yaml"
    new.write_text(old_text.replace(a + b, b + a), encoding="utf-8")
    d = diff_json(old, new)
    changes = [(i["change"], i["title"], i["path"], i.get("old_path")) for i in d["items"]]
    # a swap: the item now standing earlier (Helpdesk, moved up) is the one reported as moved
    assert [c for c in changes if c[0] == "moved"] == [("moved", "Helpdesk", "2.1", "2.2")]
    assert not [c for c in changes if c[0] in ("added", "removed")]


@pytest.mark.parametrize("values, moved", [
    ([1, 0], {0}),  # two siblings swapped: the one moved up
    ([0, 2, 1, 3], {1}),  # C lifted above B
    ([4, 0, 1, 2, 3], {0}),  # the last one moved to the top
    ([1, 2, 3, 4, 0], {4}),  # the first one moved to the end: fewest moves win over "moved up"
    ([2, 3, 0, 1], {0, 1}),  # two pairs swapped as blocks: the block now in front moved
    ([3, 1, 2, 0], {0, 3}),
    ([], set()),
])
def test_the_fewest_siblings_are_reported_as_moved_and_a_tie_goes_to_the_one_moved_up(values, moved):
    from plangen.compare.diff import _increasing
    assert set(range(len(values))) - _increasing(values) == moved


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.invalid", "HOME": str(repo), "PATH": "/usr/bin:/bin"})


def seed_repo(tmp_path, commit_next: bool = True):
    """A git repository with the seed committed as plans/plan.yaml, then the 2022 plan in its
    place: committed too, or left as the working file's change."""
    r = tmp_path / "repo"
    (r / "plans").mkdir(parents=True)
    git(r, "init", "-q")
    shutil.copy(SEED, r / "plans" / "plan.yaml")
    git(r, "add", ".")
    git(r, "commit", "-q", "-m", "2021")
    shutil.copy(NEXT, r / "plans" / "plan.yaml")
    if commit_next:
        git(r, "commit", "-q", "-am", "2022")
    return r


@pytest.fixture
def repo(tmp_path):
    return seed_repo(tmp_path)


def test_diff_between_git_revisions(repo):
    proc = run("diff", "HEAD~1:plans/plan.yaml", "plans/plan.yaml", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    assert "新课桌 · 黄竹林小学：50 → 60 套" in proc.stdout
    assert proc.stdout.startswith("plangen diff HEAD~1:plans/plan.yaml → plans/plan.yaml")
    red = run("redline", "HEAD~1:plans/plan.yaml", "plans/plan.yaml", "-o", "changes.html", cwd=repo)
    assert red.returncode == 0, red.stderr
    heading = (repo / "changes.html").read_text(encoding="utf-8").split("<h1>")[1].split("</h1>")[0]
    assert heading.count('<span class="nobr">YK-JH-002') == 2  # document numbers never break at a hyphen
    heading = heading.replace('<span class="nobr">', "").replace("</span>", "")
    # an office names a plan by its title, number and date; the revision only where those are the same
    assert heading == ("修订对照：《新学期后勤总务2021年工作计划（新编版）》（YK-JH-0025，2021年2月20日） → "
                       "《新学期后勤总务2022年工作计划（新编版）》（YK-JH-0026，2022年2月18日）")
    same = run("diff", "HEAD:plans/plan.yaml", "plans/plan.yaml", cwd=repo)
    assert same.returncode == 0 and same.stdout == ""


@pytest.mark.parametrize("spec,message", [
    ("--output={tmp}/x:plans/plan.yaml", "a revision may not start with '-'"),
    ("-p:plans/plan.yaml", "a revision may not start with '-'"),
    ("nosuchrev:plans/plan.yaml", "nosuchrev: not a revision"),
    ("HEAD:plans/nope.yaml", "no such file at that revision"),
])
def test_bad_revisions_are_refused(repo, tmp_path, spec, message):
    spec = spec.format(tmp=tmp_path)
    proc = run("diff", "--", spec, "plans/plan.yaml", cwd=repo)  # past argparse's own option check
    no_traceback(proc)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert not (repo / "x").exists() and not (tmp_path / "x").exists()


def test_git_diff_uses_textconv(repo):
    (repo / ".gitattributes").write_text("plans/*.yaml diff=plangen\n")
    git(repo, "config", "diff.plangen.textconv", f"{sys.executable} -m plangen textconv")
    out = subprocess.run(["git", "-c", "core.pager=cat", "diff", "HEAD~1", "HEAD", "--", "plans/plan.yaml"], cwd=repo,
                         capture_output=True, text=True, check=True, env={"PATH": "/usr/bin:/bin", "HOME": str(repo),
                                                                         "PYTHONPATH": str(ROOT / "src")}).stdout
    assert "-YK-JH-0025 新学期后勤总务2021年工作计划（新编版）" in out
    assert "+YK-JH-0026 新学期后勤总务2022年工作计划（新编版）" in out
    assert "+    target 新课桌: 60 套 × 黄竹林小学 = 60 套 · budget 18000" in out
    assert "-（一）进一步" not in out  # unchanged headings are context, not changes


def test_textconv_of_an_invalid_plan_shows_it_as_it_is(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("plangen: 1\ndocument: [\n", encoding="utf-8")
    proc = run("textconv", str(bad))
    assert proc.returncode == 0 and proc.stdout == "plangen: 1\ndocument: [\n"


def test_pre_commit_hook_definition():
    import yaml
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "plangen-check" and hook["entry"] == "plangen check" and hook["language"] == "python"


def test_new_plan_for_next_year(tmp_path):
    out = tmp_path / "2022.yaml"
    proc = run("new", "--from", str(SEED), "--year", "2022", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/plan.schema.json\n")
    assert "# the seed numbers these 1、2、3、 directly under 三、" in text  # comments kept
    assert run("check", str(out)).returncode == 0
    d = diff_json(SEED, out)
    assert {m["field"] for m in d["metadata"]} == {"number", "title", "year", "date"}
    assert d["items"] == [] and d["targets"] == [] and d["units"] == []
    source_lines = SEED.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(source_lines, text.splitlines()) if a != b]
    assert len(changed) == 4 and len(source_lines) == len(text.splitlines())


def test_new_plan_resets_values_and_moves_dates(tmp_path):
    out = tmp_path / "it.yaml"
    proc = run("new", "--from", str(ENGLISH), "--year", "2026", "-o", str(out), "--number-format", "RSD-IT-{year}-{seq:02d}")
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "number: RSD-IT-2026-02" in text
    assert "value: IT Services" in text  # a cover's text value carries over (only a date goes)
    assert "deadline: 2026-08-15" in text
    assert "in 2026." in text
    again = run("new", "--from", str(ENGLISH), "--year", "2026", "-o", str(out))
    assert again.returncode == 2 and "exists; use --force" in again.stderr
    assert again.stderr.count("\n") == 1, again.stderr  # the one error: no notices, nothing was done


def _diff_json_in_process(old, new) -> dict:
    from plangen.compare.diff import diff_plans
    from plangen.compare.report import as_json
    from plangen.render.theme import load_theme
    from plangen.source.load import load_plan
    a, b = load_plan(old).plan, load_plan(new).plan
    theme = load_theme()
    d = diff_plans(a, b, theme.wording(a.document.language), theme.wording(b.document.language), str(old), str(new))
    return json.loads(as_json(d))


def test_every_example_diff_matches_the_json_schema(tmp_path):
    import jsonschema

    import revision
    from conftest import PLANS
    schema = json.loads((ROOT / "schema" / "diff.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    revised = revision.revision(tmp_path / "revised.yaml")
    pairs = [(a, b) for a in PLANS for b in PLANS] + [(NEXT, revised), (revised, NEXT)]
    for old, new in pairs:
        jsonschema.validate(_diff_json_in_process(old, new), schema)
    d = _diff_json_in_process(NEXT, revised)
    assert {i["change"] for i in d["items"]} == {"changed", "moved"} and d["units"][0]["change"] == "removed"
    with pytest.raises(jsonschema.ValidationError):  # the schema can fail: a list where text belongs
        jsonschema.validate({**d, "items": [{**d["items"][0], "fields": {"text": {"old": ["a"], "new": "b"}}}]}, schema)


def test_the_readme_json_example_comes_from_a_real_run():
    import jsonschema
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = json.loads(readme.split("The JSON shape (`--format json`)")[1].split("```json\n")[1].split("```")[0])
    jsonschema.validate(example, json.loads((ROOT / "schema" / "diff.schema.json").read_text(encoding="utf-8")))
    real = diff_json(SEED, NEXT)
    assert set(example) == set(real)
    for key, value in example.items():
        if isinstance(value, list):
            assert all(entry in real[key] for entry in value), key
        else:
            assert real[key] == value or key in ("old", "new"), key
    assert example["old"].endswith("plans/2021-logistics.yaml") and example["new"].endswith("plans/2022-logistics.yaml")


def test_cover_field_changes_read_as_labels_and_values(tmp_path):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    text = SEED.read_text(encoding="utf-8")
    old.write_text(text, encoding="utf-8")
    assert "    - label: 部门\n" in text
    new.write_text(text.replace("    - label: 部门\n", "    - label: 部门\n      value: 后勤处\n", 1), encoding="utf-8")
    proc = run("diff", str(old), str(new), "--color", "never")
    assert proc.returncode == 1, proc.stderr
    assert "封面栏目：部门：—、姓名：—、日期：— → 部门：后勤处、姓名：—、日期：—" in proc.stdout


def test_textconv_prints_labels_as_the_documents_do():
    """English labels are followed by a space ("1. Aims"), Chinese ones are not ("一、指导思想")."""
    en = subprocess.run([sys.executable, "-m", "plangen", "textconv", str(ROOT / "plans" / "2025-it-services.yaml")],
                        capture_output=True, text=True, check=True).stdout.splitlines()
    assert "1. Aims  [aims]" in en and "1.1 Network  [aims.network]" in en
    zh = subprocess.run([sys.executable, "-m", "plangen", "textconv", str(SEED)],
                        capture_output=True, text=True, check=True).stdout
    assert "一、指导思想" in zh and "一、 " not in zh


def test_a_long_text_change_shows_its_changed_words_not_two_equal_shortened_values():
    from plangen.compare.diff import PlanDiff
    from plangen.compare.report import as_text
    old = "This plan sets out what Estates will deliver across the group's sites in FY2027, " + "x" * 60
    d = PlanDiff("a", "b", "en", metadata=[{"field": "preface", "old": old, "new": old.replace("FY2027", "FY2028")}])
    text = as_text(d)
    assert "[-FY2027-]{+FY2028+}" in text, text
    assert "52.3" not in text
    d = PlanDiff("a", "b", "en", metadata=[{"field": "title", "old": "Cut use by 52.3%", "new": "Cut use by 58.1%"}])
    assert "Cut use by 52.3% → Cut use by 58.1%" in as_text(d)
    from plangen.compare.diff import inline_diff
    assert inline_diff("降低52.3%", "降低58.1%", "zh") == [["=", "降低"], ["-", "52.3"], ["+", "58.1"], ["=", "%"]]


def test_a_preface_change_past_the_shortened_length_is_shown_as_its_changed_words(tmp_path):
    text = ENGLISH.read_text(encoding="utf-8")
    old_line = "    - This plan sets out what IT Services will deliver to the district's schools in 2025.\n"
    assert old_line in text and len(old_line.strip()) > 80  # the change is past the 80th character
    new = tmp_path / "new.yaml"
    new.write_text(text.replace(old_line, old_line.replace("in 2025.", "in 2026.")), encoding="utf-8")
    proc = run("diff", str(ENGLISH), str(new))
    line = next(x for x in proc.stdout.splitlines() if x.strip().startswith("preface:"))
    assert line == "  preface: …district's schools in [-2025-]{+2026+}. ¶ Every target…"  # whole words of context
    proc = run("diff", str(ENGLISH), str(new), "--format", "markdown")
    assert "- preface: …district's schools in ~~2025~~**2026**. ¶ Every target…" in proc.stdout.splitlines()


def test_a_changed_deadline_owner_or_status_is_a_difference(tmp_path):
    """A stranger changed an owner and a deadline: diff said nothing and exited 0, and the
    redline's summary said 无变化 while its body marked the change."""
    new = tmp_path / "new.yaml"
    text = NEXT.read_text(encoding="utf-8")
    for old, changed in (("owner: 后勤办, deadline: 2022-06-30}", "owner: 总务处, deadline: 2022-04-30}"),
                         ("budget: 1500, owner: 后勤办}", "budget: 1500, owner: 后勤办, status: done}")):
        assert old in text, old
        text = text.replace(old, changed, 1)
    new.write_text(text, encoding="utf-8")
    proc = run("diff", str(NEXT), str(new))
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert "  监控摄像头 · 负责人：后勤办 → 总务处" in lines
    assert "  监控摄像头 · 完成时限：2022年6月30日 → 2022年4月30日" in lines
    assert "  灭火器 · 状态：— → 已完成" in lines
    d = diff_json(NEXT, new)
    assert not d["identical"] and [(s["what"], s["field"], s["old"], s["new"]) for s in d["schedule"]] == [
        ("监控摄像头", "deadline", "2022-06-30", "2022-04-30"), ("监控摄像头", "owner", "后勤办", "总务处"),
        ("灭火器", "status", None, "done")]
    summary = run("redline", str(NEXT), str(new), "-o", str(tmp_path / "r.html"))
    assert summary.returncode == 0, summary.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "无变化" not in page and "负责人：后勤办 → 总务处" in page


def test_a_long_chinese_title_is_shown_as_its_changed_words_in_every_report():
    """About 60 characters of Chinese are 120 columns, long as a terminal shows them: only the
    year changed, so the text, the Markdown and the redline's summary show 2027 → 2028 in
    context, not both titles whole (a short title still reads old → new)."""
    from plangen.compare.diff import PlanDiff
    from plangen.compare.report import as_markdown, as_runs, as_text
    old = "某市某区东湖街道办事处综合治理办公室关于印发2027年度安全生产与社会治安综合治理暨平安社区创建工作计划的通知"
    assert len(old) < 80
    d = PlanDiff("a", "b", "zh", metadata=[{"field": "title", "old": old, "new": old.replace("2027", "2028")}])
    line = next(x for x in as_text(d).splitlines() if "标题" in x)
    assert "[-2027-]{+2028+}" in line and line.count("年度") == 1 and "→" not in line, line
    assert "~~2027~~**2028**" in as_markdown(d) and as_markdown(d).count("东湖街道") == 1
    summary = next(line for line in as_runs(d) if "标题" in line[0][1])
    assert ["-", "2027"] in summary and ["+", "2028"] in summary and "".join(t for _o, t in summary).count("印发") == 1
    short = PlanDiff("a", "b", "zh", metadata=[{"field": "title", "old": "后勤总务2021年工作计划", "new": "后勤总务2022年工作计划"}])
    assert "后勤总务2021年工作计划 → 后勤总务2022年工作计划" in as_text(short)
