"""Progress files in git and in editors: textconv, `plangen diff`, the JSON Schema, and the
report's .docx as LibreOffice draws it."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import jsonschema
import pytest
import yaml

from conftest import PROGRESS, ROOT, SEED, requires, run, soffice_convert
from plangen.source.schema import schema_text

ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.invalid", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src")}


def _mid_year() -> str:
    text = PROGRESS.read_text(encoding="utf-8")
    return text[:text.index("  - date: 2021-12-20")]


@pytest.fixture()
def repo(tmp_path):
    """A repository whose progress file gained its year-end entry in the second commit."""
    r = tmp_path / "repo"
    (r / "plans").mkdir(parents=True)
    shutil.copy(SEED, r / "plans" / "2021-logistics.yaml")
    (r / "plans" / "2021-logistics.progress.yaml").write_text(_mid_year(), encoding="utf-8")
    (r / ".gitattributes").write_text("plans/*.yaml diff=plangen\n")
    for args in (["init", "-q"], ["config", "diff.plangen.textconv", f"{sys.executable} -m plangen textconv"],
                 ["add", "."], ["commit", "-q", "-m", "mid-year"]):
        subprocess.run(["git", *args], cwd=r, check=True, capture_output=True, env={**ENV, "HOME": str(r)})
    shutil.copy(PROGRESS, r / "plans" / "2021-logistics.progress.yaml")
    subprocess.run(["git", "commit", "-q", "-am", "year end"], cwd=r, check=True, capture_output=True,
                   env={**ENV, "HOME": str(r)})
    return r


def test_git_log_shows_what_was_done(repo):
    out = subprocess.run(["git", "-c", "core.pager=cat", "log", "-p", "-1", "--", "plans/2021-logistics.progress.yaml"],
                         cwd=repo, capture_output=True, text=True, check=True, env={**ENV, "HOME": str(repo)}).stdout
    assert "+2021-12-20 黄竹林小学 新课桌 20 → 50 套 done" in out
    assert "+2021-12-20 水塘坝小学 新课桌 10 → 55 套 done · note 新增一个班，多购5套" in out
    assert "+2021-12-20 示范小学 旗台改造维修 0 → 0 项 dropped · note 并入2022年操场改造" in out
    assert "-2021-06-30" not in out  # the mid-year lines are context


def test_plangen_diff_of_two_progress_versions(repo):
    proc = run("diff", "HEAD~1:plans/2021-logistics.progress.yaml", "plans/2021-logistics.progress.yaml",
               "--color", "never", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == ("progress HEAD~1:plans/2021-logistics.progress.yaml (2021-06-30) → "
                        "plans/2021-logistics.progress.yaml (2021-12-20)")
    assert "  黄竹林小学 新课桌 20 → 50 套 done" in lines
    assert "  箐门小学 老教学楼改造维修 0 → 0 栋 in-progress · 资金未到位，顺延至2022年" in lines
    assert "  [facilities.repairs] in-progress → done: 黄竹林小学大门、门房、围墙、地皮全部完成；示范小学舞台完成，" \
           "旗台改造并入2022年操场改造。" in lines
    assert len(lines) == 1 + 14 + 7  # 14 target lines and 7 items changed
    same = run("diff", "plans/2021-logistics.progress.yaml", "plans/2021-logistics.progress.yaml", cwd=repo)
    assert (same.returncode, same.stdout) == (0, "")


def test_textconv_of_an_invalid_progress_file_shows_it_as_it_is(tmp_path):
    shutil.copy(SEED, tmp_path / "x.yaml")
    (tmp_path / "x.progress.yaml").write_text("progress: 1\nentries: [\n", encoding="utf-8")
    proc = run("textconv", str(tmp_path / "x.progress.yaml"))
    assert proc.returncode == 0 and proc.stdout == "progress: 1\nentries: [\n"


def test_committed_progress_schema_is_current_and_the_example_validates():
    committed = ROOT / "schema" / "progress.schema.json"
    assert committed.read_text(encoding="utf-8") == schema_text(progress=True), \
        "schema/progress.schema.json is stale: run `plangen schema --progress > schema/progress.schema.json`"
    schema = json.loads(committed.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    data = json.loads(json.dumps(yaml.safe_load(PROGRESS.read_text(encoding="utf-8")), default=str))
    jsonschema.Draft7Validator(schema).validate(data)
    data["entries"][0]["targets"][0]["doen"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(data)
    assert PROGRESS.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../schema/progress.schema.json")


@requires("soffice", "pdfimages", "pdftotext")
def test_libreoffice_draws_the_docx_chart(tmp_path):
    proc = run("report", str(SEED), "-o", str(tmp_path / "r.docx"))
    assert proc.returncode == 0, proc.stderr
    soffice_convert([tmp_path / "r.docx"], "pdf", tmp_path)
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "r.pdf")], capture_output=True, text=True).stdout
    (image,) = images.splitlines()[2:]
    assert image.split()[3:5] == ["1833", "875"]  # the chart at 300 dpi: 440 x 210 pt
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    assert "附图：目标完成时间分布（按完成时限月份，单位：项）" in text
