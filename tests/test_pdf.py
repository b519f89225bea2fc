"""The PDF read back: page size, embedded fonts, text, form fields, outline, qpdf, size."""
from __future__ import annotations

import statistics
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
    """The embedded fonts' own name tables, not just their PDF names: SC (and CN) faces, and
    Liberation Serif for Latin letters and digits only (fonts.css --cjk-latin, render/cjklatin.py)."""
    import io

    import pymupdf
    from fontTools.ttLib import TTFont
    families = set()
    for page in PdfReader(pdf_of(built, SEED)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = (descriptor.get("/FontFile3") or descriptor.get("/FontFile2")).get_object().get_data()
            families.add(TTFont(io.BytesIO(program))["name"].getDebugName(1))
    assert families == {"Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN", "Liberation Serif"}
    latin = {ch for page in pymupdf.open(pdf_of(built, SEED)) for block in page.get_text("dict")["blocks"]
             for line in block.get("lines", []) for span in line["spans"] if "Liberation" in span["font"]
             for ch in span["text"]}
    # (pymupdf puts the gap between two Latin words into the span as a space; the PDF draws none)
    assert set("012") <= latin and all("!" <= ch <= "~" for ch in latin - {" "}), latin


def _long_plan(sections: int = 5, items: int = 24) -> str:
    """Short items, paragraphs that run across pages, two levels of headings, targets (an appendix)."""
    para = "各学校要加强校园卫生的管理，制定好卫生管理制度，清洁卫生每天至少坚持两扫两查，每周一次大扫除。" * 6
    lines = ["plangen: 1", "document:", "  number: PARTS-1", "  title: 分段渲染测试计划", "  year: 2024",
             "  organization: 测试学校", "units:", "  - {id: u1, name: 第一学校}", "  - {id: u2, name: 第二学校}", "sections:"]
    for s in range(1, sections + 1):
        lines += [f"  - id: s{s}", f"    title: 第{s}部分", f"    text: {para}", "    items:"]
        lines += [f"      - {{id: s{s}.{i}, text: 第{s}部分第{i}项工作按计划完成。}}" for i in range(1, items)]
        lines += [f"      - id: s{s}.{items}", f"        title: 进一步加强第{s}项工作", f"        text: {para}",
                  "        targets:", f"          - {{what: 物品{s}, quantity: {s}, unit: 套, for: all}}",
                  "        items:", f"          - {{id: s{s}.{items}.1, text: {para}}}"]
    return "\n".join(lines) + "\n"


@requires("pdftotext")
def test_long_document_rendered_in_parts_reads_as_one_render(tmp_path, monkeypatch):
    """A document over pdfparts.MIN_BLOCKS blocks is rendered in parts and joined (what keeps
    a 10,000-item plan's worker under 300 MB). With small parts here: every page's text and
    page number, the outline, the form fields and the named destinations are those of one render."""
    from plangen.outline.outline import build_outline
    from plangen.render import pdfparts
    from plangen.render.pdf import render_pdf
    from plangen.render.theme import load_theme
    from plangen.source.load import load_plan
    plan = tmp_path / "long.yaml"
    plan.write_text(_long_plan(), encoding="utf-8")
    theme = load_theme()
    loaded = load_plan(plan)
    outline = build_outline(loaded.plan, theme.wording("zh"), None)
    pdfs, joined = {}, []
    real_join = pdfparts.join
    monkeypatch.setattr(pdfparts, "join", lambda parts: joined.append(len(parts)) or real_join(parts))
    for name, (least, size) in {"one": (10 ** 9, 10 ** 9), "parts": (20, 40)}.items():
        monkeypatch.setattr(pdfparts, "MIN_BLOCKS", least)
        monkeypatch.setattr(pdfparts, "PART_BLOCKS", size)
        pdfs[name] = tmp_path / f"{name}.pdf"
        pdfs[name].write_bytes(render_pdf(outline, theme))
    assert joined and joined[0] >= 3  # in parts indeed
    one, parts = PdfReader(pdfs["one"]), PdfReader(pdfs["parts"])
    assert len(one.pages) == len(parts.pages) >= 8
    for number in range(1, len(one.pages) + 1):
        pages = [pdftotext(pdfs[name], "-layout", "-f", str(number), "-l", str(number)) for name in ("one", "parts")]
        assert pages[0] == pages[1], f"page {number}"

    def outline_items(reader, items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from outline_items(reader, item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item), round(float(item.top), 1)
    assert list(outline_items(parts, parts.outline)) == list(outline_items(one, one.outline))
    assert any(depth == 1 for depth, *_ in outline_items(parts, parts.outline))  # nested across parts
    assert (parts.get_fields() or {}).keys() == (one.get_fields() or {}).keys() != set()
    assert {name: parts.get_destination_page_number(d) for name, d in parts.named_destinations.items()} == \
        {name: one.get_destination_page_number(d) for name, d in one.named_destinations.items()}


@requires("pdftotext")
def test_appendix_caption_starts_at_the_top_of_its_page(built):
    """The appendix starts a page with its caption on the first line of the text block, as Word's
    Appendix Caption (page break before, no space before): not 6.4 pt lower, a margin WeasyPrint
    keeps after a forced break (it cost the appendix a row a page against LibreOffice). Measured
    by the middle of the first line, which a body page's first line shares (LibreOffice's PDF of
    the .docx: 0.1 pt apart)."""
    pdf = built / f"{SEED.stem}.pdf"

    def first_line(page: int) -> tuple[float, str]:
        top = min(pdf_words(pdf, page), key=lambda w: w[1])
        return (top[1] + top[3]) / 2, top[4]

    lines = {page: first_line(page) for page in range(2, pdf_pages(pdf) + 1)}
    caption = next(p for p, (_, word) in lines.items() if word.startswith("附表"))
    body = [middle for p, (middle, _) in lines.items() if p < caption]  # most start with a body line
    assert abs(lines[caption][0] - statistics.median(body)) < 2, (lines[caption], body)
