"""The timeline chart of a progress report, as shapes: the targets (counted per unit) due in
each month of the plan's year, planned against done. Geometry is decided here, once, in
points; the HTML template writes the shapes as inline SVG (vector in the PDF), the .docx
renderer draws the same shapes into a PNG. Roles name the look (fills, text styles), which
belongs to the theme: plan.css for SVG, the docx renderer's palette for the picture.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from plangen.outline.progress import State
from plangen.outline.wording import MONTHS, Wording

WIDTH, HEIGHT = 440.0, 210.0  # points: the text block is 156 mm = 442 pt wide
LEFT, RIGHT, TOP, BOTTOM = 34.0, 8.0, 30.0, 24.0
FONT = 9.0  # points, labels and legend
# the one palette of the chart, for the SVG and the .docx picture alike: role -> colour
COLOURS = {"planned": "#a9bfd9", "done": "#2f5d8c", "axis": "#404040", "grid": "#d0d0d0",
           "label": "#202020", "value": "#202020", "legend": "#202020"}


@dataclass(frozen=True)
class Shape:
    kind: str  # "rect", "line" or "text"
    role: str  # planned, done, axis, grid, label, value, legend
    x: float
    y: float
    w: float = 0.0  # rect: width; line: x2
    h: float = 0.0  # rect: height; line: y2
    text: str = ""
    anchor: str = "middle"  # text: start, middle or end


@dataclass
class Figure:
    caption: str
    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)
    font_size: float = FONT
    description: str = ""  # the numbers, for readers who cannot see the picture

    @staticmethod
    def colour(role: str) -> str:
        return COLOURS[role]

    def svg_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


def month_counts(state: State, year: int) -> list[tuple[int, int, int]]:
    """(month, planned, done) for months 1..12; dropped targets left out; a deadline in
    another year counts in January or December."""
    counts = {m: [0, 0] for m in range(1, 13)}
    for line in state.lines:
        if not line.counts:
            continue
        month = 1 if line.due.year < year else 12 if line.due.year > year else line.due.month
        counts[month][0] += 1
        counts[month][1] += line.status == "done"
    return [(m, p, d) for m, (p, d) in counts.items()]


def _month(w: Wording, month: int) -> str:
    """A month under its bars: 3月, Mar (wording chart_month, {month} or {mon})."""
    return w.format("chart_month", month=str(month), mon=MONTHS[month - 1])


def timeline(state: State, w: Wording, year: int) -> Figure:
    data = month_counts(state, year)
    top = max([p for _, p, _ in data] + [1])
    step = _step(top)
    top = -(-top // step) * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    fig = Figure(f"{w.chart_label}{w.colon}{w.chart_title}", WIDTH, HEIGHT)
    add = fig.shapes.append
    for tick in range(0, top + 1, step):
        y = base - plot_h * tick / top
        add(Shape("line", "grid" if tick else "axis", LEFT, y, LEFT + plot_w, y))
        add(Shape("text", "label", LEFT - 4, y + FONT * 0.35, text=str(tick), anchor="end"))
    slot = plot_w / 12
    for month, planned, done in data:
        x = LEFT + slot * (month - 1)
        for k, (value, role) in enumerate(((planned, "planned"), (done, "done"))):
            if value:
                h = plot_h * value / top
                bx = x + slot * (0.15 + 0.35 * k)
                add(Shape("rect", role, bx, base - h, slot * 0.33, h))
                add(Shape("text", "value", bx + slot * 0.165, base - h - 2, text=str(value)))
        add(Shape("text", "label", x + slot / 2, base + FONT + 4, text=_month(w, month)))
    for k, (role, label) in enumerate((("planned", w.chart_planned), ("done", w.chart_done))):
        lx = LEFT + 8 + k * 90
        add(Shape("rect", role, lx, 8, 12, 9))
        add(Shape("text", "legend", lx + 16, 16, text=label, anchor="start"))
    fig.description = "; ".join(f"{_month(w, m)} {w.chart_planned} {p} {w.chart_done} {d}"
                                for m, p, d in data if p)
    return fig


def _step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if top / step <= 6:
            return step
    return -(-top // 6)
