"""The cover's tighter settings in the .docx (outline/coverfit.py decides which; plan.css
``.cover.fit-N`` lays out the same numbers in the PDF). Setting 0 is the reference
document's own styles, untouched; the others override spacing and the title's size on the
cover's paragraphs."""
from __future__ import annotations

from typing import Any, Optional

from docx.enum.text import WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from plangen.outline.coverfit import LEVELS

# per setting: kind above, title above, title below, field below, tagline above (mm)
GAPS_MM = {1: (20, 8, 14, 4, 16), 2: (12, 6, 10, 3, 10), 3: (12, 6, 10, 3, 10), 4: (4, 4, 6, 2, 6)}


def apply_fit(level: int, kind: Any, title: Any, recipient: Optional[Any], fields: list[Any], tagline: Optional[Any]) -> None:
    """Set the cover's paragraphs (python-docx) as setting ``level`` says."""
    if level not in GAPS_MM:
        return
    fit = LEVELS[level]
    kind_mm, above_mm, below_mm, field_mm, tagline_mm = GAPS_MM[level]
    kind.paragraph_format.space_before = Mm(kind_mm)
    title.paragraph_format.space_before, title.paragraph_format.space_after = Mm(above_mm), Mm(below_mm)
    _exactly(title, fit.title_pt * fit.title_line)
    for run in title.runs:
        run.font.size = Pt(fit.title_pt)
    tightest = level == len(LEVELS) - 1  # lines off the 28.95 pt grid of Chinese documents too
    if recipient is not None:
        recipient.paragraph_format.space_after = Mm(8)
        for run in recipient.runs:
            run.font.size = Pt(fit.recipient_pt)
        if tightest:
            _exactly(recipient, fit.recipient_pt * 1.4)
    for p in fields:
        p.paragraph_format.space_after = Mm(field_mm)
        if tightest:
            _exactly(p, 24)
    if tagline is not None:
        tagline.paragraph_format.space_before = Mm(tagline_mm)


def _exactly(paragraph: Any, points: float) -> None:
    """Lines exactly ``points`` apart, off the document grid (a Chinese document's 28.95 pt
    grid would otherwise round every line up to a whole grid line, in Word and LibreOffice)."""
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(points)
    ppr = paragraph._p.get_or_add_pPr()
    if ppr.find(qn("w:snapToGrid")) is None:
        ppr.find(qn("w:spacing")).addprevious(parse_xml(f'<w:snapToGrid {nsdecls("w")} w:val="0"/>'))
