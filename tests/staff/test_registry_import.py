"""The staff registry import: all or nothing, matched by the staff number within the school,
row/column/reason in Russian, only where the user may manage the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from opora.core.errors import AccessDenied
from opora.jobs.models import Job
from opora.staff.imports_registry import registry_import
from opora.staff.models import StaffMember
from tests.conftest import Cast
from tests.staff.builders import make_staff

pytestmark = pytest.mark.django_db
HEADER = ["Табельный номер", "ФИО", "Должность", "Предметы", "Квалификационная категория", "Педагогический стаж",
          "Возрастная группа"]


def xlsx(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture(autouse=True)
def _russian() -> Any:
    with translation.override("ru"):
        yield


def test_a_head_imports_the_school_registry_and_a_second_file_updates_by_staff_number(cast: Cast,
                                                                                      tmp_path: Path) -> None:
    path = xlsx(tmp_path / "s1.xlsx", [
        ["001", "Иванова Мария Петровна", "учитель математики", "Математика, Информатика", "высшая", 25, "50–59"],
        ["002", "Петров Пётр Ильич", "педагог-психолог", "", "", "", 63],
        [3, "Сидорова Анна", "Учитель начальных классов", "начальные классы", "первая", 3, "до 30"],
    ])
    outcome = registry_import(actor=cast.sam, path=path, school=cast.s1)
    assert outcome.ok, outcome.errors
    assert outcome.created == 3
    maria = StaffMember.objects.get(school=cast.s1, external_id="001")
    assert (maria.position_kind, maria.subjects, maria.qualification_category, maria.experience_years,
            maria.age_group) == ("teacher", ["math", "inf"], "highest", 25, "50_59")
    petrov = StaffMember.objects.get(external_id="002")
    assert (petrov.position_kind, petrov.age_group, petrov.qualification_category) == ("psychologist", "60_plus",
                                                                                      "none")
    assert StaffMember.objects.get(external_id="3").subjects == ["начальные классы"]
    again = xlsx(tmp_path / "s1b.xlsx", [
        ["001", "Иванова Мария Петровна", "учитель математики", "Математика, Информатика", "первая", 26, "50–59"],
        ["002", "Петров Пётр Ильич", "педагог-психолог", "", "", "", 63],
    ])
    second = registry_import(actor=cast.sam, path=again, school=cast.s1)
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    assert StaffMember.objects.get(external_id="001").qualification_category == "first"
    assert StaffMember.objects.filter(school=cast.s1).count() == 3  # nobody deleted by absence


def test_one_bad_row_rejects_the_whole_file_with_row_column_and_reason(cast: Cast, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "bad.xlsx", [
        ["001", "Иванова Мария Петровна", "учитель", "", "высшая", 25, "50–59"],
        ["002", "", "учитель", "", "вторая", 120, "древний"],
        ["001", "Повтор", "учитель", "", "", "", ""],
    ])
    outcome = registry_import(actor=cast.sam, path=path, school=cast.s1)
    assert not outcome.ok
    found = {(e.row, e.column) for e in outcome.errors}
    assert {(3, "ФИО"), (3, "Квалификационная категория"), (3, "Педагогический стаж"), (3, "Возрастная группа"),
            (4, "Табельный номер")} <= found
    assert any("вторая" in e.message and "высшая" in e.message for e in outcome.errors)
    assert StaffMember.objects.count() == 0


def test_a_file_of_several_schools_needs_the_school_column_and_only_schools_in_scope(cast: Cast,
                                                                                    tmp_path: Path) -> None:
    no_column = xlsx(tmp_path / "a.xlsx", [["1", "Иванов", "учитель", "", "", "", ""]])
    outcome = registry_import(actor=cast.oleg, path=no_column)
    assert not outcome.ok and "Код школы" in outcome.errors[0].message
    mixed = xlsx(tmp_path / "b.xlsx", [["1001", "1", "Иванов", "учитель"], ["1003", "2", "Чужой", "учитель"]],
                 header=["Код школы", "Табельный номер", "ФИО", "Должность"])
    outcome = registry_import(actor=cast.oleg, path=mixed)
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "Код школы")]
    good = xlsx(tmp_path / "c.xlsx", [["1001", "1", "Иванов", "учитель"], ["1002", "1", "Смирнов", "директор"]],
                header=["Код школы", "Табельный номер", "ФИО", "Должность"])
    outcome = registry_import(actor=cast.oleg, path=good)
    assert outcome.ok and outcome.created == 2
    assert StaffMember.objects.get(school=cast.s2).position_kind == "head"


def test_a_person_entered_by_hand_without_a_number_is_matched_by_name(cast: Cast, tmp_path: Path) -> None:
    make_staff(cast.s1, "Клокова Тамара Алексеевна", external_id="")
    path = xlsx(tmp_path / "s1.xlsx", [["77", "Клокова Тамара Алексеевна", "учитель", "", "первая", 10, ""]])
    outcome = registry_import(actor=cast.sam, path=path, school=cast.s1)
    assert (outcome.created, outcome.updated) == (0, 1)
    assert StaffMember.objects.get(school=cast.s1).external_id == "77"


@pytest.mark.parametrize("username", ["alice", "rita", "kate", "maria", "mila", "tom", "olga"])
def test_who_may_not_manage_the_registry_cannot_import(cast: Cast, tmp_path: Path, username: str) -> None:
    path = xlsx(tmp_path / "x.xlsx", [["1", "Иванов", "учитель"]])
    with pytest.raises(AccessDenied):
        registry_import(actor=getattr(cast, username), path=path, school=cast.s1)


def test_the_import_page_runs_the_job_and_shows_the_outcome(cast: Cast, tmp_path: Path,
                                                            django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    client.force_login(cast.sam)
    page = client.get(reverse("staff:registry_import") + "?school=1001")
    assert page.status_code == 200 and "Табельный номер" in page.content.decode()
    template = client.get(reverse("staff:registry_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")
    path = xlsx(tmp_path / "s1.xlsx", [["001", "Иванова Мария Петровна", "учитель", "", "высшая", 25, "50–59"]])
    upload_dir = tmp_path / "uploads"
    upload_dir.mkdir()
    with override_settings(IMPORT_UPLOAD_DIR=str(upload_dir)), django_capture_on_commit_callbacks(execute=True), \
            path.open("rb") as f:
        response = client.post(reverse("staff:registry_import"), {"school": "1001", "registry-file": f})
    assert response.status_code == 302
    job = Job.objects.get(kind="import_staff_registry")
    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    assert StaffMember.objects.filter(school=cast.s1, external_id="001").exists()
    shown = client.get(response["Location"])
    assert "создано 1" in shown.content.decode()
    assert settings.IMPORT_MAX_BYTES > 0


def test_the_import_page_is_closed_to_region_and_curator(cast: Cast) -> None:
    for username in ("alice", "kate", "maria"):
        client = Client()
        client.force_login(getattr(cast, username))
        assert client.get(reverse("staff:registry_import")).status_code == 403
    client = Client()
    client.force_login(cast.sam)
    assert client.get(reverse("staff:registry_import") + "?school=1003").status_code == 404
