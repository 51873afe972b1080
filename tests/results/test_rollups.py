"""`indicators_refresh`: Parquet parts in, SchoolIndicator / TaskIndicator rows out."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from opora.core.errors import ValidationFailed
from opora.results.models import (
    Procedure,
    ResultPart,
    Scale,
    SchoolIndicator,
    Source,
    Subject,
    TaskIndicator,
    TaskSpec,
)
from opora.results.rollups import indicators_refresh
from opora.results.schema import RESULT_SCHEMA
from tests.conftest import Cast


@pytest.fixture
def store(settings: Any, tmp_path: Path) -> Path:
    settings.RESULTS_DIR = tmp_path / "results"
    return Path(settings.RESULTS_DIR)


def vpr_math(year: int = 2025) -> Scale:
    """ВПР mathematics grade 5: max 20, mark 3 from 8, 4 from 12, 5 from 17; tasks 1 (basic, max 1)
    and 2 (advanced, max 2)."""
    vpr, _ = Procedure.objects.get_or_create(code="vpr", defaults={"name": "ВПР"})
    math, _ = Subject.objects.get_or_create(code="math", defaults={"name": "Математика"})
    scale, _ = Scale.objects.get_or_create(
        procedure=vpr, year=year, subject=math, grade=5,
        defaults={"max_score": 20, "mark3_from": 8, "mark4_from": 12, "mark5_from": 17},
    )
    TaskSpec.objects.get_or_create(scale=scale, number=1, defaults={"max_score": 1, "skill": "дроби"})
    TaskSpec.objects.get_or_create(scale=scale, number=2, defaults={"max_score": 2, "difficulty": "advanced"})
    return scale


def write_part(store: Path, rows: list[dict[str, Any]], *, procedure: str = "vpr", year: int = 2025,
               active: bool = True) -> ResultPart:
    full = []
    for i, row in enumerate(rows):
        base = {name: None for name in RESULT_SCHEMA.names}
        base.update(procedure=procedure, year=year, subject="math", grade=5, pupil=f"p{i}")
        base.update(row)
        full.append(base)
    relative = f"{procedure}/{year}/{uuid.uuid4().hex}.parquet"
    (store / relative).parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(full, schema=RESULT_SCHEMA), store / relative)
    return ResultPart.objects.create(
        procedure=Procedure.objects.get(code=procedure), year=year, path=relative, rows=len(full),
        school_codes=sorted({r["school_code"] for r in full}), active=active,
    )


def grade_rows(school: str, scores: list[float], *, class_name: str | None = None,
               tasks: list[float] | None = None, journal: int | None = None) -> list[dict[str, Any]]:
    return [{"school_code": school, "primary_score": s, "class_name": class_name, "tasks": tasks,
             "journal_mark": journal} for s in scores]


def test_refresh_stores_whole_grade_and_class_indicators(cast: Cast, store: Path) -> None:
    vpr_math()
    write_part(store, grade_rows("1001", [5, 10], class_name="5А", journal=3)
               + grade_rows("1001", [13, 18], class_name="5Б", journal=3)
               + grade_rows("1002", [20] * 12))
    summary = indicators_refresh(procedure_code="vpr", year=2025)
    assert (summary.school_rows, summary.class_rows) == (2, 2)  # 1002 has no classes
    whole = SchoolIndicator.objects.get(school=cast.s1, class_name="")
    assert (whole.participants, whole.mark2, whole.mark3, whole.mark4, whole.mark5) == (4, 1, 1, 1, 1)
    assert whole.fail_share == pytest.approx(0.25)
    assert whole.high_share == pytest.approx(0.5)
    assert whole.mean_pct == pytest.approx(46 / 80 * 100)
    assert whole.mean_mark == pytest.approx(3.5)
    assert (whole.lowered, whole.confirmed, whole.raised) == (1, 1, 2)
    assert whole.small_group == "too_few"
    assert whole.source == Source.PUPILS
    klass = SchoolIndicator.objects.get(school=cast.s1, class_name="5А")
    assert (klass.participants, klass.fail_share) == (2, 0.5)
    other = SchoolIndicator.objects.get(school=cast.s2)
    assert (other.small_group, other.high_share, other.fail_high) == ("warn", 1.0, pytest.approx(0.2425, abs=1e-4))


def test_refresh_stores_task_completion_per_grade_and_class(cast: Cast, store: Path) -> None:
    vpr_math()
    write_part(store, grade_rows("1001", [10], class_name="5А", tasks=[1, 2, 7])
               + grade_rows("1001", [10], class_name="5Б", tasks=[0, 1]))
    indicators_refresh(procedure_code="vpr", year=2025)
    whole = {t.task: t.completion for t in TaskIndicator.objects.filter(school=cast.s1, class_name="")}
    assert whole == {1: pytest.approx(0.5), 2: pytest.approx(0.75)}  # task 3 has no spec
    assert TaskIndicator.objects.get(school=cast.s1, class_name="5Б", task=2).completion == 0.5


def test_refresh_replaces_old_rows_and_reads_only_active_parts(cast: Cast, store: Path) -> None:
    vpr_math()
    old = write_part(store, grade_rows("1001", [2, 2, 2]))
    indicators_refresh(procedure_code="vpr", year=2025)
    assert SchoolIndicator.objects.get(school=cast.s1).fail_share == 1.0
    old.active = False
    old.save()
    write_part(store, grade_rows("1002", [20, 20]))
    indicators_refresh(procedure_code="vpr", year=2025)
    assert list(SchoolIndicator.objects.values_list("school__code", "fail_share")) == [("1002", 0.0)]


def test_refresh_computes_fail_change_against_last_year_and_next_year_against_this(
    cast: Cast, store: Path
) -> None:
    for year in (2024, 2025, 2026):
        vpr_math(year)
    write_part(store, grade_rows("1001", [2] * 2 + [15] * 8), year=2024)  # fail 0.2
    write_part(store, grade_rows("1001", [2] * 5 + [15] * 5), year=2026)  # fail 0.5
    indicators_refresh(procedure_code="vpr", year=2024)
    indicators_refresh(procedure_code="vpr", year=2026)
    assert SchoolIndicator.objects.get(year=2026).fail_change is None  # no 2025 yet
    write_part(store, grade_rows("1001", [2] * 3 + [15] * 7), year=2025)  # fail 0.3
    indicators_refresh(procedure_code="vpr", year=2025)
    y2025 = SchoolIndicator.objects.get(year=2025)
    y2026 = SchoolIndicator.objects.get(year=2026)
    assert y2025.fail_change == pytest.approx(0.1)
    assert y2025.negative_dynamics is True  # 0.3 − 0.2 counts as a 10-point rise
    assert y2026.fail_change == pytest.approx(0.2)
    assert y2026.negative_dynamics is True


def test_pupil_results_supersede_school_aggregates_of_the_same_cell(cast: Cast, store: Path) -> None:
    scale = vpr_math()
    common = {"procedure": scale.procedure, "year": 2025, "subject": scale.subject, "grade": 5,
              "source": Source.AGGREGATES, "fail_share": 0.9, "fail_low": 0.8, "fail_high": 1.0,
              "high_share": 0.0, "high_low": 0.0, "high_high": 0.1, "participants": 10}
    SchoolIndicator.objects.create(school=cast.s1, **common)
    SchoolIndicator.objects.create(school=cast.s2, **common)
    for school in (cast.s1, cast.s2):
        TaskIndicator.objects.create(school=school, procedure=scale.procedure, year=2025, subject=scale.subject,
                                     grade=5, task=1, participants=10, completion=0.1)
    write_part(store, grade_rows("1001", [20, 20], tasks=[1, 2]))
    indicators_refresh(procedure_code="vpr", year=2025)
    assert SchoolIndicator.objects.get(school=cast.s1).source == Source.PUPILS
    assert TaskIndicator.objects.get(school=cast.s1, task=1).completion == 1.0
    assert SchoolIndicator.objects.get(school=cast.s2).source == Source.AGGREGATES
    assert TaskIndicator.objects.get(school=cast.s2, task=1).completion == 0.1  # kept with its form


def test_refresh_of_an_unknown_procedure_is_refused_in_russian(db: None, store: Path) -> None:
    with pytest.raises(ValidationFailed) as caught:
        indicators_refresh(procedure_code="nope", year=2025)
    assert "nope" in caught.value.messages[0]


def test_refresh_reports_progress_to_the_end(cast: Cast, store: Path) -> None:
    vpr_math()
    write_part(store, grade_rows("1001", [10]))
    seen: list[tuple[int, int]] = []
    indicators_refresh(procedure_code="vpr", year=2025, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] and len(seen) >= 3


def test_refresh_stores_task_completion_by_mark_group_and_the_page_marks_crossings(
    cast: Cast, store: Path
) -> None:
    from django.test import Client

    from opora.results.models import TaskMarkGroup

    vpr_math()
    # Five pupils with mark 3 (score 10) solve task 1; five with mark 4 (score 13) fail it.
    write_part(store, grade_rows("1001", [10] * 5, tasks=[1, 0]) + grade_rows("1001", [13] * 5, tasks=[0, 2]))
    indicators_refresh(procedure_code="vpr", year=2025)
    groups = {(g.mark, g.task): g.completion for g in TaskMarkGroup.objects.filter(school=cast.s1)}
    assert groups == {(3, 1): 1.0, (3, 2): 0.0, (4, 1): 0.0, (4, 2): 1.0}
    client = Client()
    client.force_login(cast.sam)
    page = client.get("/results/schools/1001/")
    rows = {r["task"]: r for r in page.context["groups"]["rows"]}
    assert rows[1]["crossed"] and not rows[2]["crossed"]
    assert page.context["groups"]["crossings"] == 1
