"""Four real PDF engines drawing a PDF's first page, and OCR of what they drew.

PDFium (Chrome, Edge, Foxit) through pypdfium2, pdf.js (Firefox) through pdfjs-dist on
Node (tests/js, installed by ``bash scripts/setup test``), MuPDF through PyMuPDF (AGPL:
used by the tests only) and poppler (Evince, Okular, most Linux printing) through
pdftoppm. Each returns a PNG path; ``missing()`` names what is not installed."""
from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

JS = Path(__file__).resolve().parent / "js"
DPI = 150
ENGINES = ("pdfium", "pdfjs", "mupdf", "poppler")


def missing() -> list[str]:
    """What the reader tests need and this machine lacks (``bash scripts/setup test`` installs it)."""
    lacks = [m for m in ("pypdfium2", "pymupdf") if importlib.util.find_spec(m) is None]
    lacks += [p for p in ("pdftoppm", "tesseract", "node") if shutil.which(p) is None]
    if not (JS / "node_modules" / "pdfjs-dist").is_dir():
        lacks.append("pdfjs-dist (npm install in tests/js)")
    if shutil.which("tesseract") and "chi_sim" not in subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True).stdout:
        lacks.append("tesseract-ocr-chi-sim")
    return lacks


def render(engine: str, pdf: Path, out: Path, dpi: int = DPI) -> Path:
    """Page 1 of ``pdf`` drawn by ``engine``, form fields included, as ``out`` (PNG)."""
    return {"pdfium": _pdfium, "pdfjs": _pdfjs, "mupdf": _mupdf, "poppler": _poppler}[engine](pdf, out, dpi)


def _pdfium(pdf: Path, out: Path, dpi: int) -> Path:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    doc.init_forms()  # without it PDFium draws no form fields
    doc[0].render(scale=dpi / 72, may_draw_forms=True).to_pil().save(out)
    doc.close()
    return out


def _pdfjs(pdf: Path, out: Path, dpi: int) -> Path:
    render_all([(pdf, out)], dpi)
    return out


def render_all(pairs: list[tuple[Path, Path]], dpi: int = DPI) -> None:
    """pdf.js drawing page 1 of each (PDF, PNG) pair in one Node process (its start-up
    is most of the time)."""
    subprocess.run(["node", str(JS / "render.mjs"), str(dpi / 72), *[str(p) for pair in pairs for p in pair]],
                   check=True, capture_output=True, timeout=300)


def typed_in_pdfjs(pdf: Path, typed: list[tuple[str, str]]) -> list[str]:
    """What pdf.js shows in a field after each typing (field name, text), one after the other,
    each as a person types it and leaves the field: the field's own JavaScript
    (AFDate_FormatEx …) run in pdf.js's sandbox. A value the reader refuses fails here."""
    proc = subprocess.run(["node", str(JS / "type.mjs"), str(pdf), *[f"{k}={v}" for k, v in typed]],
                          check=True, capture_output=True, text=True, timeout=120)
    out = json.loads(proc.stdout)
    assert not out["alerts"], out["alerts"]
    return list(out["shown"])


def _mupdf(pdf: Path, out: Path, dpi: int) -> Path:
    import pymupdf
    with pymupdf.open(str(pdf)) as doc:
        doc[0].get_pixmap(dpi=dpi, annots=True).save(str(out))
    return out


def _poppler(pdf: Path, out: Path, dpi: int) -> Path:
    stem = out.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", "-png", str(pdf), str(stem)],
                   check=True, capture_output=True, timeout=60)
    return out


def ocr_boxes(crops: list[tuple[Path, tuple[float, float, float, float]]], lang: str = "chi_sim") -> list[str]:
    """Tesseract's reading of each (PNG, box in PDF points from the top left), spaces removed.

    The boxes are cut out (leave the blank's underline out), enlarged, stacked with white
    space between them and read in one run (one start-up of Tesseract): a line per box."""
    from PIL import Image, ImageOps
    cuts = []
    for png, box in crops:
        image = Image.open(png).convert("L")
        scale = image.width / 595.28
        cut = image.crop(tuple(round(v * scale) for v in box))
        cuts.append(ImageOps.expand(cut.resize((cut.width * 2, cut.height * 2), Image.LANCZOS), border=32, fill=255))
    sheet = Image.new("L", (max(c.width for c in cuts), sum(c.height for c in cuts)), 255)
    y = 0
    for cut in cuts:
        sheet.paste(cut, (0, y))
        y += cut.height
    sheet_path = crops[0][0].with_name(crops[0][0].stem + "-ocr.png")
    sheet.save(sheet_path)
    text = subprocess.run(["tesseract", str(sheet_path), "-", "-l", lang, "--psm", "6"],
                          capture_output=True, text=True, check=True, timeout=120).stdout
    return ["".join(line.split()) for line in text.splitlines() if line.strip()]
