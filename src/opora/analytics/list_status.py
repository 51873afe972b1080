"""Where each school stands in the programme's list, year by year, by explicit exit criteria
(issue «Outcomes», capability 1: the pure core; wiring it into rule-set versions and pages is next).

A school's status in year Y, from the approved lists up to Y, whether it met the selection
criteria each year, and its confirmed objectivity cases:

- `entered`: on Y's list, never on a list before;
- `in_support`: on Y's list and on Y − 1's (`support_year` k = years on the list in a row);
- `re_entered`: on Y's list, not on Y − 1's, but on an earlier one;
- `exited`: off the list and the exit criteria are met: it did not meet the selection for
  `years` consecutive years after its last list (and, if `no_confirmed_case`, had no confirmed
  objectivity case in them); `exit_year` is the year the criteria were first met;
- `leaving`: off the list, the criteria not met yet (`reason` says which is missing).

A year without data on the selection breaks the run of clear years: an unknown year is not a
year of improvement. Schools never listed up to Y have no status.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

STATUSES = ("entered", "in_support", "re_entered", "exited", "leaving")
STATUS_COLUMNS = ["school_code", "year", "status", "first_entered", "entered_year", "support_year", "exit_year",
                  "clear_years", "reason"]
MOVEMENT_COLUMNS = ["year", "entered", "stayed", "re_entered", "exited", "leaving", "listed"]

# Why a school off the list has not exited yet, or why it has.
REASON_CLEAR = "clear_years"  # exited: did not meet the selection for the required years
REASON_STILL_MEETS = "still_meets"  # meets the selection (off the list by a manual decision)
REASON_CASE = "confirmed_case"  # a confirmed objectivity case in the years after the list
REASON_NO_DATA = "no_data"  # a year without a judgement of the selection
REASON_TOO_FEW = "too_few_years"  # clear so far, fewer years than the criteria ask


@dataclass(frozen=True)
class ExitCriteria:
    years: int = 1  # consecutive years the school no longer meets the selection
    no_confirmed_case: bool = True  # a confirmed objectivity case in those years holds the exit back

    def __post_init__(self) -> None:
        if not 1 <= int(self.years) <= 10:
            raise ValueError("years: from 1 to 10")


def _keys(frame: pd.DataFrame) -> set[tuple[str, int]]:
    return {(str(c), int(y)) for c, y in zip(frame["school_code"], frame["year"], strict=True)}


def list_statuses(listed: pd.DataFrame, meets: pd.DataFrame, confirmed: pd.DataFrame, year: int,
                  criteria: ExitCriteria | None = None) -> pd.DataFrame:
    """STATUS_COLUMNS, one row per school listed in any year up to `year`.

    `listed`: school_code, year — a row per school and year on the approved list;
    `meets`: school_code, year, meets (bool) — whether the school met the selection that year;
    `confirmed`: school_code, year — confirmed objectivity cases."""
    criteria = criteria or ExitCriteria()
    on = _keys(listed[listed["year"] <= year])
    judged = {(str(c), int(y)): bool(m) for c, y, m in zip(meets["school_code"], meets["year"], meets["meets"],
                                                          strict=True)}
    cases = _keys(confirmed)
    by_school: dict[str, list[int]] = {}
    for code, y in sorted(on):
        by_school.setdefault(code, []).append(y)
    rows = []
    for code, years in sorted(by_school.items()):
        rows.append(_status(code, years, year, judged, cases, criteria))
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def _status(code: str, years: list[int], year: int, judged: dict[tuple[str, int], bool],
            cases: set[tuple[str, int]], criteria: ExitCriteria) -> dict[str, object]:
    listed = set(years)
    row: dict[str, object] = {"school_code": code, "year": year, "first_entered": years[0], "entered_year": None,
                              "support_year": None, "exit_year": None, "clear_years": None, "reason": ""}
    if year in listed:
        start = year
        while start - 1 in listed:
            start -= 1
        row.update(entered_year=start, support_year=year - start + 1)
        if start < year:
            row["status"] = "in_support"
        else:
            row["status"] = "re_entered" if years[0] < year else "entered"
        return row
    last = max(y for y in years if y < year)
    clear, reason = 0, ""
    for t in range(last + 1, year + 1):
        verdict = judged.get((code, t))
        if verdict is None:
            clear, reason = 0, REASON_NO_DATA
        elif verdict:
            clear, reason = 0, REASON_STILL_MEETS
        elif criteria.no_confirmed_case and (code, t) in cases:
            clear, reason = 0, REASON_CASE
        else:
            clear += 1
            if clear >= criteria.years:
                row.update(status="exited", exit_year=t, clear_years=clear, reason=REASON_CLEAR)
                return row
            reason = REASON_TOO_FEW
    row.update(status="leaving", clear_years=clear, reason=reason)
    return row


def list_movement(listed: pd.DataFrame, meets: pd.DataFrame, confirmed: pd.DataFrame,
                  criteria: ExitCriteria | None = None) -> pd.DataFrame:
    """MOVEMENT_COLUMNS per year of the lists: how many schools entered, stayed, re-entered,
    exited that year, were off the list without having exited, and were on the list."""
    rows = []
    for y in sorted({int(v) for v in listed["year"]}):
        statuses = list_statuses(listed, meets, confirmed, y, criteria)
        counts = statuses["status"].value_counts()
        exited = int(((statuses["status"] == "exited") & (statuses["exit_year"] == y)).sum())
        rows.append({"year": y, "entered": int(counts.get("entered", 0)), "stayed": int(counts.get("in_support", 0)),
                     "re_entered": int(counts.get("re_entered", 0)), "exited": exited,
                     "leaving": int(counts.get("leaving", 0)),
                     "listed": int(statuses["status"].isin(["entered", "in_support", "re_entered"]).sum())})
    return pd.DataFrame(rows, columns=MOVEMENT_COLUMNS)
