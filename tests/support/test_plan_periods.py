"""The period of a plan's event, as written, turned into dates (academic year 2023: Sep 2023 – Aug 2024)."""

from __future__ import annotations

from datetime import date

import pytest

from opora.support.plan_periods import Period, PeriodError, academic_year_of, parse_period, plan_bounds

PLAN = (date(2023, 9, 1), date(2024, 8, 31))


@pytest.mark.parametrize(("written", "start", "end"), [
    # The seed's plan (Оренбург, 2023-2024).
    ("Август – октябрь 2023 года", date(2023, 8, 1), date(2023, 10, 31)),
    ("До 20 октября 2023", PLAN[0], date(2023, 10, 20)),
    ("до 20 октября 2023 года", PLAN[0], date(2023, 10, 20)),
    ("До 25 октября 2023 года", PLAN[0], date(2023, 10, 25)),
    ("В течение 2023-2024 учебного года", *PLAN),
    ("Октябрь-ноябрь 2023 года", date(2023, 10, 1), date(2023, 11, 30)),
    ("январь – май 2024 года", date(2024, 1, 1), date(2024, 5, 31)),
    ("В течение года", *PLAN),
    ("в течение всего периода", *PLAN),
    ("по отдельному плану", *PLAN),
    ("По плану УО", *PLAN),
    ("", *PLAN),
    # Explicit dates and days.
    ("15.11.2023", date(2023, 11, 15), None),
    ("с 01.10.2023 по 15.10.2023", date(2023, 10, 1), date(2023, 10, 15)),
    ("до 01.12.2023", PLAN[0], date(2023, 12, 1)),
    ("20 октября 2023", date(2023, 10, 20), None),
    ("12 марта", date(2024, 3, 12), None),
    ("1–15 октября 2023 г.", date(2023, 10, 1), date(2023, 10, 15)),
    ("с 1 по 15 февраля", date(2024, 2, 1), date(2024, 2, 15)),
    # Months without a year take it from the academic year; a range may cross the new year.
    ("ноябрь", date(2023, 11, 1), date(2023, 11, 30)),
    ("март", date(2024, 3, 1), date(2024, 3, 31)),
    ("сентябрь – май", date(2023, 9, 1), date(2024, 5, 31)),
    ("ноябрь – февраль 2024", date(2023, 11, 1), date(2024, 2, 29)),
    ("Сентябрь 2023 – май 2024", date(2023, 9, 1), date(2024, 5, 31)),
    ("в мае 2024 года", date(2024, 5, 1), date(2024, 5, 31)),
    ("до конца декабря", PLAN[0], date(2023, 12, 31)),
    ("В течение 2024 года", date(2024, 1, 1), date(2024, 12, 31)),
    ("10.2023", date(2023, 10, 1), date(2023, 10, 31)),
    ("09.2023 – 05.2024", date(2023, 9, 1), date(2024, 5, 31)),
])
def test_periods_as_plans_write_them(written: str, start: date, end: date | None) -> None:
    assert parse_period(written, 2023) == Period(start, end)


@pytest.mark.parametrize("written", ["31.02.2024", "до 31.02.2024", "30 февраля 2024", "15.10.2023 – 01.10.2023",
                                     "май 1824 года", "31.13.2023", "13.2023"])
def test_impossible_dates_are_errors_not_guesses(written: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(written, 2023)


def test_error_messages_name_the_date() -> None:
    with pytest.raises(PeriodError, match="31.02.2024"):
        parse_period("31.02.2024", 2023)


def test_plan_bounds_and_the_academic_year_of_a_day() -> None:
    assert plan_bounds(2023) == PLAN
    assert academic_year_of(date(2023, 9, 1)) == 2023
    assert academic_year_of(date(2024, 8, 31)) == 2023
