"""Dates as plan files write them (YYYY-MM-DD), and why one that looks right is no date.
Plain Python (no pydantic), for the commands that do not load a plan: `fill`, `new`."""
from __future__ import annotations

import calendar
import re
from typing import Any, Optional

ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")  # the one shape a plan's dates are written in


def impossible_date(value: Any) -> Optional[str]:
    """Why a value written as YYYY-MM-DD is no date (2027-09-31: September has 30 days), or None."""
    match = ISO_DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return f"{value} is not a date: there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = calendar.month_name[month] + (f" {year}" if month == 2 else "")
        return f"{value} is not a date: {name} has {days} days"
    return None
