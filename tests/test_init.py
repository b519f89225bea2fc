"""`plangen init`: a new office's plan repository in one command. The starter plan uses
every key of the format with a comment, passes check, and renders with every item numbered;
init never overwrites and refuses a folder that has plans."""
from __future__ import annotations

import difflib
import json
import re
import zipfile

import pytest
import yaml

from conftest import ROOT, no_traceback, pdftotext, requires, run, squash
from docs import in_order, labelled_starts
from plangen.source.load import load_plan
from plangen.source.schema import schema_text
from plangen.tools.init import starter, starter_plan

YEAR = 2026
MADE = [".gitattributes", ".pre-commit-config.yaml", ".github/workflows/plans.yml", "schema/plan.schema.json",
        "schema/progress.schema.json", ".vscode/settings.json"]


def keys_used(value, into: set) -> set:
    if isinstance(value, dict):
        into.update(value)
        for child in value.values():
            keys_used(child, into)
    elif isinstance(value, list):
        for child in value:
            keys_used(child, into)
    return into


@pytest.mark.parametrize("language", ["zh", "en"])
def test_starter_plan_uses_every_key_once_with_a_comment(language):
    text = starter_plan(language, YEAR)
    schema = json.loads(schema_text())
    keys = set(schema["properties"]) | {k for d in schema["definitions"].values() for k in d.get("properties", {})}
    used = keys_used(yaml.safe_load(text), set())
    assert keys - used == set(), f"the starter plan does not show {sorted(keys - used)}"
    for key in sorted(keys):
        first = next(line for line in text.splitlines() if re.match(rf"\s*(- )?{re.escape(key)}:", line))
        assert "#" in first, f"{language}: the first `{key}:` has no comment: {first!r}"
    comments = " ".join(line.split("#", 1)[1] for line in text.splitlines() if "#" in line)
    if language == "zh":
        assert len(re.findall(r"[\u4e00-\u9fff]", comments)) > 200, "a Chinese office's plan is commented in Chinese"
    else:
        assert not re.search(r"[\u4e00-\u9fff]{2}", comments.replace("一、（一）1、", ""))


@requires("pdftotext")
@pytest.mark.parametrize("language", ["zh", "en"])
def test_init_then_check_and_build_with_every_item_numbered(tmp_path, language):
    proc = run("init", "--language", language, "--name", "office", "--year", str(YEAR), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    plan = tmp_path / "plans" / f"{YEAR}-office.yaml"
    assert plan.is_file() and all((tmp_path / f).is_file() for f in MADE)
    assert load_plan(plan).plan.document.language == language
    assert run("check", cwd=tmp_path).returncode == 0
    proc = run("build", "--format", "docx,pdf", "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    items = len(list(load_plan(plan).plan.walk()))
    starts = labelled_starts(plan)
    assert len(starts) == items >= 6
    pdf = tmp_path / "output" / f"{YEAR}-office.pdf"
    assert in_order(starts, squash(pdftotext(pdf))) == []
    body = zipfile.ZipFile(tmp_path / "output" / f"{YEAR}-office.docx").read("word/document.xml").decode()
    assert body.count("<w:numPr>") == items


def test_init_never_overwrites(tmp_path):
    (tmp_path / ".gitattributes").write_text("*.docx binary\n", encoding="utf-8")
    proc = run("init", str(tmp_path / "."), "--year", str(YEAR))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / ".gitattributes").read_text(encoding="utf-8") == "*.docx binary\n"
    assert "kept" in proc.stderr and ".gitattributes" in proc.stderr
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    proc = run("init", str(tmp_path), "--name", "other")
    no_traceback(proc)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"plangen: {tmp_path / 'plans'}: already has plans ({YEAR}-plan.yaml); "
                                        "init starts a new plan repository and changes nothing here"]
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("args", [["--name", "../x"], ["--name", "计划"], ["--language", "fr"], ["--year", "99"]])
def test_init_usage_errors(tmp_path, args):
    proc = run("init", str(tmp_path), *args)
    no_traceback(proc)
    assert proc.returncode == 2
    assert not (tmp_path / "plans").exists()


@pytest.mark.parametrize("config", [ROOT / ".pre-commit-hooks.yaml", "starter"])
def test_the_hook_checks_plans_only(config):
    data = yaml.safe_load(starter("pre-commit-config.yaml") if config == "starter" else config.read_text(encoding="utf-8"))
    hooks = data if isinstance(data, list) else [h for repo in data["repos"] for h in repo["hooks"]]
    (hook,) = [h for h in hooks if h["id"] == "plangen-check"]
    assert hook["entry"] == "plangen check"
    pattern = re.compile(hook["files"])  # pre-commit matches with re.search
    assert pattern.search("plans/2021-logistics.yaml") and pattern.search("plans/2022-x.yml")
    for other in (".github/workflows/plans.yml", "mkdocs.yml", ".pre-commit-config.yaml", "docs/plans/x.yaml",
                  "schema/plan.schema.json", "plans/old/2019.yaml"):
        assert not pattern.search(other), other


def test_ci_workflow_builds_a_shard_matrix():
    flow = yaml.safe_load(starter("workflow.yml"))
    build = flow["jobs"]["build"]
    shards = build["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, int(build["env"]["SHARDS"]) + 1))
    runs = [step.get("run", "") for step in build["steps"]]
    assert any("plangen build" in r and "--shard ${{ matrix.shard }}/$SHARDS" in r for r in runs)
    assert any("plangen check" in step.get("run", "") for step in flow["jobs"]["check"]["steps"])
    assert starter("gitattributes").splitlines()[-1] == "plans/*.yaml diff=plangen"


def test_an_empty_folder_points_to_init(tmp_path):
    proc = run("check", cwd=tmp_path)
    assert proc.returncode == 2
    assert "`plangen init` starts a plan repository" in proc.stderr.splitlines()[-1]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_next_years_plan_keeps_the_starters_layout(tmp_path, language):
    plan = tmp_path / "plan.yaml"
    plan.write_text(starter_plan(language, YEAR), encoding="utf-8")
    proc = run("new", "--from", str(plan), "--year", str(YEAR + 1), "-o", "-")
    assert proc.returncode == 0, proc.stderr
    old, new = plan.read_text(encoding="utf-8").splitlines(), proc.stdout.splitlines()
    changed = [line for line in difflib.ndiff(old, new) if line[:1] in "+-"]
    keys = {line[2:].split(":")[0].strip(" -") for line in changed}
    assert keys <= {"number", "title", "year", "date", "deadline", "value", "status"}, changed
    # the cover's text value (Department) carries over, the target's status stays planned
    assert len(new) == len(old) and not any(line[2:].strip().startswith(("value", "status")) for line in changed)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_init_sets_editors_up_for_progress_files_too(tmp_path, language):
    """The progress schema is written; the first line the starter plan's comment gives a progress
    file and .vscode/settings.json both name it; a progress file started that way checks."""
    import fnmatch

    import jsonschema
    proc = run("init", "--language", language, "--year", str(YEAR), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "wrote schema/progress.schema.json" in proc.stderr and "wrote .vscode/settings.json" in proc.stderr
    schema_file = tmp_path / "schema" / "progress.schema.json"
    assert schema_file.read_text(encoding="utf-8") == schema_text(progress=True)
    plan = tmp_path / "plans" / f"{YEAR}-plan.yaml"
    (modeline,) = re.findall(r"# yaml-language-server: \$schema=(\S+progress\S+)", plan.read_text(encoding="utf-8"))
    assert (plan.parent / modeline).resolve() == schema_file.resolve()
    settings = json.loads((tmp_path / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    (patterns,) = [globs for path, globs in settings.items() if (tmp_path / path).resolve() == schema_file.resolve()]
    progress = plan.with_name(f"{YEAR}-plan.progress.yaml")
    assert any(fnmatch.fnmatch(str(progress.relative_to(tmp_path)), g) for g in patterns)
    assert not any(fnmatch.fnmatch(str(plan.relative_to(tmp_path)), g) for g in patterns)
    target, unit = ("desks", "yixiao") if language == "zh" else ("laptops", "north")
    text = (f"# yaml-language-server: $schema={modeline}\nprogress: 1\nentries:\n"
            f"  - date: {YEAR}-06-30\n    targets:\n      - {{target: {target}, unit: {unit}, done: 5}}\n")
    progress.write_text(text, encoding="utf-8")
    data = yaml.safe_load(text)
    data["entries"][0]["date"] = data["entries"][0]["date"].isoformat()  # YAML 1.2 editors read a string
    jsonschema.validate(data, json.loads(schema_file.read_text(encoding="utf-8")))
    check = run("check", cwd=tmp_path)
    assert check.returncode == 0 and check.stdout == "1 plan file(s) OK\n", check.stderr
    first = {"zh": f"第一小学：截至{YEAR}年6月30日", "en": f"As of 30 Jun {YEAR}, North School has"}[language]
    assert run("progress", "plans", "--unit", unit, cwd=tmp_path).stdout.startswith(first)
