"""The command line behaves like git and ruff: did you mean, an unknown option reported with
its command's usage, numbers that make no sense refused (exit 2), no colour on a dumb
terminal, plain progress lines, and REV:path read the way git reads it."""
from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys

import pytest

from conftest import NEXT, ROOT, SEED, no_traceback, run
from plangen.cli import parser
from test_diff import seed_repo


def test_a_mistyped_command_gets_did_you_mean():
    proc = run("buidl", "plans/2021-logistics.yaml")
    no_traceback(proc)
    assert proc.returncode == 2
    first, commands = proc.stderr.splitlines()
    assert first == "plangen: 'buidl' is not a plangen command; did you mean 'build'?"
    assert commands.startswith("  commands: check, build,") and "init" in commands


@pytest.mark.parametrize("args,usage,message", [
    (["build", "--forse"], "usage: plangen build", "unrecognized arguments: --forse; did you mean '--force'?"),
    (["check", "--frobnicate"], "usage: plangen check", "unrecognized arguments: --frobnicate"),
    (["diff", "a", "b", "--colour", "never"], "usage: plangen diff", "unrecognized arguments: --colour never"),
    (["build", "-j", "0"], "usage: plangen build", "argument -j/--jobs: must be at least 1 (found: 0)"),
    (["build", "-j", "two"], "usage: plangen build", "argument -j/--jobs: expected a whole number"),
    (["build", "--timeout", "nan"], "usage: plangen build", "argument --timeout: must be a finite number of seconds above 0"),
    (["build", "--timeout", "-1"], "usage: plangen build", "argument --timeout: must be a finite number"),
    (["build", "--timeout", "inf"], "usage: plangen build", "argument --timeout: must be a finite number"),
    (["watch", "--debounce", "0"], "usage: plangen watch", "argument --debounce: must be a finite number"),
    (["watch", "-j", "0"], "usage: plangen watch", "argument -j/--jobs: must be at least 1"),
])
def test_usage_errors_show_that_commands_usage(args, usage, message):
    proc = run(*args)
    no_traceback(proc)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(usage), proc.stderr
    assert message in proc.stderr.splitlines()[-1], proc.stderr


def test_watch_help_describes_every_option():
    (watch,) = [a.choices["watch"] for a in parser()._actions if hasattr(a, "choices") and isinstance(a.choices, dict)]
    for action in watch._actions:
        assert action.help, f"plangen watch: {action.option_strings or action.dest} has no help"
    text = run("watch", "--help").stdout
    for option in ("--format", "--out", "--templates", "--per-unit", "--pdf-variant", "--debounce", "--jobs", "--shard"):
        assert option in text


def test_build_prints_plain_paths(tmp_path):
    proc = run("build", str(SEED), "--format", "docx,html", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert f"built {tmp_path}/2021-logistics.docx, {tmp_path}/2021-logistics.html" in proc.stderr.splitlines()
    assert "{" not in proc.stderr


def _on_a_terminal(args: list[str], term: str) -> str:
    """Run plangen with a pseudo-terminal as stdout and stderr; what it wrote."""
    main, child = pty.openpty()
    env = {**os.environ, "TERM": term}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "plangen", *args], stdout=child, stderr=child, cwd=ROOT, env=env)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_no_colour_for_a_dumb_terminal():
    args = ["diff", str(SEED), str(NEXT)]
    assert "\x1b[" in _on_a_terminal(args, "xterm-256color")
    plain = _on_a_terminal(args, "dumb")
    assert "\x1b[" not in plain and "新课桌" in plain


@pytest.fixture
def repo(tmp_path):
    if not shutil.which("git"):
        pytest.skip("git is not installed (bash scripts/setup test installs it)")
    return seed_repo(tmp_path, commit_next=False)


def test_rev_path_follows_git(repo):
    sub = repo / "plans"
    from_root = run("diff", "HEAD:plans/plan.yaml", "plan.yaml", cwd=sub)  # from the repository's root
    here = run("diff", "HEAD:./plan.yaml", "plan.yaml", cwd=sub)  # from the current folder
    assert from_root.returncode == here.returncode == 1, from_root.stderr + here.stderr
    assert "新课桌 · 黄竹林小学：50 → 60 套" in from_root.stdout and "新课桌 · 黄竹林小学：50 → 60 套" in here.stdout
    wrong = run("diff", "HEAD:plan.yaml", "plan.yaml", cwd=sub)  # as git: plan.yaml is not at the root
    assert wrong.returncode == 2 and "HEAD:plan.yaml: no such file at that revision" in wrong.stderr
    up = run("diff", "HEAD:../plans/plan.yaml", "plan.yaml", cwd=sub)
    assert up.returncode == 1, up.stderr
    absolute = run("diff", f"HEAD:{sub / 'plan.yaml'}", "plan.yaml", cwd=sub)
    assert absolute.returncode == 1, absolute.stderr


def test_a_progress_file_given_beside_its_plan_is_read_with_it():
    """`plangen check plans/*.yaml` expands to the progress file too: it is not a plan of its own."""
    plans = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "plans").glob("*.yaml"))
    assert "plans/2021-logistics.progress.yaml" in plans
    proc = run("check", *plans)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{len(plans) - 1} plan file(s) OK"
    alone = run("check", "plans/2021-logistics.progress.yaml")  # on its own: checked against its plan
    assert alone.returncode == 0, alone.stderr
