"""Redlines an office can sign off: LibreOffice (headless, a Basic macro) accepts every tracked
change of the redline .docx and must get NEW's document, or rejects every change and must get
OLD's: the same paragraphs (labels included, as LibreOffice numbers them), the same table
cells, the same number of pages."""
from __future__ import annotations

import docx
import pytest

import office
import revision
from conftest import NEXT, SEED, run
from docs import W_NS, pdf_pages

pytestmark = [pytest.mark.libreoffice, pytest.mark.poppler, pytest.mark.skipif(office.soffice() is None, reason="LibreOffice (soffice) is not installed; "
                                 "bash scripts/setup test installs it")]


def content(path) -> list[str]:
    """Paragraph texts with their list labels, and table rows, as LibreOffice saved them."""
    body = docx.Document(str(path)).element.body
    out = []
    for el in body.iter(f"{W_NS}p", f"{W_NS}tr"):
        if el.tag == f"{W_NS}tr":
            out.append(" | ".join("".join(t.text or "" for t in c.iter(f"{W_NS}t")) for c in el.iter(f"{W_NS}tc")))
        elif el.getparent().tag == f"{W_NS}body":
            text = "".join(t.text or "" for t in el.iter(f"{W_NS}t"))
            num = el.find(f"{W_NS}pPr/{W_NS}numPr")
            numbered = num is not None and num.find(f"{W_NS}numId[@{W_NS}val='0']") is None  # numId 0: no list
            if text or numbered:
                out.append(("# " if numbered else "") + text)
    return out


def office_round(tmp_path, old, new):
    for path, args in (("red.docx", ("redline", str(old), str(new), "-o")),):
        proc = run(*args, str(tmp_path / path))
        assert proc.returncode == 0, proc.stderr
    proc = run("build", str(old), str(new), "--format", "docx", "--out", str(tmp_path / "b"), "-q")
    assert proc.returncode == 0, proc.stderr
    red, b = tmp_path / "red.docx", tmp_path / "b"
    office.process([("accept", red, tmp_path / "accepted"), ("reject", red, tmp_path / "rejected"),
                    ("keep", b / f"{new.stem}.docx", tmp_path / "new"), ("keep", b / f"{old.stem}.docx", tmp_path / "old")],
                   tmp_path / "profile")
    return tmp_path


def same(tmp_path, result: str, expected: str) -> None:
    got, want = content(tmp_path / f"{result}.docx"), content(tmp_path / f"{expected}.docx")
    assert got == want
    assert pdf_pages(tmp_path / f"{result}.pdf") == pdf_pages(tmp_path / f"{expected}.pdf")


@pytest.fixture(scope="module")
def revised(tmp_path_factory):
    """The 2022 plan with target statuses (one dropped) against next year's: `plangen new`
    (statuses set back to planned, so the target tables keep their status column and are
    compared cell by cell; the dropped target left out), then revised: a moved item, a removed unit, an added and a
    removed target, a rewording."""
    tmp = tmp_path_factory.mktemp("office-revision")
    old = revision.with_statuses(tmp / "2022-status.yaml")
    proc = run("new", "--from", str(old), "--year", "2023", "-o", str(tmp / "2023.yaml"))
    assert proc.returncode == 0, proc.stderr
    assert "2022-status.yaml:61: targets: 旗台改造维修：已取消，不转入2023年计划" in proc.stderr
    return office_round(tmp, old, revision.revision(tmp / "revised.yaml", source=tmp / "2023.yaml"))


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    return office_round(tmp_path_factory.mktemp("office-seed"), SEED, NEXT)


def test_accepting_a_revision_gives_the_new_document(revised):
    same(revised, "accepted", "new")


def test_rejecting_a_revision_gives_the_old_document(revised):
    same(revised, "rejected", "old")


def test_accepting_the_seed_redline_gives_2022(seed):
    same(seed, "accepted", "new")


def test_rejecting_the_seed_redline_gives_2021(seed):
    same(seed, "rejected", "old")


def test_a_rolled_over_plan_keeps_its_tables_and_marks_the_reset_statuses(revised):
    """A yearly redline after `plangen new`: the status column stays (planned), so a target
    table is compared cell by cell, not struck and inserted whole (a stranger's complaint:
    the one real change, 150 → 200, was lost in replaced tables)."""
    red = docx.Document(str(revised / "red.docx")).element.body
    cells = list(red.iter(f"{W_NS}tc"))
    # the words as read (word joiners, which hold a cell's tail on one line, are invisible)
    deleted = ["".join(t.text or "" for t in cell.iter(f"{W_NS}delText")).replace("\u2060", "") for cell in cells]
    inserted = ["".join(t.text or "" for ins in cell.iter(f"{W_NS}ins") for t in ins.iter(f"{W_NS}t")).replace("\u2060", "")
                for cell in cells]
    assert "状态" not in deleted and "状态" not in inserted  # no table replaced for its status column
    assert "已完成" in deleted and "进行中" in deleted and inserted.count("未开始") >= 2
    assert "旗台改造维修" in deleted  # the dropped target's row, deleted where it stood
