"""A PlanDiff as text (coloured on a terminal), Markdown (for a pull request) or JSON."""
from __future__ import annotations


from plangen.compare.diff import PlanDiff
from plangen.outline import numbers

CONTEXT = 12  # characters of unchanged text shown around a change
SYMBOL = {"added": "+", "removed": "-", "moved": ">", "changed": "~"}
COLOR = {"+": "\033[32m", "-": "\033[31m", ">": "\033[36m", "~": "\033[33m", "end": "\033[0m", "bold": "\033[1m"}


def _qty(value) -> str:
    return "—" if value is None else numbers.quantity(value, "en")


def _money(value, d: PlanDiff) -> str:
    return "—" if value is None else numbers.money(value, d.currency, "en", d.written)


def _inline(runs: list[list[str]], style: str, color: bool) -> str:
    """Changed runs with a little context: [-old-]{+new+}, ~~old~~**new**, or coloured."""
    out = []
    for k, (op, text) in enumerate(runs):
        text = text.replace("\n", " ¶ ")
        if op == "=":
            if len(text) > 2 * CONTEXT:
                head = text[:CONTEXT] if k > 0 else ""
                tail = text[-CONTEXT:] if k < len(runs) - 1 else ""
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


def _lines(d: PlanDiff, style: str, color: bool) -> list[str]:
    md = style == "markdown"
    bullet = "- " if md else "  "
    out: list[str] = []

    def head(title: str) -> None:
        if md:
            out.extend(["", f"### {title}", ""])
        else:
            out.append(f"{COLOR['bold']}{title}{COLOR['end']}" if color else title)

    def code(text) -> str:
        return f"`{text}`" if md else str(text)

    if d.metadata:
        head("Document")
        for m in d.metadata:
            out.append(f"{bullet}{m['field']}: {_short(m['old'])} → {_short(m['new'])}")
    if d.units:
        head(f"Units ({d.unit_noun})" if d.unit_noun else "Units")
        for u in d.units:
            if u["change"] == "renamed":
                out.append(f"{bullet}renamed {code(u['id'])}: {u['old']} → {u['new']}")
            else:
                out.append(f"{bullet}{u['change']} {code(u['id'])}: {u['name']}")
    if d.items:
        head("Items")
        for c in d.items:
            sym = SYMBOL[c.change]
            mark = f"{COLOR[sym]}{sym}{COLOR['end']}" if color and not md else sym
            ident = f" [{c.node.item.id}]" if c.node.item.id else ""
            where = c.node.path
            extra = f" (was {c.old.path})" if c.change == "moved" and c.old and c.old.path != where else ""
            lead = f"- {c.change} " if md else f"{bullet}{mark} "
            out.append(f"{lead}{where} {c.node.name}{ident}{extra}" if not md
                       else f"{lead}**{where}** {c.node.name}{ident}{extra}")
            for name, f in c.fields.items():
                shown = _inline(f["diff"], style, color) if "diff" in f else f"{f['old']} → {f['new']}"
                out.append(f"{'  ' if md else bullet + '    '}{name}: {shown}")
    if d.targets or d.totals or d.budgets:
        head("Targets")
        for t in d.targets:
            out.append(f"{bullet}{t['what']} · {t['unit']}: {_qty(t['old'])} → "
                       f"{_qty(t['new'])} {t['measure']}")
        for t in d.totals:
            out.append(f"{bullet}{t['what']} · total: {_qty(t['old'])} → {_qty(t['new'])} {t['measure']}")
        for b in d.budgets:
            out.append(f"{bullet}budget · {b['unit']}: {_money(b['old'], d)} → {_money(b['new'], d)}"
                       + (f" {d.currency}" if d.currency else ""))
    return out


def _short(value) -> str:
    text = "—" if value is None else (" / ".join(map(str, value)) if isinstance(value, list) else str(value))
    return text if len(text) <= 80 else text[:79] + "…"


def as_text(d: PlanDiff, color: bool = False) -> str:
    if d.identical:
        return ""
    title = f"plangen diff {d.old_name} → {d.new_name}"
    return "\n".join([title] + _lines(d, "text", color)) + "\n"


def as_markdown(d: PlanDiff) -> str:
    if d.identical:
        return ""
    return "\n".join([f"## Plan changes: `{d.old_name}` → `{d.new_name}`"] + _lines(d, "markdown", False)) + "\n"


def as_json(d: PlanDiff) -> str:
    return numbers.to_json(d.as_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def as_runs(d: PlanDiff) -> list[list[list[str]]]:
    """The text report, each line as [op, text] runs, for documents (the redline's summary)."""
    import re
    lines = []
    for line in _lines(d, "runs", False):
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
