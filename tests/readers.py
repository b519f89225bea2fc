"""Four real PDF engines drawing a PDF's first page, and OCR of what they drew.

PDFium (Chrome, Edge, Foxit) through pypdfium2, pdf.js (Firefox) through pdfjs-dist on
Node (tests/js, installed by ``bash scripts/setup test``), MuPDF through PyMuPDF (AGPL:
used by the tests only) and poppler (Evince, Okular, most Linux printing) through
pdftoppm. Each returns a PNG path; ``missing()`` names what is not installed."""
from __future__ import annotations

import importlib.util
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
    subprocess.run(["node", str(JS / "render.mjs"), str(pdf), str(out), str(dpi / 72)],
                   check=True, capture_output=True, timeout=60)
    return out


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


def ocr_boxes(png: Path, boxes: list[tuple[float, float, float, float]], lang: str = "chi_sim") -> list[str]:
    """Tesseract's reading of each box (PDF points, origin top left) of ``png``, spaces removed.

    The boxes are cut out (the blank's underline left out), stacked with white space
    between them and read in one run: one line of text per box."""
    from PIL import Image, ImageOps
    image = Image.open(png).convert("L")
    scale = image.width / 595.28
    crops = [image.crop(tuple(round(v * scale) for v in box)) for box in boxes]
    crops = [ImageOps.expand(c.resize((c.width * 2, c.height * 2), Image.LANCZOS), border=32, fill=255) for c in crops]
    sheet = Image.new("L", (max(c.width for c in crops), sum(c.height for c in crops)), 255)
    y = 0
    for crop in crops:
        sheet.paste(crop, (0, y))
        y += crop.height
    sheet_path = png.with_name(png.stem + "-boxes.png")
    sheet.save(sheet_path)
    text = subprocess.run(["tesseract", str(sheet_path), "-", "-l", lang, "--psm", "6"],
                          capture_output=True, text=True, check=True, timeout=60).stdout
    return ["".join(line.split()) for line in text.splitlines() if line.strip()]
