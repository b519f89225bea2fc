"""Numbers: the one place that decides how quantities and money are bounded and printed.

Quantities and money are ``Decimal`` from the YAML text to every output (the YAML reader
hands numbers over with the author's spelling; see ``source.yamlsafe``), so sums are exact
and nothing prints a binary-float artefact such as ``7.5600000000000005``.

- A **quantity** prints as written: ``0.5`` stays 0.5, ``2.50`` stays 2.50; sums keep the
  most decimals of their terms. People see thousands separators (1,200); spreadsheets and
  programs see plain digits (1200).
- **Money** prints with its currency's decimals where the currency has fixed ones
  (元, USD …: ``12,500.00``); other currencies (万元, 千元, none) print with the most
  decimals the plan's amounts are written with, up to ``WRITTEN_CAP`` (``1.26``, and ``12.50``
  beside it); an amount written with more (0.3125) prints whole, never rounded, and does not
  make every other amount 42.5000. An amount may not have more decimals than its currency
  allows.
- Bounds, for every number: finite, not negative, at most ``MAX_NUMBER``, at most
  ``MAX_DECIMALS`` decimals (a non-zero number at least ``MIN_NUMBER``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

MAX_NUMBER = 10 ** 12
MAX_DECIMALS = 6
WRITTEN_CAP = 2  # money without fixed decimals: the plan's decimals, up to this many for all amounts
MIN_NUMBER = Decimal(1).scaleb(-MAX_DECIMALS)  # 0.000001: a smaller non-zero number would print as 0
# currencies with fixed decimals; any other currency (万元, 千元, none) prints money as written
CURRENCY_DECIMALS = {"元": 2, "CNY": 2, "RMB": 2, "¥": 2, "￥": 2, "USD": 2, "$": 2, "US$": 2, "EUR": 2, "€": 2,
                     "GBP": 2, "£": 2, "HKD": 2, "HK$": 2, "MOP": 2, "TWD": 2, "SGD": 2, "AUD": 2, "CAD": 2,
                     "CHF": 2, "JPY": 0, "円": 0, "KRW": 0, "원": 0}
DEFAULT_CURRENCY = {"zh": "元", "en": ""}  # what `document.currency` is when the plan does not say
SEPARATORS = {"zh": (",", "."), "en": (",", ".")}  # thousands separator, decimal mark, by language


class NumberError(ValueError):
    """A number out of bounds; ``code`` names the rule (for pydantic's error type)."""

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


def exact(value: Any) -> Decimal:
    """The Decimal an author wrote: from the YAML text where there is one (``raw``), so
    1e-400 is not 0 and 0.1 is not 0.1000000000000000055…"""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise NumberError("number_type", "expected a number")
    raw = getattr(value, "raw", None)
    try:
        number = Decimal(raw) if raw is not None else Decimal(str(value) if isinstance(value, float) else value)
    except (InvalidOperation, ValueError):
        raise NumberError("number_type", "expected a number") from None
    return number.copy_abs() if number.is_zero() else number  # -0 is 0


def decimals(value: Decimal) -> int:
    """Decimals that carry a value (2.50 has 1)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def checked(value: Any) -> Decimal:
    """A quantity or an amount within the bounds; NumberError says which bound it breaks."""
    number = exact(value)
    if not number.is_finite():
        raise NumberError("number_finite", "expected a finite number")
    if number < 0:
        raise NumberError("number_negative", "must be >= 0")
    if number > MAX_NUMBER:
        raise NumberError("number_too_large", f"must be at most {MAX_NUMBER:,} (10^12)".replace(",", " "))
    if 0 < number < MIN_NUMBER:
        raise NumberError("number_too_small", f"a non-zero number must be at least {MIN_NUMBER:f}")
    if decimals(number) > MAX_DECIMALS:
        raise NumberError("number_decimals", f"at most {MAX_DECIMALS} decimals")
    return number


def money_decimals(currency: str) -> Optional[int]:
    """The fixed decimals of a currency, or None (printed as written)."""
    return CURRENCY_DECIMALS.get(currency.strip())


def check_money(amount: Decimal, currency: str) -> Optional[str]:
    """Why an amount cannot be money in this currency (too many decimals), or None."""
    places = money_decimals(currency)
    if places is not None and decimals(amount) > places:
        return f"at most {places} decimals for {currency} (found: {amount:f})"
    return None


def _group(digits: str, language: str) -> str:
    thousands, mark = SEPARATORS.get(language, SEPARATORS["en"])
    whole, _, fraction = digits.partition(".")
    grouped = f"{int(whole):,}".replace(",", thousands) if len(whole) > 3 else whole
    return grouped + (mark + fraction if fraction else "")


def plain(value: Decimal) -> str:
    """Digits only, as written: 1200, 0.5, 2.50 (CSV, JSON, the terminal's spreadsheets)."""
    return format(value, "f")


def quantity(value: Decimal, language: str = "zh") -> str:
    """A quantity for people: as written, with thousands separators (1,200; 0.5)."""
    return _group(plain(value), language)


def written_places(amounts) -> int:
    """The most decimals the plan's amounts are written with, at most WRITTEN_CAP: how money
    in a currency without fixed decimals (万元) is printed, so a column reads 1.20, 1.89,
    12.50 (an amount with more decimals prints whole: money_plain never rounds)."""
    found = max((max(0, -a.as_tuple().exponent) for a in amounts if a is not None and a.is_finite()), default=0)
    return min(found, WRITTEN_CAP)


def money_plain(value: Decimal, currency: str, written: Optional[int] = None) -> str:
    """An amount with its currency's decimals (or the plan's, ``written``), without
    separators (12500.00; 1.26)."""
    places = money_decimals(currency)
    places = written if places is None else places
    if places is None or decimals(value) > places:  # never rounds: an amount is printed whole
        return plain(value)
    return plain(value.quantize(Decimal(1).scaleb(-places)))


def money(value: Decimal, currency: str, language: str = "zh", written: Optional[int] = None) -> str:
    """An amount for people: the currency's decimals and thousands separators (12,500.00)."""
    return _group(money_plain(value, currency, written), language)


@dataclass(frozen=True)
class Printer:
    """How one plan's numbers print: quantities as written, money with the currency's (or the
    plan's written) decimals; ``plain`` for CSV and spreadsheets (digits only, no separators)."""
    currency: str
    language: str
    written: int
    plain: bool = False

    def quantity(self, value: Decimal) -> str:
        return plain(value) if self.plain else quantity(value, self.language)

    def money(self, value: Optional[Decimal]) -> str:
        if value is None:
            return ""
        if self.plain:
            return money_plain(value, self.currency, self.written)
        return money(value, self.currency, self.language, self.written)


def currency_of(document) -> str:
    """The plan's currency: as set, else the language's default (元; none for English)."""
    return document.currency if document.currency is not None else DEFAULT_CURRENCY.get(document.language, "")


_MARK = "\u0000decimal:"
_MARKED = re.compile(r'"\\u0000decimal:([0-9.]+)"')


def _marked(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _MARK + plain(value)
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_marked(v) for v in value]
    return value


def to_json(data: Any, **options: Any) -> str:
    """JSON with every Decimal written as the exact number it is (never through float)."""
    return _MARKED.sub(lambda m: m.group(1), json.dumps(_marked(data), **options))
