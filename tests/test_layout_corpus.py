"""Layouts that hold on any plan: generated plans (tests/plangen_corpus.py) in both
languages, built to PDF and .docx, the .docx converted by LibreOffice in one call, and both
PDFs checked page by page. PLANGEN_CORPUS=300 runs 300 plans (default: a slice of 24);
PLANGEN_CORPUS_START moves the slice."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

import layout_checks as check
import plangen_corpus
from conftest import soffice_convert, squash
from docs import in_order
from plangen.outline.outline import build_outline
from plangen.render import fieldfont, renderer
from plangen.render.theme import load_theme, pdf_font_families
from plangen.source.load import load_plan

COUNT = int(os.environ.get("PLANGEN_CORPUS", "24"))
START = int(os.environ.get("PLANGEN_CORPUS_START", "0"))
SEEDS = list(range(START, START + COUNT))

pytestmark = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdffonts")),
                                reason="poppler-utils (pdftotext, pdffonts) is required: bash scripts/setup test")


class Built:
    def __init__(self, seed: int, folder: Path):
        self.seed, self.name = seed, f"gen-{seed:04d}"
        path = folder / f"{self.name}.yaml"
        path.write_text(yaml.safe_dump(plangen_corpus.plan(seed), allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        loaded = load_plan(path)
        theme = load_theme()
        self.language = loaded.plan.document.language
        self.outline = build_outline(loaded.plan, theme.wording(self.language))
        self.pdf, self.docx = folder / f"{self.name}.pdf", folder / f"{self.name}.docx"
        self.pdf.write_bytes(renderer("pdf").render(self.outline, theme))
        self.docx.write_bytes(renderer("docx").render(self.outline, theme))
        self.lo = folder / "lo" / f"{self.name}.pdf"
        # the theme's families, and the cover fields' typing font (render/fieldfont.py)
        self.families = list(pdf_font_families(theme).values()) + list(fieldfont.FACES)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Built]:
    folder = tmp_path_factory.mktemp("corpus")
    built = [Built(seed, folder) for seed in SEEDS]
    if shutil.which("soffice"):
        soffice_convert([b.docx for b in built], "pdf", folder / "lo")
    return built


def _both(corpus: list[Built]):
    """(name, pdf, built) for our PDF and LibreOffice's, when there is one."""
    for b in corpus:
        yield f"{b.name} ({b.language}, ours)", b.pdf, b
        if b.lo.exists():
            yield f"{b.name} ({b.language}, LibreOffice)", b.lo, b


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{name}: {p}" for name, ps in problems.items() for p in ps[:5])


def test_every_glyph_is_inside_the_text_block(corpus):
    problems = {name: check.outside_text_block(check.pages(pdf)) for name, pdf, _ in _both(corpus)}
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, _report(problems)


def test_no_table_is_torn_from_its_paragraph(corpus):
    problems = {name: check.torn_tables(check.pages(pdf), b.outline) for name, pdf, b in _both(corpus)}
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, _report(problems)


def test_no_heading_or_caption_ends_a_page(corpus):
    problems = {name: check.last_lines(check.pages(pdf), b.outline) for name, pdf, b in _both(corpus)}
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, _report(problems)


def test_every_font_is_one_the_theme_names(corpus):
    problems = {name: check.foreign_fonts(pdf, b.families) for name, pdf, b in _both(corpus)}
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, _report(problems)


def test_libreoffice_agrees_on_pages_and_labels(corpus):
    if not any(b.lo.exists() for b in corpus):
        pytest.skip("LibreOffice (soffice) is required: bash scripts/setup test")
    problems = {}
    for b in corpus:
        ours, theirs = check.pages(b.pdf), check.pages(b.lo)
        found = []
        if abs(len(ours) - len(theirs)) > 1:
            found.append(f"{len(ours)} pages in our PDF, {len(theirs)} in LibreOffice's")
        labels = [squash(blk.label) for blk in b.outline.blocks if getattr(blk, "label", None)]
        for doc, who in ((ours, "ours"), (theirs, "LibreOffice")):
            missing = in_order(labels, "".join(check.page_texts(doc)))
            if missing:
                found.append(f"labels missing in {who}: {missing[:5]}")
        if found:
            problems[b.name] = found
    assert not problems, _report(problems)


def test_the_corpus_varies_what_breaks_layouts(corpus):
    """The slice really holds what the generator promises (so the checks above mean something)."""
    plans = [plangen_corpus.plan(seed) for seed in range(40)]
    units = [len(p["units"]) for p in plans]
    assert min(units) == 1 and max(units) >= 25
    names = [len(u["name"]) for p in plans for u in p["units"]]
    assert min(names) == 2 and max(names) >= 60
    assert {p["document"]["language"] for p in plans} == {"zh", "en"}
    assert any(b.outline.appendix and len(b.outline.appendix) > 1 for b in corpus) or COUNT < 10
