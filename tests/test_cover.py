"""The cover is one page, in the PDF and in the .docx (LibreOffice), whatever the lengths of
the title, the subtitle and the unit's name, and its fill-in lines are always form fields."""
from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

import plangen_corpus
from conftest import requires, soffice_convert
from plangen.errors import RenderError
from plangen.outline.outline import build_outline
from plangen.render.docx.render import render_docx
from plangen.render.pdf import render_pdf
from plangen.render.theme import load_theme
from plangen.source.load import load_plan

MAX_TITLES = 255  # title and subtitle together (source/model.py)
TAGLINE = {"zh": "安全、温暖、合规、低碳：每一所学校，每一天，每一个人都安心。",
           "en": "Safe, warm, compliant and net-zero ready: every site, every day, for everyone who works there."}


def long_plan(folder: Path, lang: str, title_chars: int, name_chars: int, seed: int = 7) -> Path:
    """A plan whose title and subtitle fill ``title_chars`` characters, with five cover lines
    and a tagline, and units with names of about ``name_chars`` characters (corpus names)."""
    rng = random.Random(seed)
    words = plangen_corpus.ZH_PHRASES if lang == "zh" else plangen_corpus.EN_WORDS
    text = ("" if lang == "zh" else " ").join(rng.choice(words) for _ in range(200))
    subtitle = ("（经局务会议审定）" if lang == "zh" else "Approved by the Board, 14 December 2026")
    title = text[:title_chars - len(subtitle)].strip()
    names = []
    for i in range(3):
        name = plangen_corpus._school(rng, lang, i + 1, True)
        while len(name) < name_chars:
            name += ("及" if lang == "zh" else " and ") + plangen_corpus._school(rng, lang, i + 1, True)
        names.append(name[:name_chars].strip())
    labels = ["部门", "姓名", "职务", "联系电话", "日期"] if lang == "zh" else ["Department", "Name", "Role", "Room number", "Date"]
    doc = {"number": "GEN-0001", "title": title, "subtitle": subtitle, "year": 2026, "organization": "Office",
           "language": lang, "date": "2026-02-01", "tagline": TAGLINE[lang],
           "fields": [{"label": lb, **({"value": "Facilities and Estates" if lang == "en" else "后勤处"} if i == 0 else {}),
                       **({"type": "date"} if lb in ("日期", "Date") else {})} for i, lb in enumerate(labels)]}
    units = [{"id": f"u{i}", "name": n} for i, n in enumerate(names)]
    sections = [{"id": "s", "title": "Goals" if lang == "en" else "目标", "text": text[:300],
                 "targets": [{"what": "Desks" if lang == "en" else "课桌", "quantity": 2, "unit": "sets" if lang == "en" else "套"}]}]
    path = folder / f"{lang}-{title_chars}-{name_chars}.yaml"
    path.write_text(yaml.safe_dump({"plangen": 1, "document": doc, "units": units, "sections": sections},
                                   allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


CASES = [("en", MAX_TITLES, 80), ("zh", MAX_TITLES, 80), ("en", 100, 90), ("zh", 60, 40)]


def outline_for(path: Path, unit: str | None = "u0"):
    plan = load_plan(path).plan
    return build_outline(plan, load_theme().wording(plan.document.language), unit)


def test_longer_covers_are_set_tighter(tmp_path):
    """The setting follows the estimated height: a short cover is set looser than a long one,
    the longest titles get a smaller title size, and a unit's name can only make it tighter."""
    from plangen.outline.coverfit import LEVELS, cover_fit
    short = outline_for(long_plan(tmp_path, "en", 40, 10), None)
    for lang in ("en", "zh"):
        path = long_plan(tmp_path, lang, MAX_TITLES, 80)
        whole, unit = outline_for(path, None), outline_for(path)
        assert short.cover.fit < whole.cover.fit <= unit.cover.fit
        assert LEVELS[unit.cover.fit].title_pt < 26
    titles = [short.title, short.subtitle or ""]
    assert cover_fit(titles * 6, short.cover, short.tagline) > cover_fit(titles, short.cover, short.tagline)


@pytest.mark.parametrize("lang,title_chars,name_chars", CASES)
def test_pdf_cover_is_one_page_with_every_field(tmp_path, lang, title_chars, name_chars):
    outline = outline_for(long_plan(tmp_path, lang, title_chars, name_chars))
    reader = PdfReader(io.BytesIO(render_pdf(outline, load_theme())))
    fields = reader.get_fields() or {}
    assert sorted(fields) == sorted(f.name for f in outline.cover.fields)
    assert fields[outline.cover.fields[0].name].get("/V") == outline.cover.fields[0].value
    cover_text = reader.pages[0].extract_text()
    assert outline.tagline[:20] in cover_text  # the whole cover, its last line too, on page 1
    body = reader.pages[1].extract_text()
    assert outline.tagline[:20] not in body and outline.cover.fields[1].caption.strip() not in body


def test_a_field_that_cannot_be_placed_is_an_error(tmp_path):
    """A theme whose cover drops a field's blank: the build fails, never a PDF without fields."""
    theme_dir = tmp_path / "theme"
    theme_dir.mkdir()
    (theme_dir / "cover.html.j2").write_text('<section class="cover"><h1>{{ doc.title }}</h1></section>\n',
                                             encoding="utf-8")
    outline = outline_for(long_plan(tmp_path, "en", 60, 20))
    with pytest.raises(RenderError, match="cover field 'Department'"):
        render_pdf(outline, load_theme(theme_dir))


@requires("soffice", "pdftotext")
def test_docx_cover_is_one_page_in_libreoffice(tmp_path):
    from conftest import pdftotext
    docs = []
    for lang, title_chars, name_chars in CASES:
        outline = outline_for(long_plan(tmp_path, lang, title_chars, name_chars))
        path = tmp_path / f"{lang}-{title_chars}-{name_chars}.docx"
        path.write_bytes(render_docx(outline, load_theme()))
        docs.append((path, outline))
    soffice_convert([p for p, _ in docs], "pdf", tmp_path / "lo")
    for path, outline in docs:
        pdf = tmp_path / "lo" / (path.stem + ".pdf")
        first, second = pdftotext(pdf, "-f", "1", "-l", "1"), pdftotext(pdf, "-f", "2", "-l", "2")
        assert " ".join(outline.tagline[:20].split()) in " ".join(first.split()), path.name
        assert outline.cover.fields[-1].caption.strip() in first, path.name
        assert outline.tagline[:20] not in second, path.name


@pytest.mark.parametrize("lang,picture,lid", [("en", "d MMM yyyy", "en-US"), ("zh", "yyyy年M月d日", "zh-CN")])
def test_docx_date_picker_speaks_the_documents_language(tmp_path, lang, picture, lid):
    """An English cover's date picker shows 30 Jun 2022 (as the deadlines) in the language the
    document's defaults set; a Chinese one 2022年6月30日 in zh-CN."""
    import docx
    from docx.oxml.ns import qn
    outline = outline_for(long_plan(tmp_path, lang, 60, 20))
    document = docx.Document(io.BytesIO(render_docx(outline, load_theme())))
    lang_el = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang_el.get(qn("w:eastAsia") if lang == "zh" else qn("w:val")) == lid
    dates = document.element.body.findall(f".//{qn('w:sdtPr')}/{qn('w:date')}")
    assert len(dates) == 1
    assert dates[0].find(qn("w:dateFormat")).get(qn("w:val")) == picture
    assert dates[0].find(qn("w:lid")).get(qn("w:val")) == lid


@pytest.mark.parametrize("lang,joined", [("en", "{title} — {subtitle}"), ("zh", "{title}{subtitle}")])
def test_metadata_title_keeps_title_and_subtitle_apart(tmp_path, lang, joined):
    """The PDF's and the .docx's title: title — subtitle (a bracketed Chinese subtitle follows
    directly, as printed: …计划（经局务会议审定）), never the two run together."""
    import docx
    outline = outline_for(long_plan(tmp_path, lang, 90, 20), None)
    expected = joined.format(title=outline.title, subtitle=outline.subtitle)
    assert outline.full_title == expected
    assert PdfReader(io.BytesIO(render_pdf(outline, load_theme()))).metadata.title == expected
    assert docx.Document(io.BytesIO(render_docx(outline, load_theme()))).core_properties.title == expected
    outline.subtitle = "经局务会议审定" if lang == "zh" else "(draft)"
    assert outline.full_title == outline.title + ("——经局务会议审定" if lang == "zh" else " (draft)")


def _page_fonts(page) -> set[str]:
    """Base font names of a page's text and of its widgets' appearances (subset tags cut)."""
    names = {str(f.get_object()["/BaseFont"]).split("+")[-1]
             for f in (page["/Resources"].get("/Font") or {}).values()}
    for annot in page.get("/Annots") or []:
        ap = annot.get_object().get("/AP", {}).get("/N")
        fonts = ap.get_object()["/Resources"].get("/Font", {}) if ap is not None and "/Resources" in ap.get_object() else {}
        names |= {str(f.get_object()["/BaseFont"]).split("+")[-1] for f in fonts.values()}
    return names


def test_english_pdf_sets_latin_text_in_latin_faces(tmp_path):
    """An English plan whose text is all Latin: every page, its page numbers and the cover's
    pre-filled value are set in the theme's Liberation faces, none in a CJK face."""
    outline = outline_for(long_plan(tmp_path, "en", 60, 20))
    assert all(c.isascii() for c in outline.title + outline.tagline + outline.cover.fields[0].value)
    reader = PdfReader(io.BytesIO(render_pdf(outline, load_theme())))
    assert "Liberation" in "".join(_page_fonts(reader.pages[0]))
    for number, page in enumerate(reader.pages):
        fonts = _page_fonts(page)
        assert fonts and all(name.startswith("Liberation") for name in fonts), (number + 1, fonts)


def test_english_redline_summary_is_set_in_latin_faces(tmp_path):
    """The redline's summary page (its heading, the list and, when the list runs onto a
    second page, that page's foot) uses the Liberation faces in an English plan."""
    from plangen.compare.redline import build_redline
    old_path = long_plan(tmp_path, "en", 60, 20)
    old = load_plan(old_path).plan
    data = yaml.safe_load(old_path.read_text(encoding="utf-8"))
    data["document"]["title"] += " revised"
    data["units"] += [{"id": f"n{i}", "name": f"New Site Number {i} of the Western District"} for i in range(60)]
    new_path = tmp_path / "new.yaml"
    new_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    new = load_plan(new_path).plan
    w = load_theme().wording("en")
    outline = build_redline(old, new, w, w, str(old_path), str(new_path))
    reader = PdfReader(io.BytesIO(render_pdf(outline, load_theme())))
    assert outline.redline.new.title in " ".join(reader.pages[0].extract_text().split())
    for number, page in enumerate(reader.pages):
        fonts = _page_fonts(page)
        assert all(name.startswith("Liberation") for name in fonts), (number + 1, fonts)


def test_pdf_measures_and_sets_the_cover_tighter_when_the_estimate_is_short(tmp_path):
    """The outline's setting is an estimate: a cover that still runs over is set again tighter
    (here the estimate is overridden with the loosest setting), and one that cannot fit even
    at the tightest (a tagline of 3,000 characters) is a one-line error, not a PDF without fields."""
    outline = outline_for(long_plan(tmp_path, "en", MAX_TITLES, 80))
    outline.cover.fit = 0
    reader = PdfReader(io.BytesIO(render_pdf(outline, load_theme())))
    assert sorted(reader.get_fields() or {}) == sorted(f.name for f in outline.cover.fields)
    assert TAGLINE["en"][:20] in reader.pages[0].extract_text()
    outline.tagline = " ".join([TAGLINE["en"]] * 32)
    with pytest.raises(RenderError, match="the cover does not fit on one page"):
        render_pdf(outline, load_theme())
