"""Importing school aggregates: counts checked, indicators written, pupil results respected."""

from __future__ import annotations

from pathlib import Path

import pytest

from opora.core.errors import AccessDenied
from opora.results.imports.aggregates import aggregates_import, wilson
from opora.results.imports.results import results_import
from opora.results.models import Scale, SchoolIndicator, TaskIndicator
from tests.conftest import Cast
from tests.core.imports_files import write_csv, write_xlsx
from tests.results.results_files import RESULT_HEADER, pupil

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.results.results_files"]  # fixtures: reference rows, a store per test

HEADER = ["procedure", "year", "school_code", "subject", "grade", "participants",
          "mark2", "mark3", "mark4", "mark5", "mean_pct", "lowered", "confirmed", "raised",
          "task_1_pct", "task_2_pct"]


def row(school: str, n: int, m2: int, m3: int, m4: int, m5: int, *, year: int = 2025,
        extra: tuple = (55.5, 3, 5, 1, 70, "40%")) -> list:
    return ["vpr", year, school, "Математика", 5, n, m2, m3, m4, m5, *extra]


def test_aggregates_become_school_indicators_with_intervals_and_tasks(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, row("1001", 40, 8, 20, 10, 2)])
    outcome = aggregates_import(actor=cast.alice, path=path)
    assert outcome.ok, [str(e) for e in outcome.errors]
    indicator = SchoolIndicator.objects.get(school=cast.s1)
    assert indicator.source == "aggregates" and indicator.class_name == ""
    assert (indicator.participants, indicator.mark2, indicator.mark5) == (40, 8, 2)
    assert indicator.fail_share == pytest.approx(0.2) and indicator.high_share == pytest.approx(0.3)
    assert (indicator.fail_low, indicator.fail_high) == pytest.approx(wilson(8, 40))
    assert indicator.fail_low < 0.2 < indicator.fail_high
    assert indicator.mean_mark == pytest.approx((16 + 60 + 40 + 10) / 40)
    assert (indicator.mean_pct, indicator.lowered, indicator.raised) == (55.5, 3, 1)
    assert indicator.small_group == ""
    tasks = TaskIndicator.objects.filter(school=cast.s1).order_by("task")
    assert [(t.task, t.completion) for t in tasks] == [(1, pytest.approx(0.7)), (2, pytest.approx(0.4))]


def test_wilson_interval_of_8_in_40_matches_the_textbook() -> None:
    low, high = wilson(8, 40)
    assert low == pytest.approx(0.105, abs=0.001) and high == pytest.approx(0.348, abs=0.001)


def test_reimport_replaces_the_cell_and_compares_with_the_previous_year(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    earlier = write_csv(tmp_path / "a.csv", [HEADER, row("1001", 20, 2, 10, 8, 0, year=2024),
                                             row("1001", 20, 2, 10, 8, 0)])
    assert aggregates_import(actor=cast.alice, path=earlier).ok
    corrected = write_csv(tmp_path / "b.csv", [HEADER, row("1001", 20, 5, 10, 5, 0)])
    outcome = aggregates_import(actor=cast.alice, path=corrected)
    assert outcome.ok and (outcome.created, outcome.updated) == (0, 1)
    now = SchoolIndicator.objects.get(school=cast.s1, year=2025)
    assert now.mark2 == 5 and now.small_group == "warn"
    assert now.fail_change == pytest.approx(0.15) and now.negative_dynamics
    assert SchoolIndicator.objects.filter(school=cast.s1).count() == 2


def test_counts_that_do_not_add_up_and_bad_percentages_are_named(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", [
        HEADER,
        row("1001", 40, 8, 20, 10, 1),
        row("1002", 10, 1, 5, 4, 0),
        row("7777", 10, 1, 5, 4, 0),
        row("1002", 10, 1, 5, 4, 0, extra=("", "", "", "", 50, 50)),
        row("1001", 10, 1, 5, 4, 0, extra=(120, "", "", "", "", "")),
    ])
    outcome = aggregates_import(actor=cast.alice, path=path)
    assert [(e.row, e.column) for e in outcome.errors] == [
        (2, "participants"), (4, "school_code"), (5, "school_code"), (6, "mean_pct"),
    ]
    assert "39" in outcome.errors[0].message and "120" in outcome.errors[3].message
    assert "3" in outcome.errors[2].message  # the first row of the same cell
    assert not SchoolIndicator.objects.exists()


def test_officer_cannot_load_aggregates_of_another_municipality(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, row("1003", 10, 1, 5, 4, 0)])
    outcome = aggregates_import(actor=cast.oleg, path=path)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "school_code")]
    with pytest.raises(AccessDenied):
        aggregates_import(actor=cast.tom, path=path)


def test_aggregates_do_not_overwrite_a_cell_with_pupil_results(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    pupils = write_csv(tmp_path / "p.csv", [RESULT_HEADER, pupil("1001", "p1", 8)])
    assert results_import(actor=cast.alice, path=pupils).ok
    path = write_csv(tmp_path / "a.csv", [HEADER, row("1001", 10, 1, 5, 4, 0),
                                          row("1002", 10, 1, 5, 4, 0)])
    outcome = aggregates_import(actor=cast.alice, path=path)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "school_code")]
    assert not SchoolIndicator.objects.filter(source="aggregates").exists()


SCORES = [f"балл {n}" for n in range(21)]


def scored_row(school: str, scores: list[int], marks: tuple[int, int, int, int], *, sd: object = "") -> list:
    return ["vpr", 2025, school, "Математика", 5, sum(scores), *marks, sd, *scores]


def test_a_score_distribution_gives_the_spread_and_the_pupils_on_each_boundary(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    from opora.identification.inputs import inputs_load

    # 20 pupils: 6 of them exactly on the mark-3 boundary (7 points), none on 6.
    scores = [0] * 21
    scores[3], scores[7], scores[8], scores[13], scores[17] = 2, 6, 4, 6, 2
    header = [*HEADER[:10], "ст. откл. %", *SCORES]
    path = write_xlsx(tmp_path / "a.xlsx", [header, scored_row("1001", scores, (2, 10, 6, 2))])
    outcome = aggregates_import(actor=cast.alice, path=path)
    assert outcome.ok, [str(e) for e in outcome.errors]
    indicator = SchoolIndicator.objects.get(school=cast.s1)
    assert indicator.score_counts == scores
    points = [p for p, c in enumerate(scores) for _ in range(c)]
    mean = sum(points) / 20
    sd = (sum((p - mean) ** 2 for p in points) / 19) ** 0.5 / 20 * 100
    assert indicator.pct_sd == pytest.approx(sd)  # computed from the distribution when no sd is given

    works = inputs_load(region=cast.r10, year=2025, params={}).works.set_index("school_code")
    assert (works.at["1001", "b3_at"], works.at["1001", "b3_below"], works.at["1001", "b3_above"]) == (6, 0, 4)
    assert works.at["1001", "pct_sd"] == pytest.approx(sd)


def test_a_score_distribution_that_disagrees_with_the_marks_is_refused(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    scores = [0] * 21
    scores[5], scores[10] = 4, 6
    header = [*HEADER[:10], "ст. откл. %", *SCORES]
    path = write_csv(tmp_path / "a.csv", [
        header,
        scored_row("1001", scores, (2, 8, 0, 0), sd=12),  # 4 pupils below 7 points, the marks say 2
        scored_row("1002", scores, (4, 6, 0, 0), sd=12)[:5] + [11, 4, 6, 0, 1, 12, *scores],  # 10 by score, 11 said
    ])
    outcome = aggregates_import(actor=cast.alice, path=path)
    assert not outcome.ok and not SchoolIndicator.objects.exists()
    messages = {(e.row, e.column): e.message for e in outcome.errors}
    assert "4" in messages[(2, "балл 0")] and "2" in messages[(2, "балл 0")]
    assert "10" in messages[(3, "балл 0")] and "11" in messages[(3, "балл 0")]


def test_a_historical_year_from_1990_is_accepted_and_1989_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, row("1001", 40, 8, 20, 10, 2, year=1990),
                                          row("1002", 40, 8, 20, 10, 2, year=1989)])
    outcome = aggregates_import(actor=cast.alice, path=path)
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "year")]
    assert "1990" in outcome.errors[0].message
