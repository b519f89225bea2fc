"""Tables whose words stay whole, on a plan written by a stranger (issue 13: an English plan of
branch libraries with long names, GBP, deadlines, owners and statuses; tests/data/library-works.yaml).

Our PDF and LibreOffice's PDF of our .docx are read with pdftotext -bbox (table text is set at
10.5 pt or less, so its words are the short ones): no word of a target table runs across its
column's edge (the edges are the outline's widths), no word of a text cell breaks across lines
unless it is wider than its column, no number or header word of the report's tables breaks,
no page of the report starts with a total row, and the appendix's total rows are in the serif
face of the other rows, bold, as in the .docx."""
from __future__ import annotations

import html
import itertools
from pathlib import Path

import pytest

from conftest import ROOT, need, soffice_convert
from docs import pdf_pages, pdf_words
from plangen.outline import columns
from plangen.outline.outline import build_outline
from plangen.outline.progress import compute
from plangen.outline.report import build_report
from plangen.render import renderer
from plangen.render.theme import load_theme
from plangen.source.load import load_plan
from plangen.tools.report import load_pair

PLAN = ROOT / "tests" / "data" / "library-works.yaml"
LEFT = 28 * 72 / 25.4
TABLE_TEXT = 12.5  # pt: in our PDF a word box lower than this is table text (10.5 pt, 11.2 high; body 12 pt, 13.3)
LO_TABLE_TEXT = 14.5  # in LibreOffice's (its boxes are taller: 10.5 pt 13.0 high, 12 pt 15.6)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The plan, Brecon's own copy and the report, as PDF and .docx, rendered once in-process."""
    out = tmp_path_factory.mktemp("fit")
    theme = load_theme()
    for name, o in (("library-works", outline()), ("brecon", outline("brecon")), ("report", _report())):
        for suffix in ("pdf", "docx"):
            (out / f"{name}.{suffix}").write_bytes(renderer(suffix).render(o, theme))
    return out


@pytest.fixture(scope="module")
def lo(built) -> Path:
    need("soffice")
    out = built / "lo"
    out.mkdir()
    soffice_convert([built / f"{name}.docx" for name in ("library-works", "brecon", "report")], "pdf", out)
    return out


def outline(unit: str | None = None):
    return build_outline(load_plan(PLAN).plan, load_theme().wording("en"), unit)


def _report():
    loaded = load_pair(str(PLAN))
    return build_report(loaded, compute(loaded), load_theme().wording("en"))


def table_words(pdf: Path, before: str | None = "Appendix:", height: float = TABLE_TEXT) -> list[list[tuple]]:
    """Each page's words of table text after the cover, up to the page where BEFORE starts (the appendix)."""
    pages: list[list[tuple]] = [[]]
    for n in range(2, pdf_pages(pdf) + 1):
        words = pdf_words(pdf, n)
        if before and any(w[4] == before for w in words):
            break
        pages.append([w for w in words if w[3] - w[1] < height and w[3] < 760])
    return pages


def edges(widths: list[float]) -> list[float]:
    return [LEFT + x for x in itertools.accumulate(widths)][:-1]


def straddling(pages: list[list[tuple]], widths: list[float]) -> list[str]:
    """Words that run across a column edge."""
    return [f"page {n}: {w[4]!r} across x={e:.0f}" for n, page in enumerate(pages, 1) for w in page
            for e in edges(widths) if w[0] + 1 < e < w[2] - 1]


def split_words(pages: list[list[tuple]], tables) -> list[str]:
    """Words of the tables' text cells (and headers) that fit their column but are not whole
    in the PDF: broken across lines (Conservati / on)."""
    found = {html.unescape(w[4]) for page in pages for w in page}
    missing = []
    for t in tables:
        for row in [t.header] + t.rows:
            for c, text in enumerate(row):
                role = "head" if row is t.header else "text"
                for word in columns._WORD.findall(text) if not t.numeric[c] or row is t.header else text.split():
                    fits = columns.measure(word, "en", role, t.size) + columns.SIZED_PADDING_PT <= t.widths[c]
                    if fits and not all(any(part in f for f in found) for part in word.split()):  # 1 Oct 2027
                        missing.append(f"{word!r} ({t.header[c]})")
    return sorted(set(missing))


@pytest.mark.parametrize("unit", [None, "brecon"])
def test_target_table_words_stay_inside_their_columns_and_whole(built, unit):
    """Our PDF: "Conservation" ran into the Status cell, "Deadline" into "Owner"."""
    tables = [b for b in outline(unit).blocks if b.kind == "table"]
    assert tables and all(t.widths == tables[0].widths for t in tables)
    pdf = built / ("library-works.pdf" if unit is None else "brecon.pdf")
    pages = table_words(pdf)
    assert sum(len(p) for p in pages) > (100 if unit is None else 60)  # a unit's copy: no For or Total column
    assert straddling(pages, tables[0].widths) == []
    assert split_words(pages, tables) == []


@pytest.mark.parametrize("name,unit", [("library-works.pdf", None), ("brecon.pdf", "brecon")])
def test_word_breaks_no_target_table_word_in_libreoffice(lo, name, unit):
    """LibreOffice's PDF of our .docx: it broke "Deadlin/e", "extinguishe/r", "Machynlle/th"."""
    tables = [b for b in outline(unit).blocks if b.kind == "table"]
    pages = table_words(lo / name, height=LO_TABLE_TEXT)
    assert split_words(pages, tables) == []
    assert straddling(pages, tables[0].widths) == []


def test_a_shared_budget_puts_its_note_under_the_amount_in_a_narrow_column():
    """Brecon's copy: "18,600.00 (shared)" widened the Budget column of every table."""
    table = next(b for b in outline("brecon").blocks if b.kind == "table" and "Fire door" in b.rows[0][0])
    col = table.columns.index("budget")
    assert table.rows[0][col] == "18,600.00\n(shared)"
    assert table.widths[col] < columns.measure("18,600.00 (shared)", "en", "text", table.size) + columns.SIZED_PADDING_PT


def test_the_reports_tables_keep_numbers_and_header_words_whole_in_libreoffice(lo, built):
    """LibreOffice's PDF of the report's .docx broke "4,25/0.50", "1/0/0/%", "Pla/nne/d", "Statu/s"."""
    report = [t for t in _report_tables() if t.role == "progress"]
    assert report and all(t.widths and abs(sum(t.widths) - columns.TEXT_WIDTH_PT) < 0.1 for t in report)
    for pdf, height in ((lo / "report.pdf", LO_TABLE_TEXT), (built / "report.pdf", TABLE_TEXT)):
        pages = table_words(pdf, before=None, height=height)
        assert split_words(pages, report) == [], pdf


def test_no_page_of_the_report_starts_with_a_total_row(built):
    """A target's "Total" row alone at the top of a page: it stays with the row before it."""
    tables = [t for t in _report_tables() if t.role == "progress" and t.totals]
    branch = tables[0].header.index("Branch")
    x0, x1 = LEFT + sum(tables[0].widths[:branch]), LEFT + sum(tables[0].widths[:branch + 1])
    orphans = []
    for n, page in enumerate(table_words(built / "report.pdf", before=None), 1):
        cells = sorted((w for w in page if x0 < w[0] < x1), key=lambda w: w[1])
        heads = [w for w in cells if w[4] == "Branch"]
        rows = [w for w in cells if heads and w[1] > heads[0][3] + 1]
        if rows and rows[0][4] == "Total":
            orphans.append(f"page {n}")
    assert sum(t.totals.count(True) for t in tables) >= 3
    assert orphans == []


def _report_tables():
    o = _report()
    return [b for b in o.blocks + o.appendix if b.kind == "table"]


def test_the_appendix_total_rows_are_set_like_the_other_rows(built):
    """Brecon's appendix set its "Shared budget" line (then its last row, styled as the totals)
    in the sans of the headers; the .docx sets totals in the rows' serif, bold (Table Text), and
    the shared line as any other row: so does the PDF now."""
    fitz = pytest.importorskip("fitz")
    spans, seen = [], False
    with fitz.open(built / "brecon.pdf") as doc:
        for page in doc:
            for block in page.get_text("dict")["blocks"]:
                for span in (s for line in block.get("lines", []) for s in line["spans"]):
                    seen = seen or span["text"].startswith("Appendix")
                    if seen and span["size"] < TABLE_TEXT - 1:
                        spans.append(span)
    face = {s["text"].strip(): (s["font"].split("-subset")[0], bool(s["flags"] & 16)) for s in spans}
    assert face["Item"] == ("Liberation-Sans", True)  # a header
    assert face["Fire door upgrade to FD30"] == ("Liberation-Serif", False)
    assert face["Budget (GBP)"] == ("Liberation-Serif", True)  # the totals row: the budgets
    shared = next(k for k in face if k.startswith("Shared budget"))
    assert face[shared] == ("Liberation-Serif", False), face[shared]
