"""Label styles, decided in one place. ``outline`` uses them to compute every label;
``render_docx`` writes the same levels into numbering.xml, so Word shows equal labels."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """1 -> 一, 10 -> 十, 11 -> 十一, 20 -> 二十, 105 -> 一百零五 (Word's chineseCountingThousand)."""
    if n <= 0:
        return str(n)
    if n >= 10000:
        return str(n)
    out = ""
    units = [(1000, "千"), (100, "百"), (10, "十")]
    zero = False
    for value, name in units:
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
            out += ("" if (value == 10 and d == 1 and not out) else _DIGITS[d]) + name
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + _DIGITS[n]
    return out


def circled(n: int) -> str:
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)


def letter(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def roman(n: int) -> str:
    table = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
             (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, sym in table:
        while n >= value:
            out += sym
            n -= value
    return out


_FORMATTERS: dict[str, Callable[[int], str]] = {"chineseCountingThousand": chinese, "decimal": str, "decimalEnclosedCircle": circled,
               "lowerLetter": letter, "lowerRoman": roman}


@dataclass(frozen=True)
class Level:
    num_fmt: str  # Word's w:numFmt
    text: str  # Word's w:lvlText, e.g. "（%2）"


SCHEMES: dict[str, tuple[Level, ...]] = {
    "seed": (Level("chineseCountingThousand", "%1、"), Level("chineseCountingThousand", "（%2）"),
             Level("decimal", "%3、"), Level("decimal", "（%4）"), Level("decimalEnclosedCircle", "%5"),
             Level("lowerLetter", "%6.")),
    "gbt9704": (Level("chineseCountingThousand", "%1、"), Level("chineseCountingThousand", "（%2）"),
                Level("decimal", "%3."), Level("decimal", "（%4）"), Level("decimalEnclosedCircle", "%5"),
                Level("lowerLetter", "%6.")),
    "en": (Level("decimal", "%1."), Level("decimal", "%1.%2"), Level("lowerLetter", "%3)"),
           Level("lowerRoman", "%4)"), Level("decimal", "(%5)"), Level("lowerLetter", "(%6)")),
}


class Counter:
    """Word's list semantics: a label at level L restarts every deeper level."""

    def __init__(self, scheme: str):
        self.levels = SCHEMES[scheme]
        self.counts = [0] * len(self.levels)

    def next(self, level: int) -> str:
        i = level - 1
        self.counts[i] += 1
        for j in range(i + 1, len(self.counts)):
            self.counts[j] = 0
        text = self.levels[i].text
        for j in range(len(self.levels), 0, -1):  # %10 would not exist; %1..%6
            if f"%{j}" in text:
                value = max(self.counts[j - 1], 1)  # Word shows an unused higher level as 1
                text = text.replace(f"%{j}", _FORMATTERS[self.levels[j - 1].num_fmt](value))
        return text
