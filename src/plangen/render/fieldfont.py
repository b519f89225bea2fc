"""Fonts for PDF form fields, as embedded subsets every reader draws the same way.

Two roles (see README, "Fill-in fields"):
- the *typing* font, named by each field's /DA and the form's /DR: what a reader draws
  when a person types. It must be embedded (poppler draws a non-embedded STSong-Light as
  random glyphs, pdf.js without system fonts as boxes) and hold what people type on a
  cover: GB 2312 level-1 hanzi, ASCII, full-width forms and CJK punctuation, cut from
  WenQuanYi Micro Hei (the smallest complete face measured: 389 KB deflated, against
  1.33 MB for Noto Sans CJK SC);
- the *value* font of an appearance stream plangen writes itself (pre-filled values and
  ``plangen fill``): only the glyphs written, a few kilobytes; in an English document from
  its Latin serif (``LATIN``, the theme's --serif), like the labels beside it, else (or for
  a value it cannot set, such as Chinese) from the typing face, or from Noto Sans CJK SC
  for a character that lacks.

A font is described as plain data (``fields.pdfobj`` turns it into PDF objects): a
TrueType or CFF file, the glyph id of each character, widths and a ToUnicode map.
Subsetting uses HarfBuzz (uharfbuzz: 0.1 s for 4,500 glyphs; fontTools takes seconds).
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from plangen.errors import RenderError

if TYPE_CHECKING:
    import uharfbuzz as hb

FACES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC")  # first: typing and values; second: rare characters
LATIN = "Liberation Serif"  # values in an English document (fonts.css --serif) when the theme does not say


@dataclass(frozen=True)
class SubsetFont:
    name: str  # PostScript name with a subset tag, e.g. ABCDEF+WenQuanYiMicroHei
    data: bytes  # the font program (TrueType, or OpenType with CFF)
    cff: bool
    gids: dict[str, int]  # character -> glyph id in ``data``
    widths: dict[int, int]  # glyph id -> advance in 1/1000 em
    ascent: int
    descent: int
    bbox: tuple[int, int, int, int]


@functools.lru_cache(maxsize=1)
def typing_chars() -> str:
    """What people type on a cover: ASCII, GB 2312 level-1 hanzi (3,755), CJK punctuation
    and full-width forms (GB 2312 rows 1 and 3)."""
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for hi in [0xA1, 0xA3, *range(0xB0, 0xD8)]:
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([hi, lo]).decode("gb2312"))
    return "".join(sorted(chars))


@functools.cache
def face_file(family: str) -> tuple[str, int]:
    """The installed file and face index of ``family`` (fontconfig), or a one-line error."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}", family],
                             capture_output=True, text=True, timeout=30, check=True).stdout.split("\n")
    except (OSError, subprocess.SubprocessError) as exc:
        raise RenderError(f"fc-match: cannot look up the form field font {family}: {exc}") from None
    if len(out) < 3 or family not in out[2].split(","):
        raise RenderError(f"form field font not installed: {family}; run `bash scripts/setup render` "
                          "(Debian: fonts-wqy-microhei, fonts-noto-cjk)")
    return out[0], int(out[1] or 0)


@functools.lru_cache(maxsize=8)
def subset(family: str, chars: str) -> SubsetFont:
    """``chars`` of ``family`` as a subset font (characters the face lacks are left out)."""
    import uharfbuzz as hb
    path, index = face_file(family)
    face = hb.Face(hb.Blob.from_file_path(path), index)
    wanted = {ord(c) for c in chars} & set(face.unicodes)
    request = hb.SubsetInput()
    request.sets(hb.SubsetInputSets.UNICODE).update(wanted)
    request.flags |= hb.SubsetFlags.NO_HINTING
    cut = hb.subset(face, request)
    if cut is None:
        raise RenderError(f"{path}: cannot subset the form field font {family}")
    return _describe(cut, family)


def _describe(face: hb.Face, family: str) -> SubsetFont:
    import uharfbuzz as hb
    font = hb.Font(face)
    upem = face.upem
    cmap = {chr(u): font.get_nominal_glyph(u) for u in face.unicodes}
    widths = {g: round(font.get_glyph_h_advance(g) * 1000 / upem) for g in set(cmap.values()) | {0}}
    extents = font.get_font_extents("ltr")
    data: bytes = face.blob.data
    cff = data[:4] == b"OTTO"
    digest = hashlib.sha256(data).digest()
    tag = "".join(chr(65 + b % 26) for b in digest[:6])  # stable: the same subset, the same name
    return SubsetFont(
        name=f"{tag}+{family.replace(' ', '')}", data=data, cff=cff, gids=cmap, widths=widths,
        ascent=round(extents.ascender * 1000 / upem), descent=round(extents.descender * 1000 / upem),
        bbox=(-100, round(extents.descender * 1000 / upem), 1100, round(extents.ascender * 1000 / upem)))


def value_font(text: str, where: str, first: str | None = None) -> SubsetFont:
    """A subset holding exactly the glyphs of ``text``, from the first face that has them all:
    ``first`` (an English document's Latin face, as its cover's labels), then FACES."""
    needed = "".join(sorted(set(text)))
    for family in ((first,) if first else ()) + FACES:
        font = subset(family, needed)
        if all(c in font.gids for c in needed):
            return font
    lacking = "".join(c for c in needed if c not in subset(FACES[-1], needed).gids)
    raise RenderError(f"{where}: no installed font has {lacking!r} (tried {', '.join(FACES)})")


def typing_font() -> SubsetFont:
    return subset(FACES[0], typing_chars())
