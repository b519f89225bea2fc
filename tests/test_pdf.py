"""The PDF read back: page size, embedded fonts, text, form fields, outline, qpdf, size."""
from __future__ import annotations

import subprocess

import pytest
from pypdf import PdfReader

from conftest import PLANS, ROOT, SEED, pdftotext, requires, run, squash
from docs import RIGHT_EDGE, in_order, labelled_starts, outline_of, pdf_pages, pdf_words


def pdf_of(built, plan):
    return built / f"{plan.stem}.pdf"


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_pdf_pages_are_a4(built, plan):
    reader = PdfReader(pdf_of(built, plan))
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == (595.28, 841.89)


@requires("pdffonts")
@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_pdf_fonts_are_embedded_simplified_chinese_faces(built, plan):
    out = subprocess.run(["pdffonts", str(pdf_of(built, plan))], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        name, emb = row.split()[0].split("+")[-1], row.split()[-5]  # after the random subset tag
        assert emb == "yes", row
        assert "JP" not in name and "KR" not in name, row  # no Japanese glyph forms
    if outline_of(plan).language == "zh":
        assert any("CJK-SC" in r for r in rows)
    else:  # English text, page numbers and a pre-filled value in the theme's Latin faces
        assert any("Liberation" in r for r in rows) and not any("CJK" in r for r in rows), rows


@requires("pdftotext", "pdfinfo")
@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_pdf_text_has_every_label_and_page_numbers(built, plan):
    text = squash(pdftotext(pdf_of(built, plan)))
    assert in_order(labelled_starts(plan), text) == []
    pages = pdf_pages(pdf_of(built, plan))
    o = outline_of(plan)
    before, after = (squash(part) for part in o.page_number)  # "— 1 —" in Chinese, "1" in English
    assert all(f"{before}{n}{after}" in text for n in range(1, pages))
    first_page = squash(pdftotext(pdf_of(built, plan), "-f", "1", "-l", "1"))
    assert "—" not in first_page  # no number on the cover
    assert o.number in first_page


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_pdf_cover_fields_are_form_fields(built, plan):
    o = outline_of(plan)
    fields = PdfReader(pdf_of(built, plan)).get_fields() or {}
    assert sorted(fields) == sorted(f.name for f in o.cover.fields)  # pre-filled lines are fields holding their value
    for f in o.cover.fields:
        assert fields[f.name]["/FT"] == "/Tx"
        assert fields[f.name].get("/V") == f.value
        assert fields[f.name]["/TU"] == f.label


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_pdf_outline_has_every_numbered_heading(built, plan):
    reader = PdfReader(pdf_of(built, plan))

    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield squash(item.title)
    o = outline_of(plan)
    expected = [squash(b.label + b.title) for b in o.blocks if b.kind == "heading"]
    expected += [squash(t.bookmark) for t in o.appendix if t.bookmark]  # the appendix, once
    assert list(titles(reader.outline)) == expected


@requires("qpdf")
@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_pdf_passes_qpdf_and_is_small(built, plan):
    path = pdf_of(built, plan)
    proc = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert path.stat().st_size < 1_000_000


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_pdf_metadata(built, plan):
    o = outline_of(plan)
    meta = PdfReader(pdf_of(built, plan)).metadata
    assert meta.title == o.full_title
    assert meta.author == o.organization
    assert o.number in meta.subject
    assert str(o.year) in meta["/Keywords"]


@requires("pdftotext", "pdfinfo")
def test_pdf_tables_stay_in_the_text_block(built):
    for pdf in built.glob("*.pdf"):
        for page in range(1, pdf_pages(pdf) + 1):
            assert all(w[2] <= RIGHT_EDGE + 1 for w in pdf_words(pdf, page)), (pdf, page)


@requires("pdftotext", "pdffonts")
def test_rare_characters_render(tmp_path):
    text = (ROOT / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8")
    plan = tmp_path / "rare.yaml"
    plan.write_text(text.replace("各校采购50套新课桌。", "箐门、啰嗦、𠮷野家、龘、䶮、〇、㐀。"), encoding="utf-8")
    proc = run("build", str(plan), "--format", "pdf", "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out" / "rare.pdf"
    assert "箐门、啰嗦、𠮷野家、龘、䶮、〇、㐀。" in squash(pdftotext(out))
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "DejaVu" not in fonts and "Fallback" not in fonts


@requires("pdffonts")
def test_pdf_a_variant_has_no_form_fields(tmp_path):
    proc = run("build", str(SEED), "--format", "pdf", "--pdf-variant", "pdf/a-2b", "--out", str(tmp_path), "-q")
    assert proc.returncode == 0, proc.stderr
    reader = PdfReader(tmp_path / "2021-logistics.pdf")
    assert not reader.get_fields()
    fonts = subprocess.run(["pdffonts", str(tmp_path / "2021-logistics.pdf")], capture_output=True, text=True).stdout
    assert "WenQuanYi" not in fonts  # no typing font without fields: the printed blanks, as before
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and b"2" in xmp.split(b"pdfaid:part")[1][:8]


@requires("pdftotext")
@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_no_line_starts_with_closing_punctuation(built, plan):
    lines = [line.strip() for line in pdftotext(pdf_of(built, plan)).splitlines()]
    bad = [line for line in lines if line and line[0] in "，。；：、！？）》”"]
    assert bad == []


def test_pdf_embedded_font_programs_are_simplified_chinese_faces(built):
    """The embedded fonts' own name tables, not just their PDF names: SC (and CN) faces only."""
    import io

    from fontTools.ttLib import TTFont
    families = set()
    for page in PdfReader(pdf_of(built, SEED)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = (descriptor.get("/FontFile3") or descriptor.get("/FontFile2")).get_object().get_data()
            families.add(TTFont(io.BytesIO(program))["name"].getDebugName(1))
    assert families == {"Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN"}
