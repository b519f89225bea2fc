"""document.locale: one language tag for Word's proofing language, the HTML's lang and the
PDF's /Lang (outline.Outline.lang_tag); en-US / zh-CN when the plan gives none."""
from __future__ import annotations

import re
import zipfile

from conftest import ENGLISH, SEED, no_traceback, run


def _with_locale(tmp_path, plan, line: str):
    text = plan.read_text(encoding="utf-8")
    anchor = "  language: en\n" if "  language: en\n" in text else "  number:"
    path = tmp_path / plan.name
    path.write_text(text.replace(anchor, f"  {line}\n" + anchor, 1), encoding="utf-8")
    return path


def test_a_british_plan_is_british_in_every_format(tmp_path):
    from pypdf import PdfReader
    plan = _with_locale(tmp_path, ENGLISH, "locale: en-GB")
    proc = run("build", str(plan), "--format", "docx,pdf,html", "--out", str(tmp_path / "o"))
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(tmp_path / "o" / f"{plan.stem}.docx") as z:
        styles = z.read("word/styles.xml").decode()
        document = z.read("word/document.xml").decode()
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group(0)
    assert re.search(r'<w:lang w:val="en-GB"', defaults), defaults
    assert 'w:val="en-US"' not in document  # the cover's date picker follows (w:lid)
    assert '<html lang="en-GB">' in (tmp_path / "o" / f"{plan.stem}.html").read_text(encoding="utf-8")
    assert PdfReader(tmp_path / "o" / f"{plan.stem}.pdf").trailer["/Root"]["/Lang"] == "en-GB"


def test_without_a_locale_the_language_decides(tmp_path):
    proc = run("build", str(ENGLISH), "--format", "html", "--out", str(tmp_path / "o"))
    assert proc.returncode == 0, proc.stderr
    assert '<html lang="en-US">' in (tmp_path / "o" / f"{ENGLISH.stem}.html").read_text(encoding="utf-8")


def test_a_locale_of_another_language_is_an_error(tmp_path):
    plan = _with_locale(tmp_path, SEED, "locale: en-GB")
    line = next(i for i, text in enumerate(plan.read_text(encoding="utf-8").splitlines(), 1) if "locale:" in text)
    proc = run("check", str(plan))
    assert proc.returncode == 1
    assert f"{plan}:{line}:" in proc.stderr and "document.locale: en-GB is not a tag of the plan's language 'zh'" \
        in proc.stderr, proc.stderr
    (tmp_path / "x").mkdir()
    bad = _with_locale(tmp_path / "x", ENGLISH, "locale: english")
    proc = run("check", str(bad))
    assert proc.returncode == 1 and "document.locale: expected a language tag" in proc.stderr, proc.stderr
    assert len(proc.stderr.splitlines()) == 2  # the error and the count: not also "not a tag of the plan's language"
