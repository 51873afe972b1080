"""`opora indicators`, `opora refresh-indicators` and `GET /api/indicators`: the same figures,
scoped as on the pages; classes only for the school's own head and teachers."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from opora.results.models import SchoolIndicator
from opora.results.rollups import indicators_refresh
from opora.results.selectors import municipality_task_completion, region_task_completion
from tests.api.conftest import session_client
from tests.conftest import Cast
from tests.results.test_rollups import grade_rows, store, vpr_math, write_part  # noqa: F401

HEADER = ["school_code", "procedure", "year", "subject", "grade", "participants", "fail_share", "fail_low",
          "fail_high", "high_share", "mean_pct", "mean_mark", "fail_change"]


@pytest.fixture
def loaded(cast: Cast, store: Path) -> Cast:  # noqa: F811
    """2025 ВПР maths grade 5 for every school; s1 (1001) in two classes."""
    vpr_math()
    write_part(store, grade_rows("1001", [5, 10], class_name="5А", tasks=[1, 2])
               + grade_rows("1001", [13, 18], class_name="5Б", tasks=[0, 0])
               + grade_rows("1002", [5] * 10, tasks=[0, 2])
               + grade_rows("1003", [15] * 30, tasks=[1, 1])
               + grade_rows("2001", [9, 9], tasks=[1, 0]))
    indicators_refresh(procedure_code="vpr", year=2025)
    return cast


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_cli_prints_every_school_in_csv_with_the_documented_columns(loaded: Cast) -> None:
    rows = list(csv.reader(io.StringIO(run("--year", "2025", "--format", "csv"))))
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == ["1001", "1002", "1003", "2001"]  # whole grades, no classes
    first = dict(zip(HEADER, rows[1], strict=True))
    assert (first["procedure"], first["participants"], first["fail_share"]) == ("vpr", "4", "0.2500")
    assert first["fail_change"] == ""


def test_cli_with_a_user_shows_only_that_users_schools(loaded: Cast) -> None:
    rows = list(csv.reader(io.StringIO(run("--year", "2025", "--format", "csv", "--user", "maria"))))
    assert [r[0] for r in rows[1:]] == ["1001", "1002"]


def test_cli_table_is_aligned_with_a_header(loaded: Cast) -> None:
    lines = run("--year", "2025").splitlines()
    assert lines[0].split() == HEADER
    assert len(lines) == 5


def test_cli_refuses_an_unknown_procedure_and_user(loaded: Cast) -> None:
    with pytest.raises(CommandError, match="nope"):
        run("--year", "2025", "--procedure", "nope")
    with pytest.raises(CommandError, match="ghost"):
        run("--year", "2025", "--user", "ghost")


def test_refresh_command_recomputes_and_reports(loaded: Cast) -> None:
    SchoolIndicator.objects.all().delete()
    out = io.StringIO()
    call_command("refresh_indicators", "--year", "2025", "--procedure", "vpr", stdout=out)
    assert "4" in out.getvalue()
    assert SchoolIndicator.objects.filter(class_name="").count() == 4


def test_refresh_command_refuses_an_unknown_procedure(db: None) -> None:
    with pytest.raises(CommandError, match="nope"):
        call_command("refresh_indicators", "--year", "2025", "--procedure", "nope")


def _codes(user: Any, **params: Any) -> list[tuple[str, str]]:
    response = session_client(user).get("/api/indicators", {"year": 2025, **params})
    assert response.status_code == 200, response.content
    return [(i["school_code"], i["class_name"]) for i in response.json()["items"]]


def test_api_lists_only_the_callers_schools(loaded: Cast) -> None:
    assert _codes(loaded.maria) == [("1001", ""), ("1002", "")]
    assert _codes(loaded.kate) == [("1001", "")]
    assert _codes(loaded.zoe) == [("2001", "")]
    assert _codes(loaded.nobody) == []


def test_api_shows_classes_to_the_schools_head_and_teacher_only(loaded: Cast) -> None:
    own = [("1001", ""), ("1001", "5А"), ("1001", "5Б")]
    assert _codes(loaded.sam, classes=True) == own
    assert _codes(loaded.tom, classes=True) == own
    assert _codes(loaded.maria, classes=True) == [("1001", ""), ("1002", "")]
    assert _codes(loaded.vera, classes=True) == [("1003", "")]


def test_api_filters_and_pages(loaded: Cast) -> None:
    assert _codes(loaded.alice, municipality="10-02") == [("1003", "")]
    assert _codes(loaded.alice, procedure="oge") == []
    assert _codes(loaded.alice, grade=5, subject="math", limit=1, offset=1) == [("1002", "")]
    body = session_client(loaded.alice).get("/api/indicators", {"year": 2025, "limit": 1}).json()
    assert body["count"] == 3
    item = body["items"][0]
    assert (item["fail_share"], item["mark2"], item["small_group"]) == (0.25, 1, "too_few")


def test_api_without_a_year_is_a_validation_error(loaded: Cast) -> None:
    response = session_client(loaded.alice).get("/api/indicators")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_api_answers_in_a_fixed_number_of_queries(loaded: Cast, django_assert_max_num_queries: Any) -> None:
    client = session_client(loaded.alice)
    with django_assert_max_num_queries(8):
        assert client.get("/api/indicators", {"year": 2025}).status_code == 200


def test_territory_task_completion_is_weighted_by_participants(loaded: Cast) -> None:
    work = {"year": 2025, "procedure": "vpr", "subject": "math", "grade": 5}
    municipal = municipality_task_completion(loaded.alice, **work)
    # M1: 1001 task 1 = 2/4 over 4 pupils, 1002 task 1 = 0 over 10 → 2 / 14
    assert municipal[(loaded.m1.pk, 1)] == pytest.approx(2 / 14)
    assert municipal[(loaded.m1.pk, 2)] == pytest.approx((0.5 * 4 + 1.0 * 10) / 14)
    assert (loaded.m3.pk, 1) not in municipal  # another region
    regional = region_task_completion(loaded.alice, **work)
    assert regional[(loaded.r10.pk, 1)] == pytest.approx((2 + 0 + 30) / 44)
    assert set(region_task_completion(loaded.zoe, **work)) == {(loaded.r20.pk, 1), (loaded.r20.pk, 2)}
