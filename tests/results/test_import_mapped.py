"""Pupil results from a file shaped like a processing centre's: a title above the header, Russian
column names of its own and tasks numbered «1», «2»; read with a column mapping, through the same
bulk reader and checks as a file in Opora's own layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.core.imports.tabular import Layout
from opora.jobs.models import Job, JobStatus
from opora.results.imports.results import results_import
from opora.results.models import Scale
from tests.conftest import Cast
from tests.core.imports_files import write_csv, write_xlsx
from tests.results.test_import_results import messages, stored

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.results.results_files"]

HEADER = ["Процедура", "Год", "Код ОО", "Предмет", "Класс (параллель)", "Код участника", "1", "2", "Сумма баллов"]
ROWS = [["ВПР", 2025, "1001", "Математика", 5, "p1", 3, 3, 6],
        ["ВПР", 2025, "1001", "Математика", 5, "p2", 6, 6, 12]]
LAYOUT = Layout("", 3, {"процедура": "procedure", "год": "year", "код оо": "school_code", "предмет": "subject",
                        "класс (параллель)": "grade", "код участника": "pupil", "1": "task_1", "2": "task_2",
                        "сумма баллов": "primary_score"})
EXPECTED = [("1001", "math", "p1", 6.0, 2, None, [3.0, 3.0]), ("1001", "math", "p2", 12.0, 4, None, [6.0, 6.0])]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_mapped_file_with_a_title_loads_like_an_own_one(
    cast: Cast, vpr_math: Scale, tmp_path: Path, suffix: str
) -> None:
    rows = [["Результаты ВПР, муниципальный отчёт"], ["Озёрский округ"], HEADER, *ROWS]
    path = (write_csv if suffix == ".csv" else write_xlsx)(tmp_path / f"r{suffix}", rows)
    unmapped = results_import(actor=cast.alice, path=path)
    assert not unmapped.ok and unmapped.mismatch is not None and unmapped.mismatch.header_row == 3
    outcome = results_import(actor=cast.alice, path=path, layout=LAYOUT)
    assert outcome.ok, messages(outcome)
    assert stored() == EXPECTED


def test_a_mapped_file_keeps_every_row_check(cast: Cast, vpr_math: Scale, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [["Отчёт"], [], HEADER, ROWS[0], [*ROWS[1][:6], 11, 6, 17]])
    outcome = results_import(actor=cast.alice, path=path, layout=LAYOUT)
    assert not outcome.ok and stored() == []
    assert messages(outcome) == ["строка 5, столбец «1»: Балл 11 выше максимального за задание 10."]


def test_the_mapping_page_takes_one_value_for_the_whole_file(
    client: Any, cast: Cast, vpr_math: Scale, tmp_path: Path, django_capture_on_commit_callbacks: Any,
) -> None:
    """A class list of one work: no procedure, year, subject or grade columns; the page takes them once."""
    path = write_xlsx(tmp_path / "5а.xlsx", [["Код ОО", "Код участника", "1", "2", "Сумма"],
                                              ["1001", "p1", 3, 3, 6], ["1001", "p2", 6, 6, 12]])
    client.force_login(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_results"), {"results-file": SimpleUploadedFile(path.name, path.read_bytes())})
    job = Job.objects.get(kind="import_results")
    assert job.status == JobStatus.FAILED and job.result["mapping"]
    url = reverse("import_mapping", args=[job.pk])
    page = client.get(url)
    assert 'name="value-subject"' in page.text
    form = {"header_row": "1", "column-0": "school_code", "column-1": "pupil", "column-2": "task_1",
            "column-3": "task_2", "column-4": "primary_score", "value-procedure": "ВПР", "value-year": "2025",
            "value-subject": "Математика"}
    refused = client.post(url, form)
    assert refused.status_code == 400 and "параллель" in refused.text and 'value="Математика"' in refused.text
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**form, "value-grade": "5"}).status_code == 302
    assert Job.objects.filter(kind="import_results", status=JobStatus.SUCCEEDED).exists()
    assert stored() == EXPECTED
