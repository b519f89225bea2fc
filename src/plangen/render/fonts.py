"""The PDF's fonts, prepared once: single-face subsets of the families fonts.css names.

The Noto CJK fonts are .ttc collections of 17-27 MB; left to fontconfig, WeasyPrint
subsets each of them for every document (about 0.3 s a document, whatever its length).
Here each face the theme uses (the simplified-Chinese face of each collection, regular and
bold) is cut once, with HarfBuzz, to the characters a build can print: the plan's text,
the theme's templates and wording, the document's HTML and the characters CSS counters
generate. The cut (a few hundred KB) is cached under the user's cache folder, named by a
hash of everything it is made from, and handed to WeasyPrint with @font-face; WeasyPrint
then subsets kilobytes.

A single-face file has no Japanese first face, so @font-face is safe with it. The faces
carry their own family name ("Noto Serif CJK SC subset-1a2b3c4d"), which the stylesheet's role
variables (--song, --hei, --kai) are pointed at: the installed family of the same name
can never be chosen instead. No silent fallback: every character of the document is in
the cut, and a face that does not come out as the family asked for is an error.

Latin letters and digits inside Chinese text: render/cjklatin.py.
"""
from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from plangen.errors import RenderError
from plangen.files import FileRefused, read_capped
from plangen.render import cjklatin
from plangen.render.theme import BUILTIN_TEMPLATES, Theme, font_faces, pdf_font_families

if TYPE_CHECKING:
    import uharfbuzz as hb

# What CSS can print that no text holds: counters (japanese-informal, decimal, circled), page numbers
GENERATED = "".join(chr(c) for c in range(0x20, 0x7F)) + "〇一二三四五六七八九十百千万（）、．。—–" \
    + "".join(chr(c) for c in range(0x2460, 0x2474))
WEIGHTS = (400, 700)  # what plangen's stylesheets ask for: normal and bold
FC_WEIGHTS = {0: 100, 40: 200, 50: 300, 55: 350, 75: 380, 80: 400, 100: 500, 180: 600, 200: 700, 205: 800, 210: 900,
              215: 950}


@dataclass(frozen=True)
class Face:
    family: str
    weight: int  # CSS weight it is registered for
    file: str
    index: int


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/plangen/fonts (default ~/.cache): the user's own, never shared."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "plangen" / "fonts"


def _own_folder(folder: Path) -> Path:
    """The cache folder, made if missing; refused unless it is a real folder of this user that
    nobody else can write to (rendering may read from it, so no one else may put files there)."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = os.lstat(folder)
    except OSError as exc:
        raise RenderError(f"{folder}: cannot write the prepared fonts: {exc.strerror}") from None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
        raise RenderError(f"{folder}: refused as the fonts cache: it must be a folder of this user that only "
                          "this user can write to (set XDG_CACHE_HOME to another place)")
    return folder


def theme_faces(theme: Theme) -> list[Face]:
    """For each family of fonts.css, the installed upright faces nearest to normal and bold."""
    installed = font_faces()
    faces: list[Face] = []
    for family in dict.fromkeys(pdf_font_families(theme).values()):
        candidates = [f for f in installed if family in f.families and f.slant == 0]
        if not candidates:
            raise RenderError(f"{theme.path('fonts.css')}: font not installed: {family}")
        chosen: dict[tuple[str, int], int] = {}
        for css_weight in WEIGHTS:
            best = min(candidates, key=lambda f: (abs(FC_WEIGHTS.get(f.weight, 400) - css_weight), f.file, f.index))
            chosen.setdefault((best.file, best.index), css_weight)
        faces += [Face(family, weight, file, index) for (file, index), weight in chosen.items()]
    return faces


def font_face_css(theme: Theme, text: str) -> tuple[str, Path]:
    """@font-face rules for the theme's faces cut to `text` (plus the theme's own text and
    what counters print), the role variables pointed at them; and the folder they are in."""
    chars = "".join(sorted(set(text) | set(GENERATED) | set(theme_text(theme))))
    folder = _own_folder(cache_dir())
    faces = theme_faces(theme)
    tag = family_tag(faces, chars)
    rules = [_rule(f"{face.family} {tag}", prepared(face, chars, folder), face.weight) for face in faces]
    families = pdf_font_families(theme)
    latin_rules, chains = cjklatin.faces(faces, families, tag, lambda face, like: prepared(face, chars, folder, like))
    rules += [_rule(family, path, weight, cjklatin.RANGE) for family, path, weight in latin_rules]
    roles = " ".join(f'--{role}: {chains.get(family, "")}"{family} {tag}" !important;'
                     for role, family in families.items())
    return "\n".join(rules) + f"\n:root {{ {roles} }}\n", folder


def _rule(family: str, path: Path, weight: int, unicode_range: str = "") -> str:
    limit = f" unicode-range: {unicode_range};" if unicode_range else ""
    return (f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}"); font-weight: {weight}; '
            f"font-style: normal;{limit} }}")


def family_tag(faces: list[Face], chars: str) -> str:
    """A name for one set of cut faces. Two sets in one process (two plans of a build) must
    not share a family name, or fontconfig draws one plan's text with the other's glyphs. It
    ends up in the PDF's font names, so it depends only on what is portable: the characters
    and the fonts' sizes, never paths or times."""
    sizes = "|".join(f"{os.stat(face.file).st_size}:{face.index}" for face in faces)
    return "subset-" + hashlib.sha256(f"{sizes}|{chars}".encode("utf-8", "surrogatepass")).hexdigest()[:8]


@lru_cache(maxsize=4)
def theme_text(theme: Theme) -> str:
    """Every character of the theme's templates, stylesheets and wording."""
    seen: set[str] = set()
    for folder in dict.fromkeys([theme.folder, BUILTIN_TEMPLATES]):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".j2", ".css", ".yaml", ".html"):
                try:  # the safe reader: a link out of the folder or a device is skipped here
                    seen |= set(read_capped(path, 2 ** 21, folder).decode("utf-8", errors="replace"))
                except FileRefused:
                    continue
    return "".join(sorted(seen))


def prepared(face: Face, chars: str, folder: Path, like: Face | None = None) -> Path:
    """The face cut to chars, from the cache or made now (atomically written); with LIKE, its
    vertical metrics made LIKE's (render/cjklatin.py)."""
    path = folder / f"{_key(face, chars, like)}.otf"
    if path.is_file():
        return path
    data = _subset(face, chars)
    if like is not None:
        data = cjklatin.with_metrics(data, like)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".otf")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise RenderError(f"{folder}: cannot write the prepared fonts: {exc.strerror}") from None
    return path


def _key(face: Face, chars: str, like: Face | None = None) -> str:
    import uharfbuzz
    identity = ""
    for f in (face, like) if like else (face,):
        st = os.stat(f.file)
        identity += f"{f.file}|{st.st_size}|{st.st_mtime_ns}|{f.index}|"
    identity += f"{uharfbuzz.__version__}|" + (cjklatin.VERSION if like else "")
    return hashlib.sha256(identity.encode() + chars.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _subset(face: Face, chars: str) -> bytes:
    import uharfbuzz as hb
    source = hb.Face(hb.Blob.from_file_path(face.file), face.index)
    names = _family_names(source)
    if face.family not in names:
        raise RenderError(f"{face.file}: face {face.index} is {' / '.join(names) or 'unnamed'}, not {face.family}")
    subset_input = hb.SubsetInput()
    for ch in chars:
        subset_input.unicode_set.add(ord(ch))
    result = hb.subset(source, subset_input)
    if result is None:
        raise RenderError(f"{face.file}: face {face.index} could not be subset")
    return bytes(result.blob.data)


def _family_names(face: hb.Face) -> list[str]:
    """The family names a face's name table gives (typographic, then legacy)."""
    import uharfbuzz as hb
    names = (face.get_name(n) for n in (hb.OTNameIdPredefined.TYPOGRAPHIC_FAMILY, hb.OTNameIdPredefined.FONT_FAMILY))
    return [n for n in names if n]
