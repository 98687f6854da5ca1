"""Birth dates that may be partial (year, year-month or full date) and their comparison."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_CHINESE = re.compile(r"^(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class DateAgreement(StrEnum):
    SAME = "agree"
    COMPATIBLE = "compatible"
    # A typing slip: year off by one with the same month and day, or day and month swapped.
    CLOSE = "close"
    CONFLICT = "conflict"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to year, month or day precision; 0 marks an unknown month or day."""

    year: int
    month: int = 0
    day: int = 0

    def __str__(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


def parse_birth_date(text: str | None) -> PartialDate | None:
    """Read YYYY, YYYY-MM, YYYY-MM-DD, DD/MM/YYYY, MM/YYYY, YYYYMMDD or YYYY年M月D日."""
    if not text:
        return None
    value = unicodedata.normalize("NFKC", text).strip()
    parts: tuple[str | None, str | None, str | None] | None = None
    if match := _ISO.match(value):
        parts = (match.group(1), match.group(2), match.group(3))
    elif match := _DAY_FIRST.match(value):
        parts = (match.group(3), match.group(2), match.group(1))
    elif match := _MONTH_YEAR.match(value):
        parts = (match.group(2), match.group(1), None)
    elif (match := _CHINESE.match(value)) or (match := _COMPACT.match(value)):
        parts = (match.group(1), match.group(2), match.group(3))
    if parts is None:
        return None
    year = int(parts[0] or 0)
    month = int(parts[1] or 0)
    day = int(parts[2] or 0)
    if not 1800 <= year <= 2200 or not 0 <= month <= 12 or not 0 <= day <= 31:
        return None
    if day and not month:
        return None
    return PartialDate(year, month, day)


def _typing_slip(left: PartialDate, right: PartialDate) -> bool:
    if abs(left.year - right.year) == 1:
        months_fit = not (left.month and right.month) or left.month == right.month
        days_fit = not (left.day and right.day) or left.day == right.day
        return months_fit and days_fit
    swapped = (left.month, left.day) == (right.day, right.month) and left.day != left.month
    return left.year == right.year and left.day != 0 and right.day != 0 and swapped


def compare_dates(left: PartialDate | None, right: PartialDate | None) -> DateAgreement:
    """Compare at the precision both sides share: 1985 fits 1985-03-02; 1985-03 ≠ 1985-04."""
    if left is None or right is None:
        return DateAgreement.MISSING
    if _typing_slip(left, right):
        return DateAgreement.CLOSE
    if left.year != right.year:
        return DateAgreement.CONFLICT
    if left.month and right.month and left.month != right.month:
        return DateAgreement.CONFLICT
    if left.day and right.day and left.day != right.day:
        return DateAgreement.CONFLICT
    if (left.month, left.day) == (right.month, right.day):
        return DateAgreement.SAME
    return DateAgreement.COMPATIBLE
