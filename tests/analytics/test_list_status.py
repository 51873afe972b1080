"""Statuses in the list follow the exit criteria exactly, re-entry included."""

from __future__ import annotations

import pandas as pd
import pytest

from opora.analytics.list_status import ExitCriteria, list_movement, list_statuses


def frames(listed: dict[str, list[int]], meets: dict[tuple[str, int], bool],
           cases: tuple[tuple[str, int], ...] = ()) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return (pd.DataFrame([(c, y) for c, ys in listed.items() for y in ys], columns=["school_code", "year"]),
            pd.DataFrame([(c, y, m) for (c, y), m in meets.items()], columns=["school_code", "year", "meets"]),
            pd.DataFrame(list(cases), columns=["school_code", "year"]))


def status(frames3: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], code: str, year: int,
           criteria: ExitCriteria | None = None) -> dict[str, object]:
    found = list_statuses(*frames3, year, criteria)
    return found.set_index("school_code").loc[code].to_dict()


def test_entered_then_in_support_counting_the_years() -> None:
    f = frames({"A": [2021, 2022, 2023]}, {("A", y): True for y in (2021, 2022, 2023)})
    assert status(f, "A", 2021)["status"] == "entered"
    s = status(f, "A", 2023)
    assert s["status"] == "in_support" and s["support_year"] == 3 and s["entered_year"] == 2021


def test_exit_after_the_required_clear_years() -> None:
    f = frames({"B": [2021]}, {("B", 2021): True, ("B", 2022): False, ("B", 2023): False})
    assert status(f, "B", 2022)["status"] == "exited" and status(f, "B", 2022)["exit_year"] == 2022
    two = ExitCriteria(years=2)
    waiting = status(f, "B", 2022, two)
    assert waiting["status"] == "leaving" and waiting["reason"] == "too_few_years" and waiting["clear_years"] == 1
    done = status(f, "B", 2023, two)
    assert done["status"] == "exited" and done["exit_year"] == 2023 and done["clear_years"] == 2


def test_re_entry_after_an_exit() -> None:
    f = frames({"C": [2021, 2023]}, {("C", 2021): True, ("C", 2022): False, ("C", 2023): True})
    assert status(f, "C", 2022)["status"] == "exited"
    s = status(f, "C", 2023)
    assert s["status"] == "re_entered" and s["first_entered"] == 2021 and s["support_year"] == 1


def test_a_confirmed_case_holds_the_exit_back_when_the_criteria_say_so() -> None:
    f = frames({"D": [2021]}, {("D", 2021): True, ("D", 2022): False}, cases=(("D", 2022),))
    held = status(f, "D", 2022)
    assert held["status"] == "leaving" and held["reason"] == "confirmed_case"
    assert status(f, "D", 2022, ExitCriteria(no_confirmed_case=False))["status"] == "exited"


@pytest.mark.parametrize(("verdict", "reason"), [(None, "no_data"), (True, "still_meets")])
def test_no_exit_without_a_clear_year(verdict: bool | None, reason: str) -> None:
    meets = {("E", 2021): True}
    if verdict is not None:
        meets[("E", 2022)] = verdict
    s = status(frames({"E": [2021]}, meets), "E", 2022)
    assert s["status"] == "leaving" and s["reason"] == reason


def test_a_year_without_data_breaks_the_run_of_clear_years() -> None:
    f = frames({"F": [2020]}, {("F", 2020): True, ("F", 2021): False, ("F", 2023): False})
    s = status(f, "F", 2023, ExitCriteria(years=2))
    assert s["status"] == "leaving" and s["clear_years"] == 1


def test_the_movement_of_the_list_year_by_year() -> None:
    f = frames({"A": [2021, 2022], "B": [2021], "C": [2021, 2023], "G": [2022, 2023]},
               {("A", 2021): True, ("A", 2022): True, ("B", 2021): True, ("B", 2022): False,
                ("C", 2021): True, ("C", 2022): False, ("C", 2023): True, ("G", 2022): True, ("G", 2023): True,
                ("A", 2023): False, ("B", 2023): False})
    movement = list_movement(*f).set_index("year")
    assert movement.loc[2021].to_dict() == {"entered": 3, "stayed": 0, "re_entered": 0, "exited": 0, "leaving": 0,
                                            "listed": 3}
    assert movement.loc[2022].to_dict() == {"entered": 1, "stayed": 1, "re_entered": 0, "exited": 2, "leaving": 0,
                                            "listed": 2}
    assert movement.loc[2023].to_dict() == {"entered": 0, "stayed": 1, "re_entered": 1, "exited": 1, "leaving": 0,
                                            "listed": 2}


def test_schools_never_listed_have_no_status() -> None:
    f = frames({"A": [2023]}, {("A", 2023): True, ("Z", 2023): True})
    assert list(list_statuses(*f, 2022)["school_code"]) == []
    assert list(list_statuses(*f, 2023)["school_code"]) == ["A"]
