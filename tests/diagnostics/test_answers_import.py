"""Importing questionnaire answers from a workbook: all or nothing, errors naming sheet, row,
column and reason, the template, the background job and undoing an import."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from opora.core.errors import AccessDenied, ValidationFailed
from opora.diagnostics.imports import answers_import, answers_template
from opora.diagnostics.models import CampaignStatus, ResponseSource, ResponseStatus, SurveyResponse
from opora.diagnostics.services.campaigns import answers_import_undo
from opora.jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def write(tmp_path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    path = tmp_path / "answers.xlsx"
    path.write_bytes(workbook(sheets))
    return path


GOOD = {
    "Учителя": [["Код школы", "T01", "T02", "T03"], ["1001", 1, 2, 3], ["1001", 4, 4, None], ["1002", 2, None, 1]],
    "Ученики": [["Код школы", "P01", "P02"], ["1002", 3, 3]],
}


def test_a_good_file_creates_submitted_imported_responses(cast, campaign, tmp_path):
    outcome = answers_import(actor=cast.maria, campaign=campaign, path=write(tmp_path, GOOD))
    assert outcome.ok and outcome.created == 4
    teachers = SurveyResponse.objects.filter(link__group="teacher").order_by("pk")
    assert [r.link.campaign_school.school.code for r in teachers] == ["1001", "1001", "1002"]
    assert teachers[1].answers == {"T01": 4, "T02": 4}  # a blank cell: not answered
    assert all(r.status == ResponseStatus.SUBMITTED and r.source == ResponseSource.IMPORT and r.seconds is None
               for r in SurveyResponse.objects.all())
    assert SurveyResponse.objects.get(link__group="pupil").answers == {"P01": 3, "P02": 3}


def errors_of(outcome) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(e) for e in outcome.errors]


@pytest.mark.parametrize(("sheets", "row", "column", "reason"), [
    ({"Учителя": [["Код школы", "T01"], ["1001", 2], ["1003", 2]]}, 3, "Учителя, Код школы", "1003"),
    ({"Учителя": [["Код школы", "T01"], ["1001", 2], ["1002", 7]]}, 3, "Учителя, T01", "7"),
    ({"Учителя": [["Код школы", "T01", "X99"], ["1001", 2, 1]]}, 1, "Учителя, X99", "X99"),
    ({"Учителя": [["Код школы", "T01"], ["1001", 2], ["1002", None]]}, 3, "Учителя", "нет ни одного ответа"),
    ({"Учителя": [["Код школы", "T01"], ["1001", "да"]]}, 2, "Учителя, T01", "да"),
])
def test_a_bad_file_changes_nothing_and_names_row_column_and_reason(cast, campaign, tmp_path, sheets, row, column,
                                                                     reason):
    outcome = answers_import(actor=cast.maria, campaign=campaign, path=write(tmp_path, {**GOOD, **sheets}))
    assert not outcome.ok and not SurveyResponse.objects.exists()
    (error,) = outcome.errors
    assert (error.row, error.column) == (row, column) and reason in error.message


def test_a_value_off_the_scale_names_the_allowed_values(cast, campaign, tmp_path):
    sheets = {"Учителя": [["Код школы", "T01"], ["1002", 7]]}
    (error,) = answers_import(actor=cast.maria, campaign=campaign, path=write(tmp_path, sheets)).errors
    assert "1, 2, 3, 4" in error.message


def test_an_unknown_sheet_is_reported(cast, campaign, tmp_path):
    outcome = answers_import(actor=cast.maria, campaign=campaign,
                             path=write(tmp_path, {**GOOD, "Выпускники": [["Код школы"], ["1001"]]}))
    assert not outcome.ok and "Выпускники" in errors_of(outcome)[0] and not SurveyResponse.objects.exists()


def test_a_closed_campaign_refuses_an_import(cast, campaign, tmp_path):
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    outcome = answers_import(actor=cast.maria, campaign=campaign, path=write(tmp_path, GOOD))
    assert "закрыто" in errors_of(outcome)[0] and not SurveyResponse.objects.exists()


@pytest.mark.parametrize("who", ["sam", "kate", "oleg", "olga"])
def test_only_managers_import(cast, campaign, tmp_path, who):
    with pytest.raises(AccessDenied):
        answers_import(actor=getattr(cast, who), campaign=campaign, path=write(tmp_path, GOOD))


def test_the_template_has_a_sheet_per_group_and_a_help_sheet(cast, campaign, definition, tmp_path):
    book = load_workbook(BytesIO(answers_template(campaign)))
    assert book.sheetnames == ["Руководитель", "Учителя", "Ученики", "Родители", "Справка"]
    header = [c.value for c in book["Учителя"][1]]
    assert header == ["Код школы", *[q.code for q in definition.questions_for("teacher")]]
    help_rows = [[c.value for c in row] for row in book["Справка"].iter_rows()]
    assert any(r[1] == "T01" and "1 — " in (r[3] or "") for r in help_rows)


def test_the_filled_in_template_imports(cast, campaign, tmp_path):
    book = load_workbook(BytesIO(answers_template(campaign)))
    book["Родители"].append(["1001", 1, 2, 3])
    path = tmp_path / "filled.xlsx"
    book.save(path)
    outcome = answers_import(actor=cast.maria, campaign=campaign, path=path)
    assert outcome.ok and SurveyResponse.objects.get().link.group == "parent"


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def upload(c: Client, campaign, content: bytes, capture):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return c.post(reverse("diagnostics:answers_import", args=[campaign.pk]),
                      {"answers-file": SimpleUploadedFile("ответы.xlsx", content)})


def test_the_page_runs_the_import_as_a_job_and_undo_deletes_its_answers(cast, campaign,
                                                                         django_capture_on_commit_callbacks):
    c = client_for(cast.maria)
    response = upload(c, campaign, workbook(GOOD), django_capture_on_commit_callbacks)
    job = Job.objects.get(kind="import_answers")
    assert response.status_code == 302 and f"job={job.pk}" in response["Location"]
    assert job.status == JobStatus.SUCCEEDED and SurveyResponse.objects.filter(import_job=job).count() == 4
    page = c.get(response["Location"]).content.decode()
    assert f'name="undo" value="{job.pk}"' in page
    c.post(reverse("diagnostics:answers_import", args=[campaign.pk]), {"undo": str(job.pk)})
    assert not SurveyResponse.objects.exists()
    job.refresh_from_db()
    assert job.result["undone"] is True
    assert f'name="undo" value="{job.pk}"' not in c.get(response["Location"]).content.decode()


def test_a_rejected_file_shows_its_errors_on_the_page(cast, campaign, django_capture_on_commit_callbacks):
    c = client_for(cast.maria)
    bad = workbook({"Учителя": [["Код школы", "T01"], ["1003", 2]]})
    response = upload(c, campaign, bad, django_capture_on_commit_callbacks)
    page = c.get(response["Location"]).content.decode()
    assert Job.objects.get().status == JobStatus.FAILED and "1003" in page and not SurveyResponse.objects.exists()


def test_undo_is_refused_once_the_campaign_is_closed(cast, campaign, tmp_path):
    job = Job.objects.create(kind="import_answers", title="t", created_by=cast.maria,
                             params={"campaign": campaign.pk})
    answers_import(actor=cast.maria, campaign=campaign, path=write(tmp_path, GOOD), job=job)
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    with pytest.raises(ValidationFailed, match="закрыто"):
        answers_import_undo(actor=cast.maria, campaign=campaign, job=job)
    assert SurveyResponse.objects.count() == 4


def test_a_head_may_not_open_the_import_page_or_the_template(cast, campaign):
    c = client_for(cast.sam)
    assert c.get(reverse("diagnostics:answers_import", args=[campaign.pk])).status_code == 403
    assert c.get(reverse("diagnostics:answers_template", args=[campaign.pk])).status_code == 403


def test_the_template_downloads_as_xlsx(cast, campaign):
    response = client_for(cast.maria).get(reverse("diagnostics:answers_template", args=[campaign.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert load_workbook(BytesIO(response.content)).sheetnames[0] == "Руководитель"


def test_a_csv_file_is_refused_on_the_page_before_any_job(cast, campaign):
    response = client_for(cast.maria).post(reverse("diagnostics:answers_import", args=[campaign.pk]),
                                           {"answers-file": SimpleUploadedFile("ответы.csv", b"a;b\n1;2\n")})
    assert response.status_code == 200 and ".xlsx" in response.content.decode() and not Job.objects.exists()


def test_an_import_into_a_closed_campaign_is_refused_on_the_page(cast, campaign, django_capture_on_commit_callbacks):
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    c = client_for(cast.maria)
    response = upload(c, campaign, workbook(GOOD), django_capture_on_commit_callbacks)
    assert response.status_code == 302 and not Job.objects.exists() and not SurveyResponse.objects.exists()
    assert "закрыто" in c.get(response["Location"]).content.decode()
