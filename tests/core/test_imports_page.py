"""The imports page: who sees it, uploading a file, and the job page with the outcome."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from opora.core.models import School
from opora.jobs.models import Job, JobStatus
from tests.conftest import Cast
from tests.core.imports_files import SCHOOL_HEADER, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.IMPORT_UPLOAD_DIR


def _signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def _upload(client: Client, captured: Any, name: str, data: bytes, kind: str = "schools") -> Any:
    """Post the file, let the queued task run (it starts after the commit), open the next page."""
    with captured(execute=True):
        response = client.post(
            reverse(f"import_{kind}"), {f"{kind}-file": SimpleUploadedFile(name, data)}
        )
    if response.status_code != 302:
        return response
    return client.get(response.url)


def test_school_head_gets_403_on_the_imports_page(client: Client, cast: Cast) -> None:
    assert _signed_in(client, cast.sam).get(reverse("imports")).status_code == 403


def test_municipal_officer_sees_both_upload_forms(client: Client, cast: Cast) -> None:
    response = _signed_in(client, cast.oleg).get(reverse("imports"))
    assert response.status_code == 200
    assert (
        reverse("import_schools") in response.text and reverse("import_passports") in response.text
    )
    assert 'type="file"' in response.text and "csrfmiddlewaretoken" in response.text


def test_uploaded_file_runs_as_a_job_and_ends_on_its_summary(
    client: Client,
    cast: Cast,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
    _uploads: Path,
) -> None:
    data = write_xlsx(
        tmp_path / "s.xlsx", [SCHOOL_HEADER[:5], ["9101", "Новая", "10-01", "СОШ", "город"]]
    ).read_bytes()
    response = _upload(
        _signed_in(client, cast.oleg), django_capture_on_commit_callbacks, "школы.xlsx", data
    )

    job = Job.objects.get(created_by=cast.oleg)
    assert response.request["PATH_INFO"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["created"] == 1 and job.result["summary"][0] in response.text
    assert School.objects.get(code="9101").municipality == cast.m1
    assert list(_uploads.iterdir()) == []  # the task removed the uploaded file


def test_rejected_file_ends_on_the_error_table(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    data = write_xlsx(
        tmp_path / "s.xlsx", [SCHOOL_HEADER[:5], ["9102", "Чужая", "10-02", "СОШ", "город"]]
    ).read_bytes()
    response = _upload(
        _signed_in(client, cast.oleg), django_capture_on_commit_callbacks, "s.xlsx", data
    )

    job = Job.objects.get(created_by=cast.oleg)
    assert job.status == JobStatus.FAILED
    assert job.errors == [{"row": 2, "column": "municipality", "message": job.errors[0]["message"]}]
    assert "errors-table" in response.text and "Лесной район" in response.text
    assert not School.objects.filter(code="9102").exists()


def test_wrong_extension_is_refused_on_the_page_without_a_job(
    client: Client, cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    response = _upload(
        _signed_in(client, cast.alice),
        django_capture_on_commit_callbacks,
        "schools.pdf",
        b"%PDF-1.4",
        kind="passports",
    )
    assert response.status_code == 200 and 'class="errorlist"' in response.text
    assert not Job.objects.exists()


def test_too_large_file_is_refused_on_the_page(
    client: Client, cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 10
    response = _upload(
        _signed_in(client, cast.alice),
        django_capture_on_commit_callbacks,
        "s.csv",
        b"code;name;municipality\n1;2;3\n",
    )
    assert 'class="errorlist"' in response.text and not Job.objects.exists()


def test_school_head_cannot_upload(
    client: Client, cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    response = _upload(
        _signed_in(client, cast.sam), django_capture_on_commit_callbacks, "s.csv", b"a;b\n"
    )
    assert response.status_code == 403 and not Job.objects.exists()


def test_template_has_a_header_an_example_and_the_accepted_values(
    client: Client, cast: Cast
) -> None:
    response = _signed_in(client, cast.alice).get(reverse("import_template", args=["schools"]))
    workbook = load_workbook(BytesIO(response.content))
    data, reference = workbook.worksheets
    header = [c.value for c in data[1]]
    assert header[:5] == ["код", "наименование", "муниципалитет", "тип", "тип поселения"]
    assert data.max_row == 2
    assert any("гимназия" in str(c.value) for row in reference.iter_rows() for c in row)


def test_downloaded_passport_template_imports_cleanly(
    client: Client, cast: Cast, tmp_path: Path
) -> None:
    from opora.core.imports import passports_import

    response = _signed_in(client, cast.alice).get(reverse("import_template", args=["passports"]))
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    outcome = passports_import(actor=cast.alice, path=path)
    assert outcome.ok, outcome.errors
    assert outcome.updated == 1  # the example row is school 1001, year 2025


def test_recent_imports_are_listed_on_the_page(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    data = write_xlsx(
        tmp_path / "s.xlsx", [SCHOOL_HEADER[:5], ["9103", "Школа", "10-01", "СОШ", "город"]]
    ).read_bytes()
    _upload(
        _signed_in(client, cast.alice), django_capture_on_commit_callbacks, "мой-файл.xlsx", data
    )
    page = client.get(reverse("imports"))
    job = Job.objects.get(created_by=cast.alice)
    assert reverse("jobs:detail", args=[job.pk]) in page.text


def test_the_sheet_named_on_the_form_is_the_one_imported(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Справка"
    book.active.append(["Данные на листе «Школы»"])
    data = book.create_sheet("Школы")
    data.append(SCHOOL_HEADER[:5])
    data.append(["9111", "С листа", "10-01", "СОШ", "город"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    signed = _signed_in(client, cast.oleg)
    page = signed.get(reverse("imports")).text
    assert 'name="schools-sheet"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = signed.post(reverse("import_schools"), {
            "schools-file": SimpleUploadedFile("two.xlsx", path.read_bytes()), "schools-sheet": "Школы"})
    assert response.status_code == 302
    assert School.objects.get(code="9111").name == "С листа"
    with django_capture_on_commit_callbacks(execute=True):
        signed.post(reverse("import_schools"), {
            "schools-file": SimpleUploadedFile("two.xlsx", path.read_bytes()), "schools-sheet": "Лист9"})
    job = Job.objects.filter(created_by=cast.oleg).order_by("-created_at").first()
    assert job.status == JobStatus.FAILED
    assert "«Справка»" in str(job.errors) and "«Школы»" in str(job.errors)
