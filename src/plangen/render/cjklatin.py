"""Latin letters, digits and ASCII signs inside Chinese text: in the PDF, the face fonts.css
names as `--cjk-latin` (Liberation Serif: the metrics of the Times New Roman every style of
the .docx names for Latin text), so both formats give "HP LaserJet Pro M404dn" or
"0571-87654321" the same width and break the lines alike. Without that line in fonts.css the
CJK faces draw them, as before.

How: the Latin face is registered again for each CJK family of the theme, limited by
`unicode-range` to printable ASCII without the space, and put first in that family's role
chains (--song, --hei, --kai). Spaces and everything else stay the CJK face's, which stays
each line's first font. Each registration carries its CJK face's vertical metrics (ascent
and descent; the glyphs are untouched): with its own, a line of only Latin text or digits (a
table's number cell, "LaserJet Pro M404dn" wrapped alone) sat 1.5 pt lower in its 28.95 pt
line, which grew to 30.5 pt, and every appendix row with it.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from plangen.render.theme import font_charsets

if TYPE_CHECKING:
    from plangen.render.fonts import Face

ROLE = "cjk-latin"  # fonts.css: the family of Latin text inside CJK text
VERSION = "metrics+BASE|"  # how with_metrics changes a face: part of the cut's cache key
RANGE = "U+21-7E"  # printable ASCII but the space: what Word sets in its ascii font, LibreOffice in its Latin one


def faces(theme_faces: list[Face], families: dict[str, str], tag: str, prepare: Callable[[Face, Face], Path]
          ) -> tuple[list[tuple[str, Path, int]], dict[str, str]]:
    """(family, file, weight) of each registration of the Latin face, and for each CJK family
    the start of its role chains ('"Liberation Serif subset-… with Noto Serif CJK SC", ').
    PREPARE(latin face, CJK face) cuts the Latin face with the CJK face's metrics."""
    latin = families.get(ROLE)
    if not latin:
        return [], {}
    rules, chains = [], {}
    for cjk in dict.fromkeys(f for role, f in families.items() if role != ROLE and f != latin and is_cjk(f)):
        name = f"{latin} {tag} with {cjk}"
        like = [f for f in theme_faces if f.family == cjk]
        for face in (f for f in theme_faces if f.family == latin):
            nearest = min(like, key=lambda f: abs(f.weight - face.weight))
            rules.append((name, prepare(face, nearest), face.weight))
        chains[cjk] = f'"{name}", '
    return rules, chains


def is_cjk(family: str) -> bool:
    """Whether an installed family holds CJK text (has 中, U+4E2D)."""
    return any(lo <= 0x4E2D <= hi for lo, hi in font_charsets().get(family, []))


def with_metrics(data: bytes, like: Face) -> bytes:
    """The font DATA with the vertical metrics of the face LIKE, scaled to DATA's units per em:
    ascent and descent (hhea, OS/2 typo and win; no line gap) and LIKE's baseline table (BASE),
    which Pango 1.50 aligns a run of another font by (without it, a line of Noto CJK text
    with a Latin run grew 0.5 pt, one starting with a Latin run too)."""
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont
    source = hb.Face(hb.Blob.from_file_path(like.file), like.index)
    extents = hb.Font(source).get_font_extents("ltr")
    font = TTFont(io.BytesIO(data))
    scale = font["head"].unitsPerEm / source.upem
    ascent, descent = round(extents.ascender * scale), round(-extents.descender * scale)
    hhea, os2 = font["hhea"], font["OS/2"]
    hhea.ascent, hhea.descent, hhea.lineGap = ascent, -descent, 0
    os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap = ascent, -descent, 0
    os2.usWinAscent, os2.usWinDescent = ascent, descent
    _copy_baselines(font, like, scale)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _copy_baselines(font, like: Face, scale: float) -> None:
    from fontTools.ttLib import TTFont
    source = TTFont(like.file, fontNumber=like.index, lazy=True)
    if "BASE" in font:
        del font["BASE"]
    if "BASE" in source:
        base = source["BASE"]
        base.table.ensureDecompiled(recurse=True)  # a lazy font's subtables are read on access
        _scale_coordinates(base.table, scale)
        font["BASE"] = base


def _scale_coordinates(table, scale: float) -> None:
    """Every Coordinate under a fontTools table object, times SCALE."""
    if isinstance(table, list):
        for item in table:
            _scale_coordinates(item, scale)
        return
    if not hasattr(table, "__dict__"):
        return
    for key, value in vars(table).items():
        if key == "Coordinate" and isinstance(value, int):
            setattr(table, key, round(value * scale))
        elif isinstance(value, list) or hasattr(value, "__dict__"):
            _scale_coordinates(value, scale)
