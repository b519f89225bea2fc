"""A redline PDF laid out as the plans' own PDFs: a deleted table in its own widths (no word
broken that the old plan's PDF keeps whole), the title broken where the plan's own title
breaks, the body numbered from 1 after a summary of several pages, and the summary's wrapped
lines never left of where their line starts."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import yaml

import plangen
import revision
from conftest import ENGLISH, pdftotext, requires, run
from plangen.compare.report import as_runs

TITLE = ("Estates & Facilities Annual Works Programme {year}: Backlog Maintenance, Statutory Compliance, "
         "Net Zero Carbon & Patient Environment Improvements")
ADDED = 80  # items added in NEW, each a summary line that wraps: a summary of more than one page


def _plans(folder):
    """OLD: the English plan with a long title (2027), its access points' target with a status,
    an owner and a long unit; NEW: the title's year 2028, no status (each target table is
    replaced whole, the old one deleted) and ADDED more measures."""
    old = yaml.safe_load(ENGLISH.read_text(encoding="utf-8"))
    old["document"]["title"] = TITLE.format(year=2027)
    ap = old["sections"][0]["items"][0]["targets"][0]
    ap.update(quantity=1, unit="programme", owner="Network Infrastructure Coordinator (Estates)", status="in-progress")
    new = yaml.safe_load(yaml.safe_dump(old))
    new["document"]["title"] = TITLE.format(year=2028)
    del new["sections"][0]["items"][0]["targets"][0]["status"]
    new["sections"][1]["items"] += [{"id": f"added{k}", "title": f"Added measure {k}: weekly drop-in sessions for staff"}
                                    for k in range(ADDED)]
    return revision.write(old, folder / "old.yaml"), revision.write(new, folder / "new.yaml")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    out = tmp_path_factory.mktemp("redline-pages")
    old, new = _plans(out)
    proc = run("redline", str(old), str(new), "-o", str(out / "red.pdf"))
    assert proc.returncode == 0, proc.stderr
    proc = run("build", str(new), "--format", "pdf", "--out", str(out), "-q", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    return out


def _pages(pdf) -> list[str]:
    return pdftotext(pdf, "-layout").split("\f")[:-1]


def _body_start(pages: list[str]) -> int:
    """The index of the body's first page: the first after the summary with the title on it."""
    return next(k for k, page in enumerate(pages) if page.lstrip().startswith("Estates"))


@requires("pdftotext")
def test_a_deleted_table_keeps_its_words_whole(pdfs):
    """The status column was removed: the old table is deleted whole, drawn with its own widths
    and type size (columns.size_tables); 'programme' and 'in progress' fitted them in the old
    plan and fit them here (a gap after deleted words made them 'programm / e', 'progres / s')."""
    words = set(pdftotext(pdfs / "red.pdf").split())
    assert {"programme", "progress", "Infrastructure", "Coordinator"} <= words
    assert not {"programm", "progres", "e", "s"} & words


def _title_lines(page: str) -> list[str]:
    lines = [" ".join(line.split()) for line in page.strip().splitlines()]
    return lines[:lines.index(next(x for x in lines if "Improvements" in x)) + 1]


@requires("pdftotext")
def test_the_title_breaks_as_the_plans_own(pdfs):
    """The title's changed year is two elements (<del>, <ins>) after a text ending in a space:
    WeasyPrint broke that title after its first word ('Estates / & Facilities …')."""
    pages = _pages(pdfs / "red.pdf")
    red = _title_lines(pages[_body_start(pages)])
    own = _title_lines(pdftotext(pdfs / "new.pdf", "-layout", "-f", "2", "-l", "2"))
    assert len(red) == len(own) > 1 and len(red[0].split()) > 2, red
    assert [line.replace("20272028", "2028") for line in red] == own


@requires("pdftotext")
def test_the_body_is_numbered_from_1_after_a_long_summary(pdfs):
    pages = _pages(pdfs / "red.pdf")
    start = _body_start(pages)
    assert start >= 2  # the summary took more than one page
    footers = [page.strip().splitlines()[-1].strip() for page in pages]
    assert all(not re.fullmatch(r"\d+", f) for f in footers[:start]), footers[:start]
    assert footers[start:start + 3] == ["1", "2", "3"]
    own = [page.strip().splitlines()[-1].strip() for page in _pages(pdfs / "new.pdf")]
    assert footers[start:] == own[1:len(pages) - start + 1]  # as the plan's own: its cover, then 1


@requires("pdftotext")
def test_the_summarys_wrapped_lines_start_right_of_their_first(pdfs):
    """Each summary line (9 pt) in the PDF, found by its first words; a line of the PDF that
    starts no summary line is a wrapped one and starts right of the line it continues."""
    old, new = (plangen.load_plan(str(pdfs / name)).plan for name in ("old.yaml", "new.yaml"))
    w = plangen.load_theme().wording("en")
    summary = as_runs(plangen.diff_plans(old, new, w, w, "old.yaml", "new.yaml"), w)
    starts = [" ".join("".join(text for _op, text in line).split()[:3]) for line in summary]
    pages = _body_start(_pages(pdfs / "red.pdf"))
    tree = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>|xmlns=\"[^\"]*\"", "", pdftotext(pdfs / "red.pdf", "-bbox-layout", "-l", str(pages))))
    wrapped = 0
    for page in tree.iter("page"):
        for flow in page.iter("flow"):
            first = None
            for line in flow.iter("line"):
                text = " ".join(w.text or "" for w in line.iter("word"))
                x = float(line.get("xMin"))
                if float(line.get("yMax")) - float(line.get("yMin")) > 12:  # the heading (16 pt), the legend
                    continue
                if any(text.startswith(s) for s in starts if s):
                    first = x
                elif first is not None:
                    wrapped += 1
                    assert x > first + 3, (text, x, first)
    assert wrapped >= 3
