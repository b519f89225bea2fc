"""Redlines: NEW with OLD's changes as Word tracked changes, and as a marked-up PDF."""
from __future__ import annotations

import re
import zipfile

import docx
import pytest

from conftest import ENGLISH, NEXT, SEED, pdftotext, requires, run, soffice_convert, squash
from docs import accept_all, document_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def redline(tmp_path_factory):
    out = tmp_path_factory.mktemp("redline")
    for suffix in ("docx", "pdf", "html"):
        proc = run("redline", str(SEED), str(NEXT), "-o", str(out / f"changes.{suffix}"), "--author", "后勤处")
        assert proc.returncode == 0, proc.stderr
    proc = run("build", str(NEXT), "--format", "docx", "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    return out


def test_redline_docx_has_tracked_changes_with_author_and_date(redline):
    with zipfile.ZipFile(redline / "changes.docx") as z:
        xml = z.read("word/document.xml").decode()
    ins = re.findall(r'<w:ins w:id="\d+" w:author="([^"]+)" w:date="([^"]+)"', xml)
    dels = re.findall(r'<w:del w:id="\d+" w:author="([^"]+)" w:date="([^"]+)"', xml)
    assert len(ins) > 10 and len(dels) > 5
    assert {a for a, _ in ins + dels} == {"后勤处"}
    assert {d for _, d in ins + dels} == {"2022-02-18T00:00:00Z"}
    assert "<w:delText xml:space=\"preserve\">逐步</w:delText>" in xml
    assert re.search(r"<w:ins [^>]*><w:r><w:t xml:space=\"preserve\">加快</w:t>", xml)


def test_accepting_all_changes_gives_the_new_document(redline):
    red = docx.Document(str(redline / "changes.docx"))
    accept_all(red)
    new = docx.Document(str(redline / "2022-logistics.docx"))
    assert document_text(red) == document_text(new)


def test_rejecting_is_possible_too(redline):
    """Rejecting every change gives back the old words (the tracked runs carry them)."""
    red = docx.Document(str(redline / "changes.docx"))
    deleted = "".join(t.text for t in red.element.body.iter(f"{W}delText"))
    assert "逐步" in deleted and "争取对中学、示范和箐门老教学楼的改造维修。" in deleted
    assert "0025" in deleted


@requires("soffice")
def test_libreoffice_sees_the_tracked_changes(redline, tmp_path):
    soffice_convert([redline / "changes.docx"], "odt", tmp_path)
    with zipfile.ZipFile(tmp_path / "changes.odt") as z:
        content = z.read("content.xml").decode()
    assert "<text:tracked-changes" in content
    regions = re.findall(r"<text:changed-region ", content)
    assert len(regions) > 15
    assert "<text:deletion>" in content and "<text:insertion>" in content
    assert "后勤处" in content


@requires("pdftotext")
def test_redline_pdf_summary_and_marks(redline):
    first = squash(pdftotext(redline / "changes.pdf", "-f", "1", "-l", "1"))
    assert "plans/2021-logistics.yaml→" in first and first.count("2022-logistics.yaml") == 1
    assert "新课桌·黄竹林小学:50→60套" in first
    body = squash(pdftotext(redline / "changes.pdf", "-f", "2"))
    assert "逐步加快推进" in body  # the deleted words stay visible, struck through
    html = (redline / "changes.html").read_text(encoding="utf-8")
    assert "<del>逐步</del><ins>加快</ins>" in html
    assert '<div class="h h2 ins" id=' in html  # the added goal


def test_redline_of_identical_plans_has_no_changes(tmp_path):
    proc = run("redline", str(ENGLISH), str(ENGLISH), "-o", str(tmp_path / "same.docx"))
    assert proc.returncode == 0
    with zipfile.ZipFile(tmp_path / "same.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert "<w:ins " not in xml and "<w:del " not in xml


def test_redline_needs_a_known_suffix(tmp_path):
    proc = run("redline", str(SEED), str(NEXT), "-o", str(tmp_path / "x.odt"))
    assert proc.returncode == 2 and "must end in .docx, .pdf or .html" in proc.stderr
