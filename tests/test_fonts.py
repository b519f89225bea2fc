"""Fonts prepared once: single-face subsets of the theme's faces, cached by what they are made of."""
from __future__ import annotations

import io
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
    assert len(files) == len(theme_faces(load_theme())) and css.count("@font-face") == len(files)
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
    other, _ = font_face_css(load_theme(), "工作总结")
    assert other != first and len(list(cache.glob("*.otf"))) == 2 * len(mtimes)
    assert '--song: "Noto Serif CJK SC subset-' in first and "!important" in first


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
