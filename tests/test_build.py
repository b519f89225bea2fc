"""`plangen build`: every plan, incremental, parallel, sharded, reproducible, atomic."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from conftest import ENGLISH, PLANS, ROOT, SEED, digests, no_traceback, run
from plangen.build.orchestrator import Options, plan_jobs, shard
from plangen.source.load import load_plan
from plangen.source.progress import progress_path


def test_build_without_arguments_builds_every_plan(tmp_path):
    work = tmp_path / "project"
    shutil.copytree(ROOT / "plans", work / "plans")
    proc = run("build", "--out", str(work / "output"), cwd=work, timeout=600)
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (work / "output").iterdir() if not p.name.startswith("."))
    reports = [f"{p.stem}.report.{fmt}" for p in PLANS if progress_path(p).exists() for fmt in ("docx", "pdf")]
    assert reports == ["2021-logistics.report.docx", "2021-logistics.report.pdf"]  # beside a progress file
    assert names == sorted([f"{p.stem}.{fmt}" for p in PLANS for fmt in ("docx", "pdf")] + reports)


def test_two_builds_in_separate_processes_are_byte_identical(tmp_path):
    for out in ("a", "b"):
        proc = run("build", str(SEED), str(ENGLISH), "--per-unit", "--format", "docx,pdf,html",
                   "--out", str(tmp_path / out), "-q", "-j", "2", timeout=600)
        assert proc.returncode == 0, proc.stderr
    a, b = digests(tmp_path / "a", hidden=False), digests(tmp_path / "b", hidden=False)
    assert len(a) == 3 * (2 + 5 + 3 + 1)  # + the seed's progress report
    assert a == b


def test_docx_zip_entries_have_fixed_timestamps(built):
    with zipfile.ZipFile(built / "2021-logistics.docx") as z:
        infos = z.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_incremental_build_rebuilds_only_what_changed(tmp_path):
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "plans", plans)
    out = tmp_path / "out"
    args = [str(plans / "2021-logistics.yaml"), str(plans / "2025-it-services.yaml"), "--out", str(out), "--format", "docx"]
    first = run("build", *args)
    assert first.returncode == 0 and "3 file(s) written, 0 up to date" in first.stderr  # + the seed's report
    again = run("build", *args)
    assert "0 file(s) written, 3 up to date" in again.stderr
    before = digests(out, hidden=False)
    plan = plans / "2025-it-services.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Refresh the oldest", "Replace the oldest"), encoding="utf-8")
    changed = run("build", *args)
    assert "1 file(s) written, 2 up to date" in changed.stderr
    after = digests(out, hidden=False)
    assert before["2021-logistics.docx"] == after["2021-logistics.docx"]
    assert before["2025-it-services.docx"] != after["2025-it-services.docx"]
    forced = run("build", *args, "--force")
    assert "3 file(s) written" in forced.stderr
    # an output changed by hand is rebuilt
    (out / "2021-logistics.docx").write_bytes(b"edited")
    assert "1 file(s) written, 2 up to date" in run("build", *args).stderr
    # other options are other outputs
    assert "3 file(s) written" in run("build", *args[:-1], "pdf").stderr
    # a changed progress file rebuilds the seed's report only
    progress = plans / "2021-logistics.progress.yaml"
    progress.write_text(progress.read_text(encoding="utf-8").replace("done: 55", "done: 56"), encoding="utf-8")
    report = digests(out)["2021-logistics.report.pdf"]
    assert "1 file(s) written, 2 up to date" in run("build", *args[:-1], "pdf").stderr
    assert digests(out)["2021-logistics.report.pdf"] != report


def test_a_failing_plan_is_reported_and_the_rest_build(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("plangen: 1\ndocument: {}\n", encoding="utf-8")
    proc = run("build", str(bad), str(ENGLISH), "--out", str(tmp_path / "out"), "--format", "docx")
    no_traceback(proc)
    assert proc.returncode == 1
    assert f"{bad}:2:1: document.number: required key is missing" in proc.stderr
    assert (tmp_path / "out" / "2025-it-services.docx").exists()
    assert "1 plan(s) failed" in proc.stderr


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_shards_cover_every_job_exactly_once(count):
    options = Options(per_unit=True)
    jobs = [j for p in PLANS for j in plan_jobs(str(p), load_plan(p), options, "k", None)]
    slices = [shard(jobs, i, count) for i in range(1, count + 1)]
    flat = [j.stem for s in slices for j in s]
    assert sorted(flat) == sorted(j.stem for j in jobs)
    assert len(flat) == len(set(flat)) == 3 + 5 + 5 + 3 + 1  # + the seed's progress report


def test_shard_option_builds_a_slice(tmp_path):
    outs = []
    for i in (1, 2):
        proc = run("build", str(SEED), "--per-unit", "--format", "html", "--shard", f"{i}/2", "--out", str(tmp_path), "-q")
        assert proc.returncode == 0, proc.stderr
        outs.append(len([p for p in tmp_path.rglob("*.html")]))
    assert outs == [4, 7]  # the plan, its report and 5 schools
    bad = run("build", str(SEED), "--shard", "3/2")
    assert bad.returncode == 2 and "--shard 3/2" in bad.stderr


def test_killed_build_leaves_previous_outputs_and_no_temporary_files(tmp_path):
    out = tmp_path / "out"
    args = ["build", *map(str, PLANS), "--per-unit", "--format", "docx,pdf", "--out", str(out), "-j", "2"]
    assert run(*args, "-q", timeout=600).returncode == 0
    before = digests(out, hidden=False)
    proc = subprocess.Popen([sys.executable, "-m", "plangen", *args, "--force", "-q"], cwd=ROOT,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    assert proc.returncode != 0
    assert not list(out.rglob("*.tmp"))
    after = digests(out, hidden=False)
    assert set(after) == set(before)
    for name in after:  # each file is whole: the old one or a complete new one
        path = out / name
        if name.endswith(".docx"):
            assert zipfile.ZipFile(path).testzip() is None
        else:
            assert path.read_bytes().rstrip().endswith(b"%%EOF")


def test_timeout_stops_a_runaway_render(tmp_path):
    proc = run("build", str(SEED), "--format", "pdf", "--timeout", "0.05", "--out", str(tmp_path), "-j", "1")
    no_traceback(proc)
    assert proc.returncode == 1
    assert f"{SEED}: pdf: took longer than 0.05 s (--timeout)" in proc.stderr, proc.stderr
    assert not list(tmp_path.rglob("*.pdf")) and not list(tmp_path.rglob("*.tmp"))


def test_document_date_comes_from_source_date_epoch(tmp_path):
    plan = tmp_path / "p.yaml"
    plan.write_text((ROOT / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1614556800"}  # 2021-03-01
    proc = subprocess.run([sys.executable, "-m", "plangen", "build", str(plan), "--format", "docx",
                           "--out", str(tmp_path / "o"), "-q"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    import docx
    props = docx.Document(str(tmp_path / "o" / "p.docx")).core_properties
    assert props.created.date().isoformat() == "2021-03-01"


def test_watch_rebuilds_when_a_plan_is_saved(tmp_path):
    plan = tmp_path / "p.yaml"
    plan.write_text((ROOT / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "plangen", "watch", str(plan), "--format", "html", "--out", str(out),
                             "--debounce", "0.05", "-q"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        html = out / "p.html"
        deadline = time.monotonic() + 60
        while not html.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "各校采购50套新课桌" in html.read_text(encoding="utf-8")
        plan.write_text(plan.read_text(encoding="utf-8").replace("50套", "60套"), encoding="utf-8")
        while "60套" not in html.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "各校采购60套新课桌" in html.read_text(encoding="utf-8")
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Traceback" not in err


def _collector_during_job(job: int) -> list:
    """A job that reports the cycle collector's state in the worker while it runs."""
    import gc
    return [(job, gc.isenabled(), gc.get_freeze_count() > 0)]


def test_workers_render_with_the_cycle_collector_paused():
    """GC_NOTE (build/workers.py): a job runs with the collector off (it walked WeasyPrint's
    objects for 14 % of a long document's CPU) and what the worker started with frozen out of
    collections; the collector is back on between jobs, so a worker's memory is still collected."""
    import gc

    from plangen.build import workers
    try:
        results = [out for _job, out in workers.run_in_workers(_collector_during_job, [1, 2, 3], 1, timeout=60)]
    finally:
        workers.shutdown()
    assert sorted(results) == [[(1, False, True)], [(2, False, True)], [(3, False, True)]]
    assert gc.isenabled()  # the parent's collector is untouched
