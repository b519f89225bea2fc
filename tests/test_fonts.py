"""Fonts prepared once: single-face subsets of the theme's faces, cached by what they are made of."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, SEED

pytestmark = pytest.mark.skipif(not shutil.which("fc-list"), reason="fontconfig (fc-list) is not installed")


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "plangen" / "fonts"


def test_faces_are_the_simplified_chinese_faces_of_the_collections():
    from plangen.render.fonts import theme_faces
    from plangen.render.theme import load_theme
    faces = theme_faces(load_theme())
    by_family = {(f.family, f.weight): f for f in faces}
    assert set(by_family) >= {("Noto Serif CJK SC", 400), ("Noto Serif CJK SC", 700), ("Noto Sans CJK SC", 400),
                              ("AR PL UKai CN", 400)}
    assert by_family[("Noto Serif CJK SC", 400)].file.endswith(".ttc")
    assert by_family[("Noto Serif CJK SC", 400)].index != 0  # face 0 of the collection is the Japanese one


def test_a_prepared_face_is_one_sc_face_holding_exactly_the_characters(cache):
    from fontTools.ttLib import TTFont

    from plangen.render.fonts import font_face_css, theme_faces
    from plangen.render.theme import load_theme
    css, folder = font_face_css(load_theme(), "黄竹林小学喆堃")
    assert folder == cache
    files = sorted(cache.glob("*.otf"))
    own = [rule for rule in css.split("@font-face")[1:] if "unicode-range" not in rule]  # not cjklatin's
    assert len(own) == len(theme_faces(load_theme())) and css.count("@font-face") == len(files)
    serif = [TTFont(io.BytesIO(f.read_bytes())) for f in files]
    names = {t["name"].getDebugName(1) for t in serif}
    assert names == {"Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN", "Liberation Serif", "Liberation Sans"}
    for font in serif:
        cmap = font.getBestCmap()
        latin = font["name"].getDebugName(1).startswith("Liberation")  # English text's faces: no CJK to hold
        assert all(ord(ch) in cmap for ch in ("" if latin else "黄竹林小学一二三十（）、") + "0123456789")
        assert ord("鑫") not in cmap  # in the face, not in the text: left out
        assert font.reader.file.getbuffer().nbytes < 2_000_000  # kilobytes, not the 20 MB collection


def test_prepared_faces_are_reused_and_named_by_their_characters(cache):
    from plangen.render.fonts import font_face_css
    from plangen.render.theme import load_theme
    first, _ = font_face_css(load_theme(), "工作计划")
    mtimes = {p: p.stat().st_mtime_ns for p in cache.glob("*.otf")}
    again, _ = font_face_css(load_theme(), "工作计划")
    assert again == first and {p: p.stat().st_mtime_ns for p in cache.glob("*.otf")} == mtimes
    other, _ = font_face_css(load_theme(), "麒麟")  # characters no wording of the theme holds
    assert other != first and len(list(cache.glob("*.otf"))) == 2 * len(mtimes)
    assert re.search(r'--song: [^;]*"Noto Serif CJK SC subset-\w+" !important;', first)  # after cjklatin's face


def test_a_face_that_is_not_the_family_named_is_refused(cache):
    from plangen.errors import RenderError
    from plangen.render.fonts import Face, prepared, theme_faces
    from plangen.render.theme import load_theme
    sc = next(f for f in theme_faces(load_theme()) if f.family == "Noto Serif CJK SC")
    japanese_first_face = Face(sc.family, 400, sc.file, 0)
    with pytest.raises(RenderError, match="Noto Serif CJK JP"):
        prepared(japanese_first_face, "学", cache)


def test_unwritable_cache_is_an_error_naming_it(tmp_path, monkeypatch):
    from plangen.errors import RenderError
    from plangen.render.fonts import font_face_css
    from plangen.render.theme import load_theme
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with pytest.raises(RenderError, match="cannot write the prepared fonts"):
        font_face_css(load_theme(), "学")


def test_cold_render_skips_failing_library_lookups_and_fonttools_subset(tmp_path):
    """In a fresh process: no `find_library` miss spawns ldconfig/gcc, fontTools.subset is never imported."""
    code = f"""
import ctypes.util, sys
calls = []
real = ctypes.util.find_library
ctypes.util.find_library = lambda name: calls.append(name) or real(name)
from plangen.build.orchestrator import Options, build
from pathlib import Path
result = build([{str(SEED)!r}], Options(formats=("pdf",), out=Path({str(tmp_path)!r}), force=True))
assert not result.failed, result.failed
print(len(calls), "fontTools.subset" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "False"]
    assert (tmp_path / "2021-logistics.pdf").stat().st_size > 10_000


def test_linker_cache_is_read_as_ctypes_reads_it():
    from plangen.render.engine import _parse_linker_cache
    text = ("\t2 libs found in cache `/etc/ld.so.cache'\n"
            "\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpango-1.0.so.0\n"
            "\tlibpango-1.0.so.0 (libc6) => /lib/i386-linux-gnu/libpango-1.0.so.0\n"
            "\tlibharfbuzz-subset.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libharfbuzz-subset.so.0\n")
    found = _parse_linker_cache(text)
    import os
    if os.uname().machine == "x86_64":
        assert found == {"pango-1.0": "libpango-1.0.so.0", "harfbuzz-subset": "libharfbuzz-subset.so.0"}
    assert "harfbuzz-vector" not in found


def test_a_cache_folder_others_can_write_to_is_refused(tmp_path, monkeypatch):
    """Rendering may read the prepared fonts, so nobody else may put files there."""
    from plangen.errors import RenderError
    from plangen.render.fonts import font_face_css
    from plangen.render.theme import load_theme
    folder = tmp_path / "plangen" / "fonts"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(RenderError, match="refused as the fonts cache"):
        font_face_css(load_theme(), "学")
    folder.rmdir()
    (tmp_path / "plangen" / "fonts").symlink_to(tmp_path)
    with pytest.raises(RenderError, match="refused as the fonts cache"):
        font_face_css(load_theme(), "学")


def test_latin_inside_chinese_text_is_the_latin_face_with_each_cjk_faces_metrics(cache):
    """fonts.css's --cjk-latin (Liberation Serif) comes first in each CJK role's chain, limited
    to printable ASCII without the space, with the ascent, descent and baselines of that role's
    CJK face (render/cjklatin.py)."""
    from urllib.parse import unquote, urlparse

    from fontTools.ttLib import TTFont

    from plangen.render.fonts import font_face_css
    from plangen.render.theme import load_theme
    css, _ = font_face_css(load_theme(), "黄竹林小学 HP LaserJet 0571-87654321")
    chains = dict(re.findall(r"--(song|hei|kai|serif): ([^;]+?) !important;", css))
    assert re.fullmatch(r'"Liberation Serif subset-\w+ with Noto Serif CJK SC", "Noto Serif CJK SC subset-\w+"', chains["song"])
    assert chains["hei"].startswith('"Liberation Serif subset-') and chains["kai"].startswith('"Liberation Serif subset-')
    assert re.fullmatch(r'"Liberation Serif subset-\w+"', chains["serif"])  # English text: the whole face
    files = {}
    for rule in css.split("@font-face")[1:]:
        family, url = re.search(r'font-family: "([^"]+)"; src: url\("([^"]+)"\); font-weight: 400', rule).groups() \
            if "font-weight: 400" in rule else (None, None)
        if family:
            files[family.split(" subset-")[0] + (" with" + family.split(" with")[1] if " with " in family else "")] = \
                (TTFont(unquote(urlparse(url).path)), "unicode-range: U+21-7E;" in rule)
    latin, ranged = files["Liberation Serif with Noto Serif CJK SC"]
    cjk, _ = files["Noto Serif CJK SC"]
    assert ranged and not files["Liberation Serif"][1]
    scale = latin["head"].unitsPerEm / cjk["head"].unitsPerEm  # 2048 / 1000
    assert (latin["hhea"].ascent, latin["hhea"].descent) == (round(cjk["hhea"].ascent * scale), round(cjk["hhea"].descent * scale))
    coords = [c.Coordinate for c in latin["BASE"].table.HorizAxis.BaseScriptList.BaseScriptRecord[0].BaseScript.BaseValues.BaseCoord]
    assert coords == [round(c.Coordinate * scale) for c in
                      cjk["BASE"].table.HorizAxis.BaseScriptList.BaseScriptRecord[0].BaseScript.BaseValues.BaseCoord]
    assert "BASE" not in files["Liberation Serif with AR PL UKai CN"][0]  # as UKai, which has none


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler (pdftotext) is not installed")
def test_chinese_lines_with_latin_keep_the_line_pitch_and_take_times_widths(cache, tmp_path):
    """Latin runs at the start, middle and end of Chinese lines, and a line of digits alone:
    every baseline 28.95 pt below the last (a Latin face with its own metrics and no BASE table
    made such lines 29.5 pt), the digits and letters drawn in Liberation Serif, the rest in Noto."""
    import pymupdf

    from plangen.render.engine import import_weasyprint
    from plangen.render.fonts import font_face_css
    from plangen.render.theme import load_theme
    body = "".join(f"<p>{t}</p>" for t in ["各校采购", "2、各校采购", "各校采购2", "各 Dell 校", "22", "HP LaserJet 采购", "各校"])
    css, _ = font_face_css(load_theme(), body)
    html = (f"<html lang='zh-CN'><style>{css} html {{ font-family: var(--song); font-size: 16pt; line-height: 28.95pt; }}"
            f" p {{ margin: 0; }}</style><body>{body}</body></html>")
    pdf = tmp_path / "lines.pdf"
    import_weasyprint().HTML(string=html).write_pdf(pdf)
    spans = [s for b in pymupdf.open(pdf)[0].get_text("dict")["blocks"] for line in b.get("lines", []) for s in line["spans"]]
    baselines = sorted({round(s["origin"][1], 2) for s in spans})
    assert len(baselines) == 7 and all(abs(b - a - 28.95) < 0.02 for a, b in zip(baselines, baselines[1:])), baselines
    fonts = {ch: s["font"] for s in spans for ch in s["text"] if not ch.isspace()}
    assert all("Liberation-Serif" in fonts[ch] for ch in "2DellHPLaserJet")
    assert all("Noto-Serif-CJK-SC" in fonts[ch] for ch in "各校采购、")
