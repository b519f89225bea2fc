"""Long documents rendered in parts, so that a worker's memory stays bounded.

WeasyPrint keeps every element's computed style and every page's boxes until the PDF is
written: a plan of 10,000 items (456 pages) peaked at ~620 MB. Above MIN_BLOCKS blocks the
body (the children of <main>) is rendered PART_BLOCKS blocks at a time, and the parts'
pages are joined into one PDF (pypdf), with one outline and the named destinations rebuilt.

The pages come out as in one render: a part keeps only the pages before the last page
(but one) that starts with a new block with no top margin of its own, and the next part
starts with that block at the top of a page, where one render had it too. A later part
starts with one or two blank pages (dropped) so that its first page has the number and the
left/right side it has in the whole document. Documents below MIN_BLOCKS are rendered in
one piece as before (byte for byte).
"""
from __future__ import annotations

import gc
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Optional

PART_BLOCKS = 1500  # blocks a part holds (10,000 items: ~70 pages a part)
MIN_BLOCKS = 3000  # documents with more blocks than this are rendered in parts
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SEAM_TAGS = ("p", "div")  # a part may start with these (not a table: its margins, its caption)


@dataclass
class Split:
    """Offsets in the document's HTML: where <body ...> ends, each child of <main> starts,
    and where </main> starts."""

    html: str
    body_end: int
    blocks: list[int]
    main_end: int


class _Scanner(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self.lines = [0]
        for i, ch in enumerate(html):
            if ch == "\n":
                self.lines.append(i + 1)
        self.depth, self.main_depth = 0, -1
        self.body_end, self.main_end = -1, -1
        self.blocks: list[int] = []
        self.broken = False

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.lines[line - 1] + col

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "body":
            self.body_end = self._offset() + len(self.get_starttag_text() or "")
        if self.main_depth >= 0 and self.depth == self.main_depth + 1 and self.main_end < 0:
            self.blocks.append(self._offset())
        if tag == "main" and self.main_depth < 0:
            self.main_depth = self.depth
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        if self.main_depth >= 0 and self.depth == self.main_depth + 1 and self.main_end < 0:
            self.blocks.append(self._offset())

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        self.depth -= 1
        if tag == "main" and self.main_end < 0:
            self.main_end = self._offset()
            self.broken |= self.depth != self.main_depth


def split(html: str) -> Optional[Split]:
    """The document's blocks, when it has more than MIN_BLOCKS; None otherwise (or when its
    HTML is not the simple nesting the templates write: then it renders in one piece)."""
    if html.count("<", html.find("<main")) < MIN_BLOCKS:
        return None
    scanner = _Scanner(html)
    scanner.feed(html)
    scanner.close()
    if scanner.broken or min(scanner.body_end, scanner.main_end) < 0 or len(scanner.blocks) <= MIN_BLOCKS:
        return None
    return Split(html, scanner.body_end, scanner.blocks, scanner.main_end)


def part_html(sp: Split, start: int, end: int, first_page: int) -> str:
    """The HTML of blocks [start, end): the first part with the cover, the last with what
    follows </main> (the appendix); a later part opens with blank pages and numbers its
    pages from first_page."""
    stop = sp.blocks[end] if end < len(sp.blocks) else sp.main_end
    tail = sp.html[sp.main_end:] if end >= len(sp.blocks) else "</main></body></html>"
    if start == 0:
        return sp.html[:stop] + tail
    blanks = blank_pages(first_page)
    reset = f"<style>@page :first {{ counter-reset: page {first_page - blanks} }}</style>"
    head = sp.html[:sp.body_end].replace("</head>", reset + "</head>", 1)
    return (head + '<div style="height: 1px; break-after: page"></div>' * blanks + "<main>"
            + sp.html[sp.blocks[start]:stop] + tail)


def blank_pages(first_page: int) -> int:
    """Blank pages before a part whose first page is first_page (0: the cover): one or two,
    so that the part's first page is a left or right page as in the whole document."""
    return 1 if first_page % 2 else 2


@dataclass
class Part:
    pdf: bytes
    pages: list = field(default_factory=list)  # (height, bookmarks, anchors) of each page


def render_parts(sp: Split, render: Callable[[str], Any], write: Callable[[Any, list, bool], bytes]) -> bytes:
    """The whole PDF: render(html) -> (WeasyPrint Document, its HTML object); write(document,
    pages, first) -> the PDF bytes of those pages."""
    parts: list[Part] = []
    start, first_page = 0, 0
    while start < len(sp.blocks):
        end, seam = start, None
        while seam is None and end < len(sp.blocks):  # a part with no place to cut grows
            end = min(len(sp.blocks), end + PART_BLOCKS)
            document, html = render(part_html(sp, start, end, first_page))
            pages = document.pages if start == 0 else document.pages[blank_pages(first_page):]
            seam = _seam(pages, html) if end < len(sp.blocks) else None
        kept = pages if seam is None else pages[:seam[0]]
        parts.append(Part(write(document, kept, start == 0),
                          [(p.height, p.bookmarks, p.anchors) for p in kept]))
        del document, html, pages, kept
        gc.collect()  # a worker renders with the collector paused (build/workers.py, GC_NOTE)
        start = len(sp.blocks) if seam is None else start + seam[1]
        first_page += len(parts[-1].pages)
    return join(parts)


def _seam(pages: list, html: Any) -> Optional[tuple[int, int]]:
    """(page index, block index in this part) of the last page but one that starts with a
    new block that has no top margin; None when no page does (the part is then the rest)."""
    main = next((el for el in html.etree_element.iter("main")), None)
    if main is None:
        return None
    index = {id(child): i for i, child in enumerate(main)}
    for number in range(len(pages) - 2, 0, -1):
        first, before = _main_children(pages[number]), _main_children(pages[number - 1])
        if not first or not before or first[0].element is before[-1].element:
            continue  # no body here, or the page continues the block of the page before
        box = first[0]
        margin = box.style["margin_top"]
        if (box.element_tag in SEAM_TAGS and getattr(margin, "value", None) == 0
                and index.get(id(box.element), 0) > 0):
            return number, index[id(box.element)]
    return None


def _main_children(page: Any) -> list:
    """The boxes of <main>'s children on a page (its fragment), or []."""
    boxes = list(page._page_box.children)
    for _depth in range(4):
        for box in boxes:
            if getattr(box, "element_tag", None) == "main":
                return [c for c in box.children if getattr(c, "element", None) is not box.element]
        boxes = [c for b in boxes if getattr(b, "element_tag", "") in ("html", "body") for c in getattr(b, "children", ())]
    return []


def join(parts: list[Part]) -> bytes:
    """One PDF of the parts' pages: the first part's catalog (metadata, language, form
    fields) and the other parts' pages; one outline and the named destinations of all."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=io.BytesIO(parts[0].pdf))
    for name in ("/Outlines", "/Names"):
        if NameObject(name) in writer._root_object:
            del writer._root_object[NameObject(name)]
    for part in parts[1:]:
        for page in PdfReader(io.BytesIO(part.pdf)).pages:
            writer.add_page(page)
    _outline(writer, [p for part in parts for p in part.pages])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _outline(writer: Any, pages: list) -> None:
    """The bookmarks (nested by level, as WeasyPrint nests them) and named destinations."""
    from pypdf.generic import ArrayObject, Fit, FloatObject, NameObject, NumberObject, TextStringObject

    stack: list[tuple[int, Any]] = []
    seen: set[str] = set()
    for number, (height, bookmarks, anchors) in enumerate(pages):
        for level, label, (x, y), state in bookmarks:
            while stack and stack[-1][0] >= level:
                stack.pop()
            item = writer.add_outline_item(title=label, page_number=number, parent=stack[-1][1] if stack else None,
                                           fit=Fit.xyz(x * 0.75, (height - y) * 0.75, 0), is_open=state != "closed")
            stack.append((level, item))
        for name, (x, y, *_rest) in anchors.items():
            if name not in seen:
                seen.add(name)
                ref = writer.pages[number].indirect_reference
                writer.add_named_destination_array(TextStringObject(name), ArrayObject(
                    [ref, NameObject("/XYZ"), FloatObject(x * 0.75), FloatObject((height - y) * 0.75), NumberObject(0)]))
