""""Did you mean": the one place that picks and orders the suggestions for a mistyped name (a
command, an option, a key, a unit, a target), most likely first.

Most likely: the same name in another case (``hq`` for ``HQ``), then names the word begins
(``smh-paed`` for ``smh-paed-op``: a name typed short), shortest first, then the rest by
difflib's similarity ratio (ignoring case), best first.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable


def _rank(word: str, choice: str) -> tuple[int, float]:
    folded, other = word.casefold(), choice.casefold()
    if folded == other:
        return 0, 0.0
    if other.startswith(folded) and len(folded) >= 3:
        return 1, len(other) - len(folded)
    return 2, -difflib.SequenceMatcher(None, folded, other).ratio()


def close(word: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` of ``choices`` close to ``word``, most likely first (never ``word`` itself)."""
    found: dict[str, tuple[int, float]] = {}
    for choice in choices:
        if choice == word or choice in found:
            continue
        rank = _rank(word, choice)
        if rank[0] < 2 or -rank[1] >= cutoff:
            found[choice] = rank
    return sorted(found, key=lambda c: found[c])[:n]


def did_you_mean(word: str, choices: Iterable[str], n: int = 1, cutoff: float = 0.6) -> str:
    """``; did you mean 'x'?`` (or ``'x' or 'y'``) for the closest choices, or ``""``."""
    found = close(word, choices, n, cutoff)
    return "; did you mean " + " or ".join(f"'{c}'" for c in found) + "?" if found else ""
