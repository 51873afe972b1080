from __future__ import annotations

import pandas as pd
import pytest

from opora.analytics.dynamics import dynamics, transition_drop


def _cell(school: str, fail: float, *, class_name: str = "") -> dict[str, object]:
    return {"school_code": school, "procedure": "vpr", "subject": "ru", "grade": 5, "class_name": class_name,
            "fail_share": fail}


def test_a_rise_of_ten_points_in_fail_share_is_negative_dynamics() -> None:
    previous = pd.DataFrame([_cell("s1", 0.2), _cell("s2", 0.2), _cell("s3", 0.5)])
    current = pd.DataFrame([_cell("s1", 0.3), _cell("s2", 0.29), _cell("s3", 0.1), _cell("s4", 0.9)])
    out = dynamics(current, previous).set_index("school_code")
    assert out.loc["s1", "fail_change"] == pytest.approx(0.1)
    assert bool(out.loc["s1", "negative_dynamics"]) is True  # 0.3 − 0.2 is 0.0999… in floats
    assert bool(out.loc["s2", "negative_dynamics"]) is False
    assert out.loc["s3", "fail_change"] == pytest.approx(-0.4)
    assert pd.isna(out.loc["s4", "fail_change"]) and not out.loc["s4", "negative_dynamics"]


def test_classes_are_compared_with_the_same_class_only() -> None:
    previous = pd.DataFrame([_cell("s1", 0.1, class_name="5А"), _cell("s1", 0.0)])
    current = pd.DataFrame([_cell("s1", 0.3, class_name="5А"), _cell("s1", 0.05)])
    out = dynamics(current, previous).set_index("class_name")
    assert out.loc["5А", "fail_change"] == pytest.approx(0.2)
    assert out.loc["", "fail_change"] == pytest.approx(0.05)


def test_transition_drop_compares_grade_4_last_year_with_grade_5_this_year() -> None:
    def row(year: int, grade: int, high: float, school: str = "s1") -> dict[str, object]:
        return {"school_code": school, "procedure": "vpr", "year": year, "subject": "ma", "grade": grade,
                "class_name": "", "participants": 40, "high_share": high}

    frame = pd.DataFrame([row(2024, 4, 0.7), row(2025, 5, 0.4), row(2025, 4, 0.9), row(2024, 5, 0.1),
                          row(2024, 4, 0.5, "s2")])
    out = transition_drop(frame, year=2025)
    assert list(out["school_code"]) == ["s1"]  # s2 has no grade 5 in 2025
    assert out.iloc[0]["quality_before"] == 0.7
    assert out.iloc[0]["quality_after"] == 0.4
    assert out.iloc[0]["drop"] == pytest.approx(0.3)
