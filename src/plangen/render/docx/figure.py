"""A chart of the outline (``outline.chart.Figure``) as a PNG for the .docx: the same shapes,
colours and words the SVG of the PDF carries, drawn with Pillow (python-docx's own
dependency: nothing more to install, nothing imported until a report has a chart) in the
theme's fonts at 300 dpi. The bytes are the same for the same chart."""
from __future__ import annotations

import io
from functools import lru_cache
from typing import TYPE_CHECKING

from plangen.errors import RenderError
from plangen.outline.chart import Figure
from plangen.render.theme import Theme, font_files, pdf_font_families

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

DPI = 300


@lru_cache(maxsize=8)
def _font(family: str, size_px: int) -> FreeTypeFont:
    """FAMILY's regular face (the SVG's text is not bold), else any of its faces."""
    from PIL import ImageFont
    found = []
    for path in font_files().get(family, []):
        for index in range(12):  # a .ttc holds several faces: take the one with this family
            try:
                font = ImageFont.truetype(path, size_px, index=index)
            except OSError:
                break
            if font.getname()[0] == family:
                found.append(font)
    regular = [f for f in found if f.getname()[1] == "Regular"]
    if regular or found:
        return (regular or found)[0]
    raise RenderError(f"font not installed for the chart: {family}; run `bash scripts/setup render`")


def _faces(theme: Theme, language: str, size_px: int) -> tuple[FreeTypeFont, FreeTypeFont]:
    """The chart's face for Latin text and for the rest, as the SVG's font-family names them
    (figure.html.j2): in English the theme's sans (Liberation Sans), the 黑 face (Noto Sans CJK
    SC) for what it lacks; in Chinese the 黑 face for everything."""
    families = pdf_font_families(theme)
    cjk = _font(families.get("hei", "Noto Sans CJK SC"), size_px)
    latin = _font(families["sans"], size_px) if language == "en" and families.get("sans") else cjk
    return latin, cjk


def png(fig: Figure, theme: Theme, language: str = "zh") -> bytes:
    from PIL import Image, ImageDraw
    k = DPI / 72  # points to pixels
    image = Image.new("RGB", (round(fig.width * k), round(fig.height * k)), "white")
    draw = ImageDraw.Draw(image)
    latin, cjk = _faces(theme, language, round(fig.font_size * k))
    for s in fig.shapes:
        colour = fig.colour(s.role)
        if s.kind == "rect":
            draw.rectangle([s.x * k, s.y * k, (s.x + s.w) * k - 1, (s.y + s.h) * k - 1], fill=colour)
        elif s.kind == "line":
            draw.line([s.x * k, s.y * k, s.w * k, s.h * k], fill=colour, width=max(1, round(0.6 * k)))
        else:  # text: y is the baseline, as in SVG
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[s.anchor]
            font = latin if all(ord(ch) < 0x2e80 for ch in s.text) else cjk
            draw.text((s.x * k, s.y * k), s.text, fill=colour, font=font, anchor=anchor)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True, dpi=(DPI, DPI))
    return out.getvalue()
