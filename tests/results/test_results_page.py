"""The results imports page, its jobs, the templates and the commands."""

from __future__ import annotations

from io import BytesIO, StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from opora.jobs.models import Job, JobStatus
from opora.results.models import ResultPart, Scale, SchoolIndicator
from tests.conftest import Cast
from tests.core.imports_files import write_csv
from tests.results.results_files import RESULT_HEADER, pupil

pytestmark = [pytest.mark.django_db]
pytest_plugins = ["tests.results.results_files"]


def _csv(rows: list[list[Any]]) -> bytes:
    return ("\r\n".join(";".join(str(v) for v in r) for r in rows) + "\r\n").encode()


def _upload(client: Client, captured: Any, kind: str, data: bytes) -> Any:
    with captured(execute=True):
        response = client.post(
            reverse(f"import_{kind}"), {f"{kind}-file": SimpleUploadedFile("f.csv", data)}
        )
    assert response.status_code == 302, response.status_code
    return client.get(response.url)


def test_teacher_gets_403_on_the_results_imports_page(client: Client, cast: Cast) -> None:
    client.force_login(cast.tom)
    assert client.get(reverse("results_imports")).status_code == 403


def test_officer_sees_both_upload_forms_and_template_links(client: Client, cast: Cast) -> None:
    client.force_login(cast.oleg)
    page = client.get(reverse("results_imports")).text
    for name in ("import_results", "import_aggregates"):
        assert reverse(name) in page
    assert reverse("results_template", args=["results"]) in page


def test_uploaded_results_run_as_a_job_and_end_stored(
    client: Client, cast: Cast, vpr_math: Scale, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(cast.oleg)
    page = _upload(client, django_capture_on_commit_callbacks, "results",
                   _csv([RESULT_HEADER, pupil("1001", "p1", 8), pupil("1002", "p2", 17)]))
    job = Job.objects.get(kind="import_results")
    assert job.status == JobStatus.SUCCEEDED, (job.message, job.errors)
    part = ResultPart.objects.get(active=True)
    assert part.rows == 2 and part.job == job
    assert page.status_code == 200 and job.title in page.text


def test_rejected_aggregates_show_the_row_on_the_job(
    client: Client, cast: Cast, vpr_math: Scale, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(cast.oleg)
    header = ["procedure", "year", "school_code", "subject", "grade", "participants",
              "mark2", "mark3", "mark4", "mark5"]
    _upload(client, django_capture_on_commit_callbacks, "aggregates",
            _csv([header, ["vpr", 2025, "1003", "math", 5, 10, 1, 5, 4, 0]]))
    job = Job.objects.get(kind="import_aggregates")
    assert job.status == JobStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "school_code")]
    assert not SchoolIndicator.objects.exists()


def test_templates_download_as_workbooks_with_every_required_column(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.alice)
    book = load_workbook(BytesIO(client.get(reverse("results_template", args=["results"])).content))
    sheet = book.worksheets[1]
    keys = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert {"procedure", "year", "school_code", "subject", "grade", "pupil",
            "primary_score"} <= set(keys)
    assert client.get("/results/imports/templates/other.xlsx").status_code == 404


def test_command_prints_errors_and_exits_with_1(
    cast: Cast, vpr_math: Scale, tmp_path: Any
) -> None:
    path = write_csv(tmp_path / "r.csv", [RESULT_HEADER, pupil("7777", "p1", 8)])
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_results", str(path), "--user", "alice", stderr=err)
    assert failure.value.returncode == 1
    assert "7777" in err.getvalue()


def test_command_imports_results_for_the_named_user(
    cast: Cast, vpr_math: Scale, tmp_path: Any
) -> None:
    path = write_csv(tmp_path / "r.csv", [RESULT_HEADER, pupil("1001", "p1", 8)])
    out = StringIO()
    call_command("import_results", str(path), "--user", "oleg", stdout=out)
    assert ResultPart.objects.filter(active=True).count() == 1 and "1" in out.getvalue()
    aggregates = write_csv(tmp_path / "a.csv", [
        ["procedure", "year", "school_code", "subject", "grade", "participants",
         "mark2", "mark3", "mark4", "mark5"],
        ["vpr", 2025, "1002", "math", 5, 10, 1, 5, 4, 0],
    ])
    call_command("import_aggregates", str(aggregates), "--user", "oleg", stdout=StringIO())
    assert SchoolIndicator.objects.filter(school=cast.s2, source="aggregates").exists()
