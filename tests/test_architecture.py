"""The layout's promises: one renderer registry, a library that stands without the CLI,
wording checked once, exit codes from one place, no import cycle inside the package."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import plangen
from conftest import ROOT, SEED, run
from plangen.errors import EXIT_PIPE, EXIT_USAGE, PlanError, UsageError, exit_code
from plangen.render import RENDERERS, Renderer, register

SRC = ROOT / "src" / "plangen"


def test_a_new_format_is_one_registry_line(tmp_path):
    def outline_as_text(outline, theme, options) -> bytes:
        return "\n".join(f"{b.label} {getattr(b, 'title', '')}" for b in outline.blocks if getattr(b, "label", None)).encode()

    register(Renderer("txt", "labels only", outline_as_text))
    try:
        result = plangen.build_plans([str(SEED)], plangen.Options(formats=("txt",), out=tmp_path, jobs=1))
    finally:
        del RENDERERS["txt"]
    assert not result.failed, result.failed
    text = (tmp_path / "2021-logistics.txt").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "一、 指导思想"
    assert "（四） " in text


def test_cli_help_lists_every_registered_format():
    proc = run("build", "--help")
    for name, r in RENDERERS.items():
        assert f"{name}: {r.description}" in " ".join(proc.stdout.split())


def test_redline_refuses_a_suffix_no_renderer_writes(tmp_path):
    proc = run("redline", str(SEED), str(SEED), "-o", str(tmp_path / "x.odt"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"plangen: -o {tmp_path / 'x.odt'}: the file must end in .docx, .pdf or .html"


def test_watch_is_a_library_call(tmp_path):
    import threading
    plan = tmp_path / "p.yaml"
    plan.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    calls: list[list[str]] = []
    stop = threading.Event()

    def on_change(paths: list[str]) -> None:
        calls.append(paths)
        if len(calls) == 1:
            plan.write_text(plan.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        else:
            stop.set()

    worker = threading.Thread(target=plangen.watch, args=(lambda: [str(plan)], plangen.Options(out=tmp_path), on_change),
                              kwargs={"stop": stop}, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert calls == [[str(plan)], [str(plan)]]  # once at the start, once for the save


def _top_level_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("plangen"):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("plangen"))
    return names


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycle_inside_the_package():
    graph = {_module(p): _top_level_imports(p) for p in SRC.rglob("*.py")}
    state: dict[str, int] = {}

    def visit(name: str, stack: list[str]) -> None:
        if state.get(name) == 1:
            raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(name):] + [name]))
        if state.get(name) == 2 or name not in graph:
            return
        state[name] = 1
        for dep in sorted(graph[name]):
            visit(dep, stack + [name])
        state[name] = 2

    for name in sorted(graph):
        visit(name, [])
    anywhere = {_module(p): {n.module for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                             if isinstance(n, ast.ImportFrom) and n.module} for p in SRC.rglob("*.py")}
    # the command's entry points: python -m plangen, the render server's client (the console script)
    # and its forked child, which run the command line
    entries = {"plangen.__main__", "plangen.build.daemon", "plangen.build.caller"}
    users = sorted(m for m, deps in anywhere.items() if "plangen.cli" in deps and m not in entries)
    assert users == [], "the library imports the CLI"


def test_wording_with_an_unknown_placeholder_is_a_located_error(tmp_path):
    theme = tmp_path / "theme"
    (theme / "strings").mkdir(parents=True)
    (theme / "strings" / "zh.yaml").write_text("colon: ：\nrecipient: 分送：{nope}\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        plangen.load_theme(theme).wording("zh")
    assert str(info.value) == f"{theme / 'strings' / 'zh.yaml'}:2:1: recipient: unknown placeholder {{nope}} (allowed: {{Unit_noun}}, {{all}}, {{unit}}, {{unit_noun}}, {{unit_nouns}})"


@pytest.mark.parametrize("value, message", [
    ("'{kind:>999999999}'", "placeholder {kind} may not have a format or conversion"),
    ("'{'", "bad placeholder: Single '{' encountered in format string"),
    ("[a, b]", "must be text (found: list)"),
])
def test_wording_strings_cannot_allocate_or_fail_later(tmp_path, value, message):
    theme = tmp_path / "theme"
    (theme / "strings").mkdir(parents=True)
    (theme / "strings" / "zh.yaml").write_text(f"kind_format: {value}\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        plangen.load_theme(theme).wording("zh")
    assert str(info.value).endswith(f":1:1: kind_format: {message}")


def test_a_partial_wording_file_takes_the_rest_from_the_built_in_one(tmp_path):
    theme = tmp_path / "theme"
    (theme / "strings").mkdir(parents=True)
    (theme / "strings" / "zh.yaml").write_text("all_units: 各科室\n", encoding="utf-8")
    w = plangen.load_theme(theme).wording("zh")
    assert (w.all_units, w.colon) == ("各科室", "：")


def test_exit_codes_come_from_one_function():
    assert exit_code(UsageError("x")) == EXIT_USAGE
    assert exit_code(PlanError([]), "diff") == EXIT_USAGE  # like diff(1): trouble is 2
    assert exit_code(PlanError([]), "check") == 1
    assert exit_code(BrokenPipeError()) == EXIT_PIPE


def test_a_closed_pipe_is_quiet():
    proc = subprocess.run(f"{sys.executable} -m plangen textconv {SEED} | head -c 10 >/dev/null; "
                          f"{sys.executable} -m plangen schema | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}",
                          shell=True, executable="/bin/bash", capture_output=True, text=True, cwd=ROOT)
    assert proc.stderr == ""
    assert proc.stdout.strip() in ("0", str(EXIT_PIPE))


def test_the_date_pickers_follow_date_format_and_refuse_date_letters(tmp_path):
    """date_format decides how a language writes dates, the cover's date pickers included:
    a theme's 'the {day}th' would be read by Word and the PDF reader as date letters. A
    wording file of an older plangen that still sets date_picker loads (the key is ignored)."""
    theme = tmp_path / "theme"
    (theme / "strings").mkdir(parents=True)
    (theme / "strings" / "en.yaml").write_text("date_picker: MM/dd\ndate_format: '{day}.{month}.{year}'\n", encoding="utf-8")
    w = plangen.load_theme(theme).wording("en")
    assert w.date_pictures() == ("d.M.yyyy", "d.m.yyyy")
    assert plangen.load_theme().wording("en").date_pictures() == ("d MMM yyyy", "d mmm yyyy")
    assert plangen.load_theme().wording("zh").date_pictures() == ("yyyy年M月d日", "yyyy年m月d日")
    (theme / "strings" / "en.yaml").write_text("date_format: 'the {day}th of {mon}'\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        plangen.load_theme(theme).wording("en")
    assert str(info.value).endswith(":1:1: date_format: 't' between placeholders: a date picker would read it as a "
                                    "date letter (write words around dates elsewhere)")


def test_a_picked_date_is_written_as_its_field_shows_it():
    import datetime as dt

    from plangen.outline.wording import picture_date
    day = dt.date(2021, 3, 1)
    assert picture_date("d MMM yyyy", day) == "1 Mar 2021" and picture_date("d mmm yyyy", day, pdf=True) == "1 Mar 2021"
    assert picture_date("yyyy年M月d日", day) == "2021年3月1日" and picture_date("dd.MM.yyyy", day) == "01.03.2021"
    assert picture_date("yyyy-mm-dd", day, pdf=True) == "2021-03-01"
    assert picture_date("HH:mm yyyy", day) is None  # letters plangen never writes: left to the reader
