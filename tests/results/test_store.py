"""The Parquet results store: parts switch in one transaction, readers see old or new."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from opora.results.models import Procedure, ResultPart
from opora.results.schema import RESULT_SCHEMA
from opora.results.store import active_paths, active_paths_for, part_write, parts_activate

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.results.results_files"]


def batch(*rows: tuple[str, str, str]) -> pa.RecordBatch:
    """Rows of (school_code, subject, pupil) of ВПР 2025, grade 5."""
    n = len(rows)
    return pa.RecordBatch.from_pydict({
        "procedure": ["vpr"] * n, "year": [2025] * n, "school_code": [r[0] for r in rows],
        "subject": [r[1] for r in rows], "grade": [5] * n, "class_name": [None] * n,
        "pupil": [r[2] for r in rows], "variant": [None] * n, "primary_score": [10.0] * n,
        "mark": [3] * n, "test_score": [None] * n, "journal_mark": [None] * n,
        "tasks": [None] * n,
    }, schema=RESULT_SCHEMA)


def pupils(year: int = 2025) -> list[tuple[str, str, str]]:
    tables = [pq.read_table(p) for p in active_paths("vpr", year)]
    return sorted(
        (s, subj, p) for t in tables for s, subj, p in zip(
            t["school_code"].to_pylist(), t["subject"].to_pylist(), t["pupil"].to_pylist(),
            strict=True)
    )


@pytest.fixture
def vpr() -> Procedure:
    return Procedure.objects.get_or_create(code="vpr", defaults={"name": "ВПР"})[0]


def test_files_keep_the_result_schema(vpr: Procedure) -> None:
    part = part_write(procedure_code="vpr", year=2025, batches=[batch(("1001", "math", "p1"))])
    parts_activate(files=[part])
    assert pq.read_schema(active_paths("vpr", 2025)[0]).equals(RESULT_SCHEMA)


def test_new_work_of_a_school_is_added_and_a_repeated_work_replaced(
    vpr: Procedure, django_capture_on_commit_callbacks: Any
) -> None:
    first = part_write(procedure_code="vpr", year=2025, batches=[batch(
        ("1001", "math", "p1"), ("1001", "rus", "p1"), ("1002", "math", "p2"))])
    parts_activate(files=[first])
    with django_capture_on_commit_callbacks(execute=True):
        report = parts_activate(files=[part_write(
            procedure_code="vpr", year=2025, batches=[batch(("1001", "math", "p9"))])])
    assert report.replaced_rows == 1
    assert pupils() == [("1001", "math", "p9"), ("1001", "rus", "p1"), ("1002", "math", "p2")]
    assert not first.absolute.exists()  # rewritten without 1001/math, the original deleted
    assert ResultPart.objects.filter(active=True).count() == 2


def test_a_switch_that_fails_leaves_the_old_data_and_no_new_files(vpr: Procedure) -> None:
    first = part_write(procedure_code="vpr", year=2025, batches=[batch(("1001", "math", "p1"))])
    parts_activate(files=[first])
    good = part_write(procedure_code="vpr", year=2025, batches=[batch(("1001", "math", "p2"))])
    lost = part_write(procedure_code="vpr", year=2025, batches=[batch(("1001", "rus", "p3"))])
    lost.absolute.unlink()  # a file that vanished before the switch: the switch cannot read it
    with pytest.raises(Exception):  # noqa: B017, PT011  (DuckDB's own error type)
        parts_activate(files=[good, lost])
    assert pupils() == [("1001", "math", "p1")]
    assert not good.absolute.exists()
    assert list(ResultPart.objects.values_list("path", flat=True)) == [first.path]


def test_readers_can_list_parts_by_procedure_and_year(vpr: Procedure) -> None:
    Procedure.objects.get_or_create(code="oge", defaults={"name": "ОГЭ"})
    for year in (2024, 2025):
        parts_activate(files=[part_write(procedure_code="vpr", year=year,
                                         batches=[batch(("1001", "math", "p1"))])])
    assert len(active_paths_for()) == 2
    assert len(active_paths_for(years=[2024])) == 1
    assert active_paths_for(procedure_codes=["oge"]) == []
