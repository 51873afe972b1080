"""Files whose header does not match: a title above it is skipped, the author maps the columns on a
page, the mapping is saved, and the next file of the same shape loads with it (page and CLI)."""

from __future__ import annotations

import os
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from opora.core.imports.mapping import Field, suggest
from opora.core.imports.schools import SCHOOL_COLUMNS
from opora.core.imports.tabular import HeaderMismatch, map_columns, open_sheet
from opora.core.models import ColumnMapping, School
from opora.jobs.models import Job, JobStatus
from opora.jobs.periodic import jobs_cleanup
from tests.conftest import Cast
from tests.core.imports_files import write_csv, write_xlsx

pytestmark = pytest.mark.django_db

RENAMED = ["Код ОО", "Наименование ОО", "Муниципальное образование", "Вид ОО", "Тип населённого пункта"]


def _district_file(path: Path, rows: list[list[Any]], *, titles: int = 2) -> Path:
    head: list[list[Any]] = [["Сведения об общеобразовательных организациях района"], ["на 01.09.2025"]][:titles]
    return write_xlsx(path, [*head, RENAMED, *rows])


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.IMPORT_UPLOAD_DIR


def _upload(client: Client, captured: Any, path: Path) -> Job:
    with captured(execute=True):
        response = client.post(reverse("import_schools"),
                               {"schools-file": SimpleUploadedFile(path.name, path.read_bytes())})
    assert response.status_code == 302
    return Job.objects.order_by("-created_at").first()  # type: ignore[return-value]


def test_title_rows_above_a_known_header_are_skipped(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", [["Список школ на 2025 год"], [],
                                          ["код", "наименование", "муниципалитет", "тип", "тип поселения"],
                                          ["9101", "Школа", "10-01", "СОШ", "город"]])
    with open_sheet(path, known=SCHOOL_COLUMNS) as sheet:
        columns = map_columns(sheet, SCHOOL_COLUMNS)
        rows = list(sheet.rows)
    assert sheet.header_row == 3 and columns.has("settlement")
    assert rows == [(4, ["9101", "Школа", "10-01", "СОШ", "город"])]


def test_a_renamed_header_is_a_mismatch_that_names_the_row(tmp_path: Path) -> None:
    path = _district_file(tmp_path / "d.xlsx", [["9101", "Школа", "10-01", "СОШ", "город"]])
    with open_sheet(path, known=SCHOOL_COLUMNS) as sheet, pytest.raises(HeaderMismatch) as caught:
        map_columns(sheet, SCHOOL_COLUMNS)
    assert caught.value.header_row == 3  # the widest row, not the title
    assert caught.value.header == RENAMED


def test_slightly_different_russian_headers_are_suggested() -> None:
    fields = [Field("code", "код", True), Field("name", "наименование", True, ("название",)),
              Field("settlement", "тип поселения", True)]
    header = ["Код", "Наименование ОО", "Тип  поселения:", "Примечание"]
    assert suggest(header, fields) == {0: "code", 1: "name", 2: "settlement"}
    assert suggest(["Код ученика", "1", "2", "Балл"], [Field("pupil", "код ученика", True)],
                   tasks="task_{n}") == {0: "pupil", 1: "task_1", 2: "task_2"}


def test_author_maps_the_columns_saves_the_mapping_and_the_next_file_loads_by_itself(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks: Any, _uploads: Path,
) -> None:
    client.force_login(cast.oleg)
    first = _upload(client, django_capture_on_commit_callbacks,
                    _district_file(tmp_path / "район.xlsx", [["9101", "Школа № 1", "10-01", "СОШ", "город"]]))
    assert first.status == JobStatus.FAILED and first.result["mapping"] is True
    assert len(list(_uploads.iterdir())) == 1  # kept for the mapping
    job_page = client.get(reverse("jobs:detail", args=[first.pk]))
    assert reverse("import_mapping", args=[first.pk]) in job_page.text

    page = client.get(reverse("import_mapping", args=[first.pk]))
    assert page.status_code == 200
    assert '<option value="3" selected>' in page.text  # the header row found below the title
    assert "Наименование ОО" in page.text and "Школа № 1" in page.text

    form = {"sheet": "", "header_row": "3", "column-0": "code", "column-1": "name",
            "column-2": "municipality", "column-3": "", "column-4": "settlement", "name": "Районная форма"}
    refused = client.post(reverse("import_mapping", args=[first.pk]), form)
    assert refused.status_code == 400
    assert "обязател" in refused.text.lower() and 'value="Районная форма"' in refused.text  # what was typed stays
    assert not School.objects.filter(code="9101").exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("import_mapping", args=[first.pk]), {**form, "column-3": "type"})
    second = Job.objects.order_by("-created_at").first()
    assert done.status_code == 302 and second is not None and second.pk != first.pk
    assert second.status == JobStatus.SUCCEEDED, second.errors
    assert School.objects.get(code="9101").name == "Школа № 1"
    assert list(_uploads.iterdir()) == []  # the mapped import removed the file
    assert client.get(reverse("import_mapping", args=[first.pk])).status_code == 404  # used once
    assert ColumnMapping.objects.get(kind="schools").name == "Районная форма"

    # One title row fewer and the columns in another order: the saved mapping still fits.
    reordered = tmp_path / "район-2.xlsx"
    write_xlsx(reordered, [["Сведения на 01.09.2026"], [RENAMED[1], RENAMED[0], *RENAMED[2:]],
                           ["Школа № 2", "9102", "10-01", "ООШ", "село"]])
    third = _upload(client, django_capture_on_commit_callbacks, reordered)
    assert third.status == JobStatus.SUCCEEDED, third.errors
    assert any("Районная форма" in line for line in third.result["summary"])
    assert School.objects.get(code="9102").settlement == "village"


def test_only_the_author_may_map_their_file(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(cast.oleg)
    job = _upload(client, django_capture_on_commit_callbacks,
                  _district_file(tmp_path / "d.xlsx", [["9101", "Школа", "10-01", "СОШ", "город"]]))
    client.force_login(cast.rita)
    assert client.get(reverse("import_mapping", args=[job.pk])).status_code == 404


def test_cli_loads_a_file_with_a_saved_mapping_by_name(cast: Cast, tmp_path: Path) -> None:
    ColumnMapping.objects.create(kind="schools", name="РЦОИ", layout={
        "sheet": "", "header_row": 3,
        "columns": {"код оо": "code", "наименование оо": "name", "муниципальное образование": "municipality",
                    "вид оо": "type", "тип населенного пункта": "settlement"}})
    path = _district_file(tmp_path / "d.xlsx", [["9103", "Школа № 3", "10-01", "лицей", "город"]])
    out = StringIO()
    call_command("import_schools", str(path), "--mapping", "РЦОИ", "--user", cast.oleg.username, stdout=out)
    assert School.objects.get(code="9103").type == "lyceum"
    with pytest.raises(CommandError, match="РЦОИ"):
        call_command("import_schools", str(path), "--mapping", "нет такого", "--user", cast.oleg.username)


def test_a_file_nobody_mapped_is_deleted_by_the_nightly_cleanup(
    client: Client, cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks: Any, _uploads: Path,
) -> None:
    client.force_login(cast.oleg)
    job = _upload(client, django_capture_on_commit_callbacks,
                  _district_file(tmp_path / "d.xlsx", [["9101", "Школа", "10-01", "СОШ", "город"]]))
    kept = next(_uploads.iterdir())
    assert "0" in jobs_cleanup().split(";")[1]  # fresh: kept
    week_ago = time.time() - 8 * 86400
    os.utime(kept, (week_ago, week_ago))
    assert "1" in jobs_cleanup().split(";")[1]
    assert not kept.exists()
    page = client.get(reverse("import_mapping", args=[job.pk]))
    assert page.status_code == 200 and "загрузите его снова" in page.text
