"""Change over the years (METHODS.md §2): fail-share change and negative dynamics, and the
grade 4 → 5 transition drop. Pandas over the small school-level frames.
"""

from __future__ import annotations

import pandas as pd

NEGATIVE_DYNAMICS_BAR = 0.10  # a rise of the fail share by ≥ 10 points (FIOKO)
_EPS = 1e-9  # 0.30 − 0.20 is 0.0999… in floating point and must still count
CELL_KEYS = ["school_code", "procedure", "subject", "grade", "class_name"]


def is_negative(change: float | None) -> bool:
    return change is not None and not pd.isna(change) and change >= NEGATIVE_DYNAMICS_BAR - _EPS


def dynamics(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """`current` with `fail_change` (fail_share now − a year earlier, for the same school,
    procedure, subject, grade and class; NaN with no earlier row) and `negative_dynamics`.
    Both frames need CELL_KEYS (class_name optional: '' = whole grade) and fail_share.
    """
    keys = [k for k in CELL_KEYS if k in current.columns and k in previous.columns]
    before = previous[[*keys, "fail_share"]].rename(columns={"fail_share": "_before"})
    out = current.drop(columns=["fail_change", "negative_dynamics"], errors="ignore").merge(before, on=keys, how="left")
    out["fail_change"] = out["fail_share"] - out["_before"]
    out["negative_dynamics"] = [is_negative(c) for c in out["fail_change"]]
    return out.drop(columns=["_before"])


def transition_drop(
    indicators: pd.DataFrame, *, year: int, procedure: str = "vpr", from_grade: int = 4, to_grade: int = 5
) -> pd.DataFrame:
    """The cohort's quality from primary to basic school: high share of the same school and
    subject at `from_grade` in year − 1 against `to_grade` in `year` (whole grades).

    Input: indicator rows (school_code, procedure, year, subject, grade, class_name optional,
    participants, high_share). Output: school_code, subject, quality_before, quality_after,
    participants_before, participants_after, drop (before − after; positive = worse).
    """
    frame = indicators[indicators["procedure"] == procedure]
    if "class_name" in frame.columns:
        frame = frame[frame["class_name"].fillna("") == ""]
    cols = ["school_code", "subject", "high_share", "participants"]
    before = frame[(frame["year"] == year - 1) & (frame["grade"] == from_grade)][cols].rename(
        columns={"high_share": "quality_before", "participants": "participants_before"})
    after = frame[(frame["year"] == year) & (frame["grade"] == to_grade)][cols].rename(
        columns={"high_share": "quality_after", "participants": "participants_after"})
    out = before.merge(after, on=["school_code", "subject"], how="inner")
    out["drop"] = out["quality_before"] - out["quality_after"]
    return out.sort_values(["school_code", "subject"]).reset_index(drop=True)
