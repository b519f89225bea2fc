"""A PlanDiff as text (coloured on a terminal), Markdown (for a pull request) or JSON."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Optional

from plangen.compare.diff import ItemChange, Node, PlanDiff, inline_diff
from plangen.outline import numbers
from plangen.outline.breaks import display_width
from plangen.outline.wording import Wording

CONTEXT = 12  # characters of unchanged text shown around a change
WORD_SLACK = 12  # ... and at most this many more, to end on a word's boundary
_HEAD, _TAIL = rf".{{{CONTEXT}}}\S*", rf"\S*.{{0,{CONTEXT}}}$"  # CONTEXT characters, then to the word's end / from its start
SHORT = 80  # columns of a value shown whole (a CJK character counts 2, as a terminal shows it)
NAME_WIDTH = 48  # an item's title or text in a document's summary: columns, a CJK character counting 2
SYMBOL = {"added": "+", "removed": "-", "moved": ">", "changed": "~"}
COLOR = {"+": "\033[32m", "-": "\033[31m", ">": "\033[36m", "~": "\033[33m", "end": "\033[0m", "bold": "\033[1m"}


def _qty(value: Optional[Decimal]) -> str:
    return "—" if value is None else numbers.quantity(value, "en")


def _inline(runs: list[list[str]], style: str, color: bool) -> str:
    """Changed runs with a little context: [-old-]{+new+}, ~~old~~**new**, or coloured."""
    out = []
    for k, (op, text) in enumerate(runs):
        text = text.replace("\n", " ¶ ")
        if op == "=":
            if len(text) > 2 * CONTEXT:
                head = _context(text, True) if k > 0 else ""
                tail = _context(text, False) if k < len(runs) - 1 else ""
                text = f"{head}…{tail}" if head or tail else "…"
            out.append(text)
        elif style == "markdown":
            out.append(f"~~{text}~~" if op == "-" else f"**{text}**")
        elif style == "runs":  # control characters never occur in plan text (they are refused)
            out.append(f"\x01{text}\x02" if op == "-" else f"\x03{text}\x04")
        elif color:
            out.append(f"{COLOR[op]}{text}{COLOR['end']}")
        else:
            out.append(f"[-{text}-]" if op == "-" else f"{{+{text}+}}")
    return "".join(out)


def _context(text: str, head: bool) -> str:
    """About CONTEXT characters of kept text after (head) or before a change, whole words where
    the text has spaces ("financial year," rather than "financial y"); CJK text is cut by characters."""
    found = re.match(_HEAD, text, re.S) if head else re.search(_TAIL, text, re.S)
    words = found.group() if found else ""
    if words and len(words) <= CONTEXT + WORD_SLACK:
        return words
    return text[:CONTEXT] if head else text[-CONTEXT:]


class _Lines:
    """The report's lines in one style: "text" (plain or coloured), "markdown" or "runs"."""

    def __init__(self, d: PlanDiff, w: Wording, style: str, color: bool):
        self.d, self.w, self.style, self.color = d, w, style, color
        self.md = style == "markdown"
        # a document's summary (the redline's first page) is read in an office: items by their
        # labels and words, units by their names; ids are for the terminal and pull requests
        self.people = style == "runs"
        self.bullet = "- " if self.md else "  "
        self.out: list[str] = []

    def all(self) -> list[str]:
        for title, part in ((self.w.diff_document, self.metadata), (self.w.named("diff_units", self.d.unit_noun), self.units),
                            (self.w.diff_items, self.items), (self.w.diff_targets, self.targets)):
            lines = part()
            if lines:
                self.head(title)
                self.out.extend(lines)
        return self.out

    def head(self, title: str) -> None:
        if self.md:
            self.out.extend(["", f"### {title}", ""])
        else:
            self.out.append(f"{COLOR['bold']}{title}{COLOR['end']}" if self.color else title)

    def metadata(self) -> list[str]:
        w = self.w
        return [f"{self.bullet}{w.field_name(m['field'])}{w.colon}{self._change(m)}" for m in self.d.metadata]

    def _change(self, m: dict[str, Any]) -> str:
        """old → new; a long text (a preface, a title) as its changed words in context, so a
        change past the 80th character is not hidden behind two equal shortened values."""
        old, new = (_paragraphs(m["old"]), _paragraphs(m["new"])) if m["field"] != "fields" else (m["old"], m["new"])
        if isinstance(old, str) and isinstance(new, str) and max(display_width(old), display_width(new)) > SHORT:
            return _inline(inline_diff(old, new, self.d.language), self.style, self.color)
        return f"{self._value(m['field'], m['old'])} → {self._value(m['field'], m['new'])}"

    def _value(self, name: str, value: object) -> str:
        """A metadata value as a person reads it: cover fields as 部门：后勤处, 姓名：—."""
        if name == "fields" and isinstance(value, list):
            sep = self.w.list_separator
            return _short(sep.join(f"{f[0]}{self.w.colon}{f[1] or '—'}" for f in value if isinstance(f, list) and f)
                          or "—")
        if name == "date" and self.people and isinstance(value, str):
            return self.w.date(dt.date.fromisoformat(value))  # 2022年2月18日, as the documents print dates
        return _short(value)

    def units(self) -> list[str]:
        out = []
        for u in self.d.units:
            ident = f"`{u['id']}`" if self.md else u["id"]
            ident = "" if self.people else ident + self.w.colon
            what = {"added": self.w.diff_added, "removed": self.w.diff_removed}.get(u["change"], self.w.diff_renamed)
            name = f"{u['old']} → {u['new']}" if u["change"] == "renamed" else u["name"]
            out.append(f"{self.bullet}{what} {ident}{name}")
        return out

    def items(self) -> list[str]:
        out = []
        for c in self.d.items:
            out.append(self.item(c))
            for name, f in c.fields.items():
                shown = _inline(f["diff"], self.style, self.color) if "diff" in f else f"{f['old']} → {f['new']}"
                out.append(f"{'  ' if self.md else self.bullet + '    '}{self.w.field_name(name)}{self.w.colon}{shown}")
        return out

    def item(self, c: ItemChange) -> str:
        sym = SYMBOL[c.change]
        ident = f" [{c.node.item.id}]" if c.node.item.id else ""
        where = c.node.path
        moved = c.change == "moved" and c.old is not None and c.old.path != where
        extra = self.w.format("diff_was", path=c.old.path) if moved and c.old else ""
        if self.people:  # 修改 二、（一）2、各校采购50套新课桌…, as the document prints it
            return f"{self.bullet}{getattr(self.w, 'diff_' + c.change)} {where}{self.w.label_gap}{_shortened(c.node)}{extra}"
        if self.md:
            return f"- {getattr(self.w, 'diff_' + c.change)} **{where}** {c.node.name}{ident}{extra}"
        mark = f"{COLOR[sym]}{sym}{COLOR['end']}" if self.color else sym
        return f"{self.bullet}{mark} {where} {c.node.name}{ident}{extra}"

    def money(self, value: Optional[Decimal]) -> str:
        """An amount as the plans write money: the currency's (or the plans') decimals."""
        if value is None:
            return "—"
        return numbers.money(value, self.d.currency, self.d.language, self.d.written)

    def targets(self) -> list[str]:
        w, b = self.w, self.bullet
        out = [f"{b}{t['what']} · {t['unit']}{w.colon}{_qty(t['old'])} → {_qty(t['new'])} {t['measure']}"
               for t in self.d.targets]
        out += [f"{b}{t['what']} · {w.diff_total}{w.colon}{_qty(t['old'])} → {_qty(t['new'])} {t['measure']}"
                for t in self.d.totals]
        money, cur = self.money, f" {self.d.currency}" if self.d.currency else ""
        out += [f"{b}{w.diff_budget} · {x['unit']}{w.colon}{money(x['old'])} → {money(x['new'])}{cur}" for x in self.d.budgets]
        if self.d.budget_total:
            t = self.d.budget_total
            out.append(f"{b}{w.diff_budget} · {w.diff_total}{w.colon}{money(t['old'])} → {money(t['new'])}{cur}")
        return out + self.schedule()

    def schedule(self) -> list[str]:
        """电脑 · 完成时限：2021年12月31日 → 2022年4月30日, as the target tables print them."""
        w = self.w
        label = {"deadline": w.table_deadline, "owner": w.table_owner, "status": w.table_status}
        return [f"{self.bullet}{s['what']} · {label[s['field']]}{w.colon}{self.scheduled(s, 'old')} → {self.scheduled(s, 'new')}"
                for s in self.d.schedule]

    def scheduled(self, s: dict[str, Any], side: str) -> str:
        value = s[side]
        if value is None:
            return "—"
        if s["field"] == "deadline":
            return self.w.date(dt.date.fromisoformat(value), "deadline_format")
        return self.w.status(value) if s["field"] == "status" else value


def _paragraphs(value: object) -> object:
    """A preface's paragraphs as one text, a paragraph a line (shown as ¶), to compare word by word."""
    return "\n".join(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else value


def _lines(d: PlanDiff, w: Wording, style: str, color: bool) -> list[str]:
    return _Lines(d, w, style, color).all()


def _shortened(node: Node) -> str:
    """An item's title, else its first paragraph, cut to NAME_WIDTH columns with …; its id
    only when it has no words at all (which the plan format does not allow today)."""
    text = " ".join((node.item.title or (node.item.text or [""])[0]).split())
    width = 0
    for i, char in enumerate(text):
        width += display_width(char)
        if width > NAME_WIDTH:
            cut = text[:i]
            if char.isascii() and char.isalnum() and " " in cut:  # English: not inside a word
                cut = cut[:cut.rindex(" ")]
            return cut.rstrip(" ,;:") + "…"
    return text or f"[{node.item.id}]"


def _short(value: object) -> str:
    text = "—" if value is None else (" / ".join(map(str, value)) if isinstance(value, list) else str(value))
    return text if len(text) <= SHORT else text[:SHORT - 1] + "…"


def _wording(d: PlanDiff, wording: Optional[Wording]) -> Wording:
    """The words of the report: given, else the built-in ones of the NEW plan's language."""
    if wording is not None:
        return wording
    from plangen.render.theme import load_theme
    return load_theme().wording(d.language)


def as_text(d: PlanDiff, color: bool = False, wording: Optional[Wording] = None) -> str:
    if d.identical:
        return ""
    w = _wording(d, wording)
    title = w.format("diff_title", old=d.old_name, new=d.new_name)
    return "\n".join([title] + _lines(d, w, "text", color)) + "\n"


def as_markdown(d: PlanDiff, wording: Optional[Wording] = None) -> str:
    if d.identical:
        return ""
    w = _wording(d, wording)
    title = "## " + w.format("diff_title", old=f"`{d.old_name}`", new=f"`{d.new_name}`")
    return "\n".join([title] + _lines(d, w, "markdown", False)) + "\n"


def as_json(d: PlanDiff) -> str:
    return numbers.to_json(d.as_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def as_runs(d: PlanDiff, wording: Optional[Wording] = None) -> list[list[list[str]]]:
    """The text report, each line as [op, text] runs, for documents (the redline's summary)."""
    lines = []
    for line in _lines(d, _wording(d, wording), "runs", False):
        runs = []
        for part in re.split(r"(\x01[^\x02]*\x02|\x03[^\x04]*\x04)", line):
            if part.startswith("\x01"):
                runs.append(["-", part[1:-1]])
            elif part.startswith("\x03"):
                runs.append(["+", part[1:-1]])
            elif part:
                runs.append(["=", part])
        lines.append(runs)
    return lines
