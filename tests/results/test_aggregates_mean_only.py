"""Aggregates whose mark counts the form suppresses (small schools): the mean is kept, every
share-based figure says «недостаточно данных» (identification: tests/identification/test_inputs.py)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client

from opora.results.imports.aggregates import aggregates_import
from opora.results.models import Scale, SchoolIndicator
from tests.api.conftest import session_client
from tests.conftest import Cast
from tests.core.imports_files import write_csv, write_xlsx

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.results.results_files"]  # fixtures: reference rows, a store per test

HEADER = ["процедура", "год", "код школы", "предмет", "параллель", "участники",
          "отметка 2", "отметка 3", "отметка 4", "отметка 5", "средний процент", "средняя отметка"]


def row(school: str, n: int, marks: tuple, mean_pct: object = "", mean_mark: object = "", year: int = 2025) -> list:
    return ["ВПР", year, school, "Математика", 5, n, *marks, mean_pct, mean_mark]


def test_a_row_with_suppressed_counts_keeps_its_mean_and_has_no_shares(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [
        HEADER,
        row("1001", 40, (8, 20, 10, 2), 52.5),
        row("1002", 6, ("*", "*", "*", "*"), "61,5", ""),
        row("1003", 4, ("", "", "", ""), "", "3,4"),
    ])
    outcome = aggregates_import(actor=cast.alice, path=path)
    assert outcome.ok, [str(e) for e in outcome.errors]
    full = SchoolIndicator.objects.get(school=cast.s1)
    assert full.counts_known and full.fail_share == pytest.approx(0.2)
    hidden = SchoolIndicator.objects.get(school__code="1002")
    assert not hidden.counts_known
    assert (hidden.participants, hidden.mean_pct, hidden.small_group) == (6, 61.5, "too_few")
    assert (hidden.mark2, hidden.fail_share, hidden.fail_low, hidden.high_share, hidden.mean_mark) == (
        None, None, None, None, None)
    only_mark = SchoolIndicator.objects.get(school__code="1003")
    assert only_mark.mean_mark == pytest.approx(3.4) and only_mark.fail_share is None


def test_some_marks_given_or_no_mean_at_all_are_named_and_nothing_is_loaded(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", [
        HEADER,
        row("1001", 40, (8, 20, 10, 2), 52.5),
        row("1002", 6, (1, "", "", ""), 50),
        row("1003", 6, ("", "", "", ""), "", ""),
        row("1004", 6, ("н/д", "н/д", "н/д", "н/д"), "", 7),
    ])
    outcome = aggregates_import(actor=cast.alice, path=path)
    assert not outcome.ok
    messages = {(e.row, e.column): e.message for e in outcome.errors}
    assert "все четыре" in messages[(3, "отметка 3")]
    assert "средний процент" in messages[(4, "отметка 2")]
    assert "от 2 до 5" in messages[(5, "средняя отметка")] or "2 и 5" in messages[(5, "средняя отметка")]
    assert not SchoolIndicator.objects.exists()


def test_pages_and_api_say_not_enough_data_where_the_counts_are_suppressed(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, row("1001", 40, (8, 20, 10, 2), 52.5),
                                            row("1002", 6, ("*", "*", "*", "*"), 61.5)])
    assert aggregates_import(actor=cast.alice, path=path).ok
    client = Client()
    client.force_login(cast.alice)
    work = {"procedure": "vpr", "subject": "math", "grade": 5, "year": 2025}
    table = {"year": 2025, "work": vpr_math.pk}
    for sort in ("fail", "high", "mean"):
        page = client.get("/results/indicators/", {**table, "sort": sort})
        assert page.status_code == 200
        text = page.content.decode()
        assert "недостаточно данных" in text
        if sort != "mean":  # no share sorts last on both databases
            assert text.index("МБОУ СОШ № 1") < text.index("Заречная")
    school = client.get("/results/schools/1002/", work)
    assert school.status_code == 200 and "недостаточно данных" in school.content.decode()
    assert "61,5" in school.content.decode()
    export = client.get("/results/indicators/", {**table, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    hidden = next(r for r in sheet.iter_rows(values_only=True) if "1002" in [str(c) for c in r])
    assert 61.5 in hidden
    dashboard = client.get("/dashboards/schools/1002/", {"year": 2025})
    assert dashboard.status_code == 200 and "«2»: недостаточно данных" in dashboard.content.decode()
    results_xlsx = client.get("/dashboards/schools/1002/", {"year": 2025, "xlsx": "results"})
    assert results_xlsx.status_code == 200
    body = session_client(cast.alice).get("/api/indicators", {"year": 2025}).json()
    item = next(i for i in body["items"] if i["school_code"] == "1002")
    assert (item["fail_share"], item["mark2"], item["mean_pct"]) == (None, None, 61.5)

