"""The period of a plan's event as written («Август – октябрь 2023 года», «до 20 октября 2023»,
«в течение года») turned into a start and an end date. Pure: no database, no settings.

The plan covers one academic year, 1 September – 31 August (the user names it on the upload).
31 August rather than 31 May: plans put the exams (ГИА, late May – June) and the August councils
that close the year inside it, and «в течение учебного года» must cover the same span as the plan.
A month without a year takes it from the academic year (September–December: the first year,
January–August: the second). Text without any date (по отдельному плану, в течение года …)
means the whole plan. A date that does not exist (31.02.2024) is a `PeriodError`, not a guess.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

# The stems of the month names in every case Russian plans use (январь, января, январе …).
_MONTHS: tuple[tuple[str, int], ...] = (
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("ма", 5), ("июн", 6), ("июл", 7),
    ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
)
_MONTH_WORD = (r"(январ[а-я]*|феврал[а-я]*|март[а-я]*|апрел[а-я]*|ма[йяе]|июн[а-я]*|июл[а-я]*|август[а-я]*"
               r"|сентябр[а-я]*|октябр[а-я]*|ноябр[а-я]*|декабр[а-я]*)")
_MONTH_RE = re.compile(rf"\b{_MONTH_WORD}\b")
_NUMERIC_DATE_RE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\b")
_DAY_MONTH_RE = re.compile(rf"\b(\d{{1,2}})\s+{_MONTH_WORD}(?:\s+(\d{{4}}))?")
_MONTH_YEAR_RE = re.compile(r"\b(\d{1,2})\.(\d{4})\b")  # «10.2023»: a month
_DAY_RANGE_RE = re.compile(rf"\b(\d{{1,2}})\s*(?:-|по)\s*(\d{{1,2}})\s+{_MONTH_WORD}(?:\s+(\d{{4}}))?")
_ACADEMIC_RE = re.compile(r"\b((?:19|20)\d{2})\s*[-/]\s*((?:19|20)?\d{2})\s+уч")
_YEAR_RE = re.compile(r"\b([12]\d{3})\b")
_UNTIL_RE = re.compile(r"(?:^|\s)(?:до|не позднее|не позже|по)(?:\s+конца)?\s*$")
_EARLIEST, _LATEST = 2000, 2100  # a year outside is a typo, not a plan
PLAN_YEARS = (_EARLIEST, _LATEST - 1)  # the academic years a plan may be of


class PeriodError(ValueError):
    """The text names a date that cannot be; the message is ready to show."""


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date | None  # None: a one-day event


def plan_bounds(academic_year: int) -> tuple[date, date]:
    """The plan of academic year 2023 runs from 1 September 2023 to 31 August 2024."""
    return date(academic_year, 9, 1), date(academic_year + 1, 8, 31)


def academic_year_of(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _normalise(text: str) -> str:
    text = text.lower().replace("ё", "е").replace("\xa0", " ")
    return " ".join(re.sub(r"[–—−‒]", "-", text).split())


def _month(word: str) -> int:
    for stem, number in _MONTHS:
        if word.startswith(stem):
            return number
    raise AssertionError(word)  # the regex only matches the stems above


def _in_plan(month: int, academic_year: int) -> int:
    return academic_year if month >= 9 else academic_year + 1


def _day(year: int, month: int, day: int, written: str) -> date:
    if not _EARLIEST <= year <= _LATEST:
        raise PeriodError(_("The year in «%(date)s» is not plausible.") % {"date": written})
    try:
        return date(year, month, day)
    except ValueError:
        raise PeriodError(_("The date «%(date)s» does not exist.") % {"date": written}) from None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _ordered(start: date, end: date, text: str) -> Period:
    if end < start:
        raise PeriodError(_("The period «%(text)s» ends before it starts.") % {"text": text})
    return Period(start, None if start == end else end)


def _until(text: str, position: int) -> bool:
    """Whether the date at `position` is a deadline («до 20 октября»), not the day of the event."""
    return bool(_UNTIL_RE.search(text[:position]))


def _deadline(end: date, plan_start: date) -> Period:
    # Work «до 20 октября» runs from the start of the plan; a deadline before it stands alone.
    return Period(min(plan_start, end), None if end <= plan_start else end)


def parse_period(written: str, academic_year: int) -> Period:
    """Start and end of an event of the plan of `academic_year`, from its period as written."""
    plan_start, plan_end = plan_bounds(academic_year)
    text = _normalise(written)
    numeric = list(_NUMERIC_DATE_RE.finditer(text))
    if numeric:
        days = []
        for m in numeric:
            year = int(m.group(3)) if len(m.group(3)) == 4 else 2000 + int(m.group(3))
            days.append(_day(year, int(m.group(2)), int(m.group(1)), m.group(0)))
        if len(days) == 1 and _until(text, numeric[0].start()):
            return _deadline(days[0], plan_start)
        return _ordered(days[0], days[-1], written)
    monthly = list(_MONTH_YEAR_RE.finditer(text))
    if monthly:
        bounds = []
        for m in monthly:
            month, year = int(m.group(1)), int(m.group(2))
            if not 1 <= month <= 12:
                raise PeriodError(_("The date «%(date)s» does not exist.") % {"date": m.group(0)})
            bounds.append(_day(year, month, 1, m.group(0)))
        end = _last_day(bounds[-1].year, bounds[-1].month)
        if len(bounds) == 1 and _until(text, monthly[0].start()):
            return _deadline(end, plan_start)
        return _ordered(bounds[0], end, written)
    span = _DAY_RANGE_RE.search(text)
    if span:  # «1–15 октября 2023», «с 1 по 15 октября»
        month = _month(span.group(3))
        year = int(span.group(4)) if span.group(4) else _in_plan(month, academic_year)
        return _ordered(_day(year, month, int(span.group(1)), span.group(0)),
                        _day(year, month, int(span.group(2)), span.group(0)), written)
    named = list(_DAY_MONTH_RE.finditer(text))
    if named:
        days = []
        for m in named:
            month = _month(m.group(2))
            year = int(m.group(3)) if m.group(3) else _following_year(text, m.end()) or _in_plan(month, academic_year)
            days.append(_day(year, month, int(m.group(1)), m.group(0)))
        if len(days) == 1 and _until(text, named[0].start()):
            return _deadline(days[0], plan_start)
        return _ordered(days[0], days[-1], written)
    academic = _ACADEMIC_RE.search(text)
    if academic:
        first = int(academic.group(1))
        return Period(*plan_bounds(first)) if _EARLIEST <= first <= _LATEST else _implausible(academic.group(0))
    months = list(_MONTH_RE.finditer(text))
    if months:
        return _months(text, months, academic_year, plan_start, written)
    years = [int(y) for y in _YEAR_RE.findall(text)]
    if years:
        if not all(_EARLIEST <= y <= _LATEST for y in years):
            _implausible(written)
        return _ordered(date(years[0], 1, 1), date(years[-1], 12, 31), written)
    return Period(plan_start, plan_end)


def _implausible(written: str) -> Period:
    raise PeriodError(_("The year in «%(date)s» is not plausible.") % {"date": written})


def _following_year(text: str, position: int) -> int | None:
    """The first year written after `position`: «январь – май 2024» gives both months 2024."""
    found = _YEAR_RE.search(text, position)
    return int(found.group(1)) if found else None


def _months(text: str, months: list[re.Match[str]], academic_year: int, plan_start: date,
            written: str) -> Period:
    first, last = months[0], months[-1]
    first_month, last_month = _month(first.group(1)), _month(last.group(1))
    first_year = _following_year(text, first.end()) or _in_plan(first_month, academic_year)
    last_year = _following_year(text, last.end()) or _in_plan(last_month, academic_year)
    for year in (first_year, last_year):
        if not _EARLIEST <= year <= _LATEST:
            _implausible(written)
    start = date(first_year, first_month, 1)
    end = _last_day(last_year, last_month)
    if end < start:
        # «ноябрь – февраль 2024»: the year written at the end; the range crosses the new year.
        start = date(first_year - 1, first_month, 1)
    if len(months) == 1 and _until(text, first.start()):
        return _deadline(end, plan_start)
    return _ordered(start, end, written)
