"""Cover fields filled three ways (``plangen fill``, pypdf's standard API, typed through
PDFium's form API), then drawn by four real engines (PDFium, pdf.js, MuPDF, poppler) and
read back with OCR: what every reader shows, not what the file claims."""
from __future__ import annotations

import difflib
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml

import readers
from conftest import ENGLISH, SEED, pdftotext, requires, run, soffice_convert, squash
from plangen.tools.fill import fill

LACKING = readers.missing()
# poppler (pdftoppm), pdf.js in Node (the browsers' PDF engine) and Tesseract: see conftest.MARKERS
pytestmark = [pytest.mark.poppler, pytest.mark.browser, pytest.mark.ocr,
              pytest.mark.skipif(bool(LACKING), reason=f"reader tests need: {', '.join(LACKING)} (bash scripts/setup test)")]

VALUES = {  # by label, as a person names them; mixed Chinese, digits, Latin, full-width brackets
    SEED.stem: {"部门": "后勤处（总务科）", "姓名": "张三丰", "日期": "2021年3月1日"},
    ENGLISH.stem: {"Department": "Facilities (East)", "Name": "Li Lei 李雷", "Date": "1 Mar 2021"},
}


def field_boxes(pdf: Path) -> dict[str, tuple[str, tuple]]:
    """Field name -> (label, box in points from the top left, the underline left out)."""
    from pypdf import PdfReader
    page = PdfReader(pdf).pages[0]
    height = float(page.mediabox.height)
    out = {}
    for ref in page["/Annots"]:
        a = ref.get_object()
        x1, y1, x2, y2 = (float(v) for v in a["/Rect"])
        out[str(a["/T"])] = (str(a["/TU"]), (x1, height - y2, x2, height - y1 - 3))
    return out


def by_name(pdf: Path, values: dict[str, str]) -> dict[str, str]:
    labels = {label: name for name, (label, _) in field_boxes(pdf).items()}
    return {labels[k]: v for k, v in values.items()}


def fill_plangen(src: Path, out: Path, values: dict[str, str]) -> None:
    proc = run("fill", str(src), *[a for k, v in values.items() for a in ("--set", f"{k}={v}")], "-o", str(out))
    assert proc.returncode == 0, proc.stderr


def fill_pypdf(src: Path, out: Path, values: dict[str, str]) -> None:
    """pypdf writes the appearances itself, with the field's /DA font (the embedded typing font)."""
    from pypdf import PdfWriter
    writer = PdfWriter(clone_from=str(src))
    writer.update_page_form_field_values(writer.pages[0], by_name(src, values), auto_regenerate=False)
    writer.write(str(out))


def fill_pypdf_default(src: Path, out: Path, values: dict[str, str]) -> None:
    """pypdf's defaults also set NeedAppearances: each reader redraws the fields itself."""
    from pypdf import PdfWriter
    writer = PdfWriter(clone_from=str(src))
    writer.update_page_form_field_values(writer.pages[0], by_name(src, values))
    writer.write(str(out))


def fill_typed(src: Path, out: Path, values: dict[str, str]) -> None:
    """Click into each field, select what it holds and type, key by key, through PDFium's
    form API, then save (what Chrome writes when a person fills the form and saves it)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    boxes, names = field_boxes(src), by_name(src, values)
    pdf = pdfium.PdfDocument(str(src))
    pdf.init_forms()
    form, page = pdf.formenv.raw, pdf[0]
    raw.FORM_OnAfterLoadPage(page.raw, form)
    height = page.get_height()
    for name, text in names.items():
        x1, top, x2, bottom = boxes[name][1]
        x, y = (x1 + x2) / 2, height - (top + bottom) / 2
        raw.FORM_OnLButtonDown(form, page.raw, 0, x, y)
        raw.FORM_OnLButtonUp(form, page.raw, 0, x, y)
        raw.FORM_SelectAllText(form, page.raw)  # typing replaces a pre-filled value
        units = text.encode("utf-16-le")
        for i in range(0, len(units), 2):
            raw.FORM_OnChar(form, page.raw, int.from_bytes(units[i:i + 2], "little"), 0)
        raw.FORM_ForceToKillFocus(form)
    raw.FORM_OnBeforeClosePage(page.raw, form)
    pdf.save(str(out))
    pdf.close()


FILLERS = {"plangen": fill_plangen, "pypdf": fill_pypdf, "pypdf-regenerate": fill_pypdf_default, "typed": fill_typed}


def same(seen: str, wanted: str) -> bool:
    def norm(s):
        return "".join(unicodedata.normalize("NFKC", s).split()).replace("〈", "(").replace("〉", ")")
    return difflib.SequenceMatcher(None, norm(seen), norm(wanted)).ratio() >= 0.85


@pytest.fixture(scope="module")
def filled(built, tmp_path_factory) -> dict:
    """(plan, how) -> the filled PDF, with pdf.js's drawing of each made in one Node run."""
    folder = tmp_path_factory.mktemp("filled")
    out = {}
    for plan in (SEED, ENGLISH):
        for how, filler in FILLERS.items():
            pdf = folder / f"{plan.stem}-{how}.pdf"
            filler(built / f"{plan.stem}.pdf", pdf, VALUES[plan.stem])
            out[plan.stem, how] = pdf
    readers.render_all([(pdf, pdf.with_name(pdf.stem + "-pdfjs.png")) for pdf in out.values()])
    return out


@pytest.mark.parametrize("how", FILLERS)
@pytest.mark.parametrize("plan", [SEED, ENGLISH], ids=lambda p: p.stem)
def test_filled_cover_reads_back_in_every_engine(filled, plan, how):
    out = filled[plan.stem, how]
    check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    boxes = field_boxes(out)
    wanted = list(by_name(out, VALUES[plan.stem]).items())
    pngs = {e: out.with_name(f"{out.stem}-{e}.png") for e in readers.ENGINES}
    for engine in ("pdfium", "mupdf", "poppler"):
        readers.render(engine, out, pngs[engine])
    seen = readers.ocr_boxes([(pngs[e], boxes[name][1]) for e in readers.ENGINES for name, _ in wanted])
    assert len(seen) == len(readers.ENGINES) * len(wanted), seen
    for i, engine in enumerate(readers.ENGINES):
        got = seen[i * len(wanted):(i + 1) * len(wanted)]
        assert all(same(s, v) for s, (_, v) in zip(got, wanted)), (engine, got, wanted)


def test_ocr_check_can_fail(built, tmp_path):
    """The blanks of an unfilled cover do not read as the values."""
    src = built / f"{SEED.stem}.pdf"
    boxes = field_boxes(src)
    wanted = list(by_name(src, VALUES[SEED.stem]).items())
    png = readers.render("poppler", src, tmp_path / "blank.png")
    seen = readers.ocr_boxes([(png, boxes[n][1]) for n, _ in wanted])
    assert not any(same(s, v) for s in seen for _, v in wanted)


def test_flattened_copy_prints_the_values_without_fields(built, tmp_path):
    src, out = built / f"{SEED.stem}.pdf", tmp_path / "flat.pdf"
    boxes = field_boxes(src)
    values = VALUES[SEED.stem]
    proc = run("fill", str(src), *[a for k, v in values.items() for a in ("--set", f"{k}={v}")], "--flatten", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    from pypdf import PdfReader
    reader = PdfReader(out)
    assert not reader.get_fields() and "/AcroForm" not in reader.trailer["/Root"]
    wanted = list(by_name(src, values).items())
    for engine in ("pdfium", "poppler"):
        png = readers.render(engine, out, tmp_path / f"{engine}.png")
        seen = readers.ocr_boxes([(png, boxes[n][1]) for n, _ in wanted])
        assert all(same(s, v) for s, (_, v) in zip(seen, wanted)), (engine, seen)
    assert subprocess.run(["qpdf", "--check", str(out)], capture_output=True).returncode == 0


@requires("soffice", "pdftotext")
def test_a_date_reads_the_same_in_the_pdf_the_docx_and_pdfjs(tmp_path):
    """One date format a language (wording date_format): a cover date pre-filled as 2021-03-01
    is printed 1 Mar 2021 / 2021年3月1日 in the PDF's field, in the .docx's date picker (as
    LibreOffice prints it, with that picture) and in the HTML; typed into the PDF's field,
    pdf.js's own AFDate_FormatEx shows the same; `plangen fill` of 2021-03-02 writes 2 Mar 2021
    / 2021年3月2日 into both documents (the .docx's picker holding the date)."""
    import docx
    from docx.oxml.ns import qn
    from pypdf import PdfReader
    wanted = {ENGLISH: ("1 Mar 2021", "d MMM yyyy"), SEED: ("2021年3月1日", "yyyy年M月d日")}
    plans = []
    for plan in wanted:
        data = yaml.safe_load(plan.read_text(encoding="utf-8"))
        fields = data["document"].setdefault("fields", [{"label": "日期", "type": "date"}])
        next(f for f in fields if f.get("type") == "date")["value"] = "2021-03-01"
        plans.append(tmp_path / f"{plan.stem}.yaml")
        plans[-1].write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    proc = run("build", *map(str, plans), "--format", "pdf,docx,html", "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 0, proc.stderr
    for plan in wanted:  # plangen fill with an ISO date writes it as the field shows a picked one
        for suffix in (".pdf", ".docx"):
            path = tmp_path / "out" / f"{plan.stem}{suffix}"
            path.with_name(f"filled-{path.name}").write_bytes(fill(path, path.read_bytes(), {"date": "2021-03-02"}))
    soffice_convert([tmp_path / "out" / f"{prefix}{p.stem}.docx" for p in wanted for prefix in ("", "filled-")], "pdf",
                    tmp_path / "lo")
    for plan, (shown, picture) in wanted.items():
        pdf = tmp_path / "out" / f"{plan.stem}.pdf"
        assert PdfReader(pdf).get_fields()["date"]["/V"] == shown
        # typed as an ISO date, and as the field shows it (the keystroke check takes it back)
        assert readers.typed_in_pdfjs(pdf, [("date", "2021-03-01"), ("date", shown)]) == [shown, shown]
        control = docx.Document(tmp_path / "out" / f"{plan.stem}.docx").element.body.find(f".//{qn('w:date')}")
        assert control.find(qn("w:dateFormat")).get(qn("w:val")) == picture
        assert control.get(qn("w:fullDate")) == "2021-03-01T00:00:00Z"
        assert squash(shown) in squash(pdftotext(tmp_path / "lo" / f"{plan.stem}.pdf", "-f", "1", "-l", "1"))
        assert shown in (tmp_path / "out" / f"{plan.stem}.html").read_text(encoding="utf-8")
        filled = shown.replace("1", "2", 1) if plan == ENGLISH else shown.replace("1日", "2日")  # 2 Mar 2021, 2021年3月2日
        assert PdfReader(tmp_path / "out" / f"filled-{plan.stem}.pdf").get_fields()["date"]["/V"] == filled
        control = docx.Document(tmp_path / "out" / f"filled-{plan.stem}.docx").element.body.find(f".//{qn('w:date')}")
        assert control.get(qn("w:fullDate")) == "2021-03-02T00:00:00Z"
        assert squash(filled) in squash(pdftotext(tmp_path / "lo" / f"filled-{plan.stem}.pdf", "-f", "1", "-l", "1"))
