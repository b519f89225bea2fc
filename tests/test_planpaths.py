"""A folder given where plans are taken means the plans in it: the set `plans/*.yaml` takes
(no progress files, no hidden files, no subfolders), with links out of the folder refused
when read, as they are for the default glob."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, SEED, no_traceback, run
from plangen.errors import UsageError
from plangen.planpaths import one_plan, plan_paths, plans_in


@pytest.fixture
def folder(tmp_path):
    plans = tmp_path / "plans"
    (plans / "sub").mkdir(parents=True)
    for name in ("b.yaml", "a.yaml", "a.progress.yaml", ".hidden.yaml", "notes.txt", "c.yml", "sub/d.yaml"):
        (plans / name).write_text("plangen: 1\n", encoding="utf-8")
    return plans


def test_a_folder_means_the_plans_in_it_as_the_default_glob_takes_them(folder, monkeypatch):
    assert plan_paths([str(folder)]) == [str(folder / "a.yaml"), str(folder / "b.yaml")]
    assert plan_paths([str(folder) + "/"]) == [str(folder / "a.yaml"), str(folder / "b.yaml")]
    monkeypatch.chdir(folder.parent)
    assert plan_paths(["plans"]) == plan_paths([]) == ["plans/a.yaml", "plans/b.yaml"]
    # named twice (through the folder and directly): once; a file given stays where it was given
    assert plan_paths(["plans/b.yaml", "plans"]) == ["plans/b.yaml", "plans/a.yaml"]
    # the progress file given with its plan is read with it, as `plans/*.yaml` expands
    assert plan_paths(["plans/a.yaml", "plans/a.progress.yaml"]) == ["plans/a.yaml"]


def test_an_empty_folder_is_a_usage_error(tmp_path):
    (tmp_path / "x.progress.yaml").write_text("progress: 1\n", encoding="utf-8")
    with pytest.raises(UsageError) as info:
        plan_paths([str(tmp_path)])
    assert str(info.value) == f"{tmp_path}: no plan files in this folder (*.yaml, not *.progress.yaml)"


def test_a_command_of_one_plan_takes_a_folder_holding_one(folder, tmp_path):
    single = tmp_path / "single"
    single.mkdir()
    (single / "only.yaml").write_text("", encoding="utf-8")
    (single / "only.progress.yaml").write_text("", encoding="utf-8")
    assert one_plan(str(single)) == str(single / "only.yaml")
    assert one_plan("x/y.yaml") == "x/y.yaml"
    with pytest.raises(UsageError) as info:
        one_plan(str(folder))
    assert str(info.value) == f"{folder}: holds 2 plans (a.yaml, b.yaml); name one"


def test_check_of_the_plans_folder_checks_what_the_default_checks():
    by_folder, default = run("check", "plans/"), run("check")
    assert by_folder.returncode == default.returncode == 0, by_folder.stderr
    count = len(plans_in(str(ROOT / "plans")))
    assert by_folder.stdout == default.stdout == f"{count} plan file(s) OK\n"


def test_a_link_out_of_the_folder_is_refused_when_read(tmp_path):
    plans, outside = tmp_path / "plans", tmp_path / "outside"
    plans.mkdir()
    outside.mkdir()
    shutil.copy(SEED, plans / "2021-logistics.yaml")
    shutil.copy(SEED, outside / "secret.yaml")
    (plans / "linked.yaml").symlink_to(outside / "secret.yaml")
    proc = run("check", "plans", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1
    assert f"plans/linked.yaml: is a link to {outside / 'secret.yaml'}, outside plans" in proc.stderr
    assert proc.stderr.splitlines()[-1] == "1 error(s) in 1 of 2 file(s)"


def test_targets_and_progress_take_a_folder_of_one_plan(tmp_path):
    shutil.copy(SEED, tmp_path / "2021-logistics.yaml")
    shutil.copy(SEED.with_name("2021-logistics.progress.yaml"), tmp_path / "2021-logistics.progress.yaml")
    targets = run("targets", str(tmp_path), "--unit", "shuitangba", "--format", "csv")
    assert targets.returncode == 0, targets.stderr
    assert targets.stdout.splitlines()[1] == "水塘坝小学,50,1,2"  # 新课桌, 电脑, 档案柜
    progress = run("progress", str(tmp_path), "--unit", "shuitangba")
    assert progress.returncode == 0, progress.stderr
    assert progress.stdout.splitlines()[0].startswith("水塘坝小学：截至2021年12月20日，计划目标共3项（按学校计），已完成2项")
    shutil.copy(SEED, tmp_path / "2022-copy.yaml")
    two = run("targets", str(tmp_path))
    assert two.returncode == 2
    assert two.stderr.strip() == f"plangen: {tmp_path}: holds 2 plans (2021-logistics.yaml, 2022-copy.yaml); name one"


def test_build_of_a_folder_builds_its_plans_and_reads_progress_with_them(tmp_path):
    plans, out = tmp_path / "plans", tmp_path / "out"
    plans.mkdir()
    shutil.copy(SEED, plans / "2021-logistics.yaml")
    shutil.copy(SEED.with_name("2021-logistics.progress.yaml"), plans / "2021-logistics.progress.yaml")
    proc = run("build", str(plans), "--format", "html", "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.glob("*.html")) == ["2021-logistics.html", "2021-logistics.report.html"]
