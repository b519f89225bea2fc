"""Every test that runs an external program says so with `requires(...)` (or its module's
`pytestmark`), so it carries the program's marker and skips cleanly where it is missing."""
from __future__ import annotations

import ast

import pytest

from conftest import MARKERS, ROOT

# a call to one of these helpers, or a fixture of these names, runs the program
HELPERS = {"pdftotext": "pdftotext", "pdf_words": "pdftotext", "pdf_pages": "pdfinfo", "soffice_convert": "soffice"}
FIXTURES = {"lo_pdfs": "soffice"}


def programs_run(test: ast.FunctionDef) -> set[str]:
    """The programs a test runs: helpers it calls, fixtures it takes, program names in its lists."""
    found = {FIXTURES[a.arg] for a in test.args.args if a.arg in FIXTURES}
    for node in ast.walk(test):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in HELPERS:
            found.add(HELPERS[node.func.id])
        if isinstance(node, ast.List) and node.elts and isinstance(node.elts[0], ast.Constant) \
                and node.elts[0].value in MARKERS:
            found.add(node.elts[0].value)
    return found


def declared_marks(test: ast.FunctionDef, module_marks: set[str]) -> set[str]:
    marks = set(module_marks)
    for deco in test.decorator_list:
        if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Name) and deco.func.id == "requires":
            marks |= {MARKERS[a.value] for a in deco.args if isinstance(a, ast.Constant)}
    return marks


def module_marks(tree: ast.Module) -> set[str]:
    """Markers named in `pytestmark = [pytest.mark.X, ...]`."""
    out: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in node.targets):
            out |= {n.attr for n in ast.walk(node.value) if isinstance(n, ast.Attribute)
                    and isinstance(n.value, ast.Attribute) and n.value.attr == "mark"}
    return out


@pytest.mark.parametrize("path", sorted((ROOT / "tests").glob("test_*.py")), ids=lambda p: p.name)
def test_tests_that_run_programs_carry_their_marker(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    unmarked = []
    for test in tree.body:
        if isinstance(test, ast.FunctionDef) and test.name.startswith("test_"):
            needed = {MARKERS[p] for p in programs_run(test)}
            missing = needed - declared_marks(test, module_marks(tree))
            if missing:
                unmarked.append(f"{test.name}: add @requires(...) for {sorted(missing)}")
    assert unmarked == []


def test_the_check_finds_an_unmarked_test():
    test = ast.parse("def test_x(built):\n    pdftotext(built / 'a.pdf')\n    subprocess.run(['qpdf', 'x'])\n").body[0]
    assert isinstance(test, ast.FunctionDef)
    assert programs_run(test) == {"pdftotext", "qpdf"} and declared_marks(test, set()) == set()
