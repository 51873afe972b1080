"""Import of professional-deficit diagnostics: matched teachers, all-or-nothing, scope, the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from opora.core.errors import AccessDenied
from opora.jobs.models import Job, JobStatus
from opora.staff.imports_deficits import deficits_import
from opora.staff.models import DeficitDiagnostic
from tests.conftest import Cast
from tests.core.imports_files import write_xlsx
from tests.staff.builders import make_staff

pytestmark = pytest.mark.django_db
HEADER = ["код школы", "табельный номер", "ФИО", "область компетенций", "балл", "максимальный балл", "дефицит",
          "дата", "диагностика"]


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.IMPORT_UPLOAD_DIR


def test_rows_are_matched_by_staff_number_or_name_and_loaded(cast: Cast, tmp_path: Path) -> None:
    anna = make_staff(cast.s1, "Иванова Анна Петровна", external_id="T-1")
    olga = make_staff(cast.s1, "Петрова Ольга Ивановна")
    path = write_xlsx(tmp_path / "d.xlsx", [
        HEADER,
        ["1001", "T-1", "", "методические", 10, 30, "да", "15.03.2025", "ЦНППМ"],
        ["1001", "", "петрова ольга ивановна", "предметные", "25,5", 30, "нет", "15.03.2025", "ЦНППМ"],
    ])
    outcome = deficits_import(actor=cast.sam, path=path)
    assert outcome.ok and outcome.created == 2
    assert DeficitDiagnostic.objects.get(staff=anna).has_deficit is True
    assert DeficitDiagnostic.objects.get(staff=olga).year == 2025
    again = deficits_import(actor=cast.sam, path=path)
    assert again.ok and again.unchanged == 2 and DeficitDiagnostic.objects.count() == 2


def test_a_threshold_decides_the_deficit(cast: Cast, tmp_path: Path) -> None:
    make_staff(cast.s1, "Иванова Анна Петровна")
    path = write_xlsx(tmp_path / "d.xlsx", [
        ["код школы", "ФИО", "область компетенций", "балл", "порог", "год"],
        ["1001", "Иванова Анна Петровна", "методические", 12, 15, 2025],
        ["1001", "Иванова Анна Петровна", "предметные", 20, 15, 2025],
    ])
    assert deficits_import(actor=cast.mila, path=path).ok
    assert dict(DeficitDiagnostic.objects.values_list("area", "has_deficit")) == {
        "методические": True, "предметные": False}


def test_an_unknown_teacher_rejects_the_whole_file(cast: Cast, tmp_path: Path) -> None:
    make_staff(cast.s1, "Иванова Анна Петровна")
    path = write_xlsx(tmp_path / "d.xlsx", [
        HEADER,
        ["1001", "", "Иванова Анна Петровна", "методические", 10, 30, "да", "15.03.2025", ""],
        ["1001", "", "Сидоров Пётр", "методические", 10, 30, "да", "15.03.2025", ""],
    ])
    outcome = deficits_import(actor=cast.sam, path=path)
    assert not outcome.ok and DeficitDiagnostic.objects.count() == 0
    assert outcome.errors[0].row == 3 and outcome.errors[0].column == "ФИО"
    assert "Сидоров" in outcome.errors[0].message


def test_a_school_outside_the_scope_is_a_row_error(cast: Cast, tmp_path: Path) -> None:
    make_staff(cast.s3, "Иванова Анна Петровна")
    path = write_xlsx(tmp_path / "d.xlsx", [
        HEADER, ["1003", "", "Иванова Анна Петровна", "методические", 10, 30, "да", "15.03.2025", ""]])
    outcome = deficits_import(actor=cast.sam, path=path)
    assert not outcome.ok and outcome.errors[0].column == "код школы"


def test_regional_roles_and_curators_may_not_import(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "d.xlsx", [HEADER])
    for user in (cast.alice, cast.rita, cast.kate, cast.tom, cast.oleg):
        with pytest.raises(AccessDenied):
            deficits_import(actor=user, path=path)


def test_the_import_page_runs_a_job(client: Client, cast: Cast, tmp_path: Path,
                                    django_capture_on_commit_callbacks: Any) -> None:
    make_staff(cast.s1, "Иванова Анна Петровна")
    data = write_xlsx(tmp_path / "d.xlsx", [
        HEADER, ["1001", "", "Иванова Анна Петровна", "методические", 10, 30, "да", "15.03.2025", ""]]).read_bytes()
    client.force_login(cast.maria)
    assert client.get(reverse("development:import")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("development:import_upload"),
                               {"deficits-file": SimpleUploadedFile("d.xlsx", data)})
    assert response.status_code == 302
    job = Job.objects.get(created_by=cast.maria)
    assert job.status == JobStatus.SUCCEEDED and DeficitDiagnostic.objects.count() == 1
    template = client.get(reverse("development:import_template", args=["deficits"]))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")


def test_the_import_page_is_closed_to_region_and_officer(client: Client, cast: Cast) -> None:
    for user in (cast.alice, cast.oleg, cast.tom):
        client.force_login(user)
        assert client.get(reverse("development:import")).status_code == 403
