"""Reading our documents back: what each test compares."""
from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import need, squash
from plangen.outline.outline import build_outline
from plangen.render.theme import load_theme
from plangen.source.load import load_plan

RIGHT_EDGE = 595.28 - 26 * 72 / 25.4  # A4's text block ends 26 mm from the right edge, in points


def outline_of(plan_path: Path, unit=None):
    loaded = load_plan(plan_path)
    return build_outline(loaded.plan, load_theme().wording(loaded.plan.document.language), unit)


def labelled_starts(plan_path: Path, n: int = 6) -> list[str]:
    """For each numbered block, its label followed by the first n characters of its words."""
    out = []
    for block in outline_of(plan_path).blocks:
        label = getattr(block, "label", None)
        if label:
            words = block.title if block.kind == "heading" else block.text
            out.append(squash(label + words)[: len(squash(label)) + n])
    return out


def in_order(needles: list[str], haystack: str) -> list[str]:
    """The needles not found in order in haystack (empty when all are)."""
    missing, pos = [], 0
    for needle in needles:
        found = haystack.find(needle, pos)
        if found < 0:
            missing.append(needle)
        else:
            pos = found + len(needle)
    return missing


def pdf_words(path: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, word) of every word on a page, from pdftotext -bbox."""
    html = subprocess.run([need("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    import re
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]


def pdf_pages(path: Path) -> int:
    info = subprocess.run([need("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def accept_all(document) -> None:
    """Accept every tracked change of a python-docx Document in place, as Word does:
    deleted runs, paragraphs and rows go; inserted ones stay, unwrapped."""
    body = document.element.body
    for row in list(body.iter(f"{W_NS}tr")):
        pr = row.find(f"{W_NS}trPr")
        if pr is not None and pr.find(f"{W_NS}del") is not None:
            row.getparent().remove(row)
    for p in list(body.iter(f"{W_NS}p")):
        mark = p.find(f"{W_NS}pPr/{W_NS}rPr/{W_NS}del")
        if mark is not None:
            p.getparent().remove(p)
    for deleted in list(body.iter(f"{W_NS}del")):
        deleted.getparent().remove(deleted)
    for inserted in list(body.iter(f"{W_NS}ins")):
        parent = inserted.getparent()
        if parent.tag in (f"{W_NS}rPr", f"{W_NS}trPr"):
            parent.remove(inserted)
            continue
        index = parent.index(inserted)
        for child in list(inserted):
            parent.insert(index, child)
            index += 1
        parent.remove(inserted)


def document_text(document) -> list[str]:
    """Paragraph texts and table cell texts, in order."""
    out = []
    body = document.element.body
    for el in body.iterchildren():
        if el.tag == f"{W_NS}p":
            out.append("".join(t.text or "" for t in el.iter(f"{W_NS}t")))
        elif el.tag == f"{W_NS}tbl":
            for row in el.iter(f"{W_NS}tr"):
                out.append(" | ".join("".join(t.text or "" for t in c.iter(f"{W_NS}t")) for c in row.iter(f"{W_NS}tc")))
    return out
