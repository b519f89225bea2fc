"""How wide a piece of table text is, in pt, with the fonts' own advance widths.

The outline decides tables' column widths once for every format, so it measures text the way
the fonts will set it: English cells in Liberation Serif (the metrics of Times New Roman, which
the .docx names and LibreOffice draws with Liberation), English headers in Liberation Sans
Bold (Arial's metrics, the .docx's Table Heading), total rows in the cells' face, bold;
Chinese cells in Noto Serif CJK SC, headers in Noto Sans CJK SC (黑). A character a face
lacks is measured in the next face of its role (CJK in English text: the CJK face, as the
stylesheet's fallback chain). Faces are found with fontconfig and read with HarfBuzz once a
process; where a face is not installed, or without a language, the estimate of
``columns.char_em`` stands in (generous for Latin text: 0.62 em a letter)."""
from __future__ import annotations

import subprocess
from collections.abc import Callable
from functools import cache
from typing import Optional

ROLES = ("text", "bold", "head")  # a body cell, a total row's cell, a header cell
FACES = {  # (language, role): the families (and weight) a role is set in, first choice first
    ("en", "text"): (("Liberation Serif", 400), ("Noto Serif CJK SC", 400)),
    ("en", "bold"): (("Liberation Serif", 700), ("Noto Serif CJK SC", 700)),
    ("en", "head"): (("Liberation Sans", 700), ("Noto Sans CJK SC", 700)),
    ("zh", "text"): (("Noto Serif CJK SC", 400), ("Liberation Serif", 400)),
    ("zh", "bold"): (("Noto Serif CJK SC", 700), ("Liberation Serif", 700)),
    ("zh", "head"): (("Noto Sans CJK SC", 400), ("Liberation Sans", 400)),
}
SAFETY = 1.02  # word processors position glyphs on their own grid: 2 % on top of the fonts' advances

Advance = Callable[[str], Optional[float]]  # a character's advance in em, None where the face lacks it


def width(text: str, size: float, language: Optional[str], role: str, estimate: Callable[[str], float]) -> float:
    """TEXT's width in pt at SIZE, set in LANGUAGE's face for ROLE; ESTIMATE (em a character)
    where no face has the character or no language is given."""
    faces = [_face(family, weight) for family, weight in FACES.get((language or "", role), ())]
    total = 0.0
    for ch in text:
        em = next((a for a in (f(ch) for f in faces if f is not None) if a is not None), None)
        total += estimate(ch) if em is None else em * SAFETY
    return total * size


@cache
def _face(family: str, weight: int) -> Optional[Advance]:
    """The advance widths of FAMILY's upright face nearest WEIGHT, or None when it is not installed."""
    found = _locate(family, weight)
    if found is None:
        return None
    import uharfbuzz as hb
    path, index = found
    face = hb.Face(hb.Blob.from_file_path(path), index)
    font, upem, cache = hb.Font(face), face.upem, {}

    def advance(ch: str) -> Optional[float]:
        if ch not in cache:
            gid = font.get_nominal_glyph(ord(ch))
            cache[ch] = None if gid is None else font.get_glyph_h_advance(gid) / upem
        return cache[ch]
    return advance


def _locate(family: str, weight: int) -> Optional[tuple[str, int]]:
    """fontconfig's file and face index for FAMILY at WEIGHT (CSS), when that family is installed."""
    pattern = f"{family}:weight={200 if weight >= 700 else 80}:slant=0"
    try:
        out = subprocess.run(["fc-match", "--format", "%{family}|%{file}|%{index}", pattern],
                             capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families, _, rest = out.partition("|")
    path, _, index = rest.rpartition("|")
    if family not in families.split(",") or not path:
        return None
    return path, int(index or 0)
