"""Staff files whose header does not match: the registry (for one school, kept through the mapping)
and the deficit diagnostics are mapped on the same page as the other imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from opora.jobs.models import Job, JobStatus
from opora.staff.models import DeficitDiagnostic, StaffMember
from tests.conftest import Cast
from tests.core.imports_files import write_xlsx
from tests.staff.builders import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.IMPORT_UPLOAD_DIR


def _latest() -> Job:
    job = Job.objects.order_by("-created_at").first()
    assert job is not None
    return job


def test_a_registry_with_a_title_and_renamed_columns_is_mapped_into_its_school(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks: Any,
) -> None:
    path = write_xlsx(tmp_path / "кадры.xlsx", [
        ["Кадровый состав МБОУ СОШ № 1 на 01.09.2025"],
        ["№ личного дела", "Сотрудник", "Занимаемая должность", "Стаж работы"],
        ["Л-17", "Иванова Мария Петровна", "учитель математики", 12],
    ])
    client.force_login(cast.sam)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff:registry_import") + f"?school={cast.s1.code}",
                    {"school": cast.s1.code, "registry-file": SimpleUploadedFile(path.name, path.read_bytes())})
    first = _latest()
    assert first.status == JobStatus.FAILED and first.result["mapping"] is True
    page = client.get(reverse("import_mapping", args=[first.pk]))
    assert page.status_code == 200 and "Сотрудник" in page.text and "Иванова Мария Петровна" in page.text

    form = {"sheet": "", "header_row": "2", "column-0": "staff_number", "column-1": "full_name",
            "column-2": "position", "column-3": "experience", "name": ""}
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("import_mapping", args=[first.pk]), form)
    second = _latest()
    assert done.status_code == 302 and second.pk != first.pk
    assert second.status == JobStatus.SUCCEEDED, second.errors
    maria = StaffMember.objects.get(external_id="Л-17")
    assert (maria.school, maria.position_kind, maria.experience_years) == (cast.s1, "teacher", 12)


def test_deficit_diagnostics_with_other_headers_load_after_mapping(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks: Any,
) -> None:
    anna = make_staff(cast.s1, "Иванова Анна Петровна", external_id="T-1")
    path = write_xlsx(tmp_path / "диагностика.xlsx", [
        ["ОО", "Таб. N", "Педагог", "Компетенция", "Результат", "Макс.", "Дефицит выявлен", "Дата диагностики"],
        ["1001", "T-1", "Иванова Анна Петровна", "методические", 10, 30, "да", "15.03.2025"],
    ])
    client.force_login(cast.sam)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("development:import_upload"),
                    {"deficits-file": SimpleUploadedFile(path.name, path.read_bytes())})
    first = _latest()
    assert first.status == JobStatus.FAILED and first.result["mapping"] is True
    form = {"sheet": "", "header_row": "1", "column-0": "school_code", "column-1": "staff_number",
            "column-2": "full_name", "column-3": "area", "column-4": "score", "column-5": "max_score",
            "column-6": "deficit", "column-7": "date", "name": "Диагностика ЦНППМ"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_mapping", args=[first.pk]), form)
    second = _latest()
    assert second.status == JobStatus.SUCCEEDED, second.errors
    assert DeficitDiagnostic.objects.get(staff=anna).has_deficit is True
