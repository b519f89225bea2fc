"""Every command has help with an example, and the README documents it."""
from __future__ import annotations

import pytest

from conftest import ROOT, run
from plangen.cli import parser

COMMANDS = sorted(parser()._subparsers._group_actions[0].choices)


def test_the_commands_are_the_agreed_set():
    assert sorted(["check", "build", "targets", "diff", "redline", "new", "schema", "watch", "textconv", "init",
                   "preview", "fill", "progress", "report"]) == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_has_an_example_and_is_in_the_readme(command):
    proc = run(command, "--help")
    assert proc.returncode == 0
    assert "Example: plangen " in proc.stdout or "Example: git config" in proc.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`plangen {command}" in readme


def test_readme_opens_with_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    assert block.splitlines()[0].startswith("bash scripts/setup render")
    assert block.splitlines()[1].startswith("bash scripts/setup test")
    assert "bash scripts/setup test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_version():
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("plangen ")
