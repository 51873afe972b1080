"""Ordering, following and downloading reports; who may order what and who sees which report."""

from __future__ import annotations

import io
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from opora.core.models import User
from opora.jobs.models import JobStatus
from opora.reports.models import Report
from tests.conftest import Cast
from tests.reports.builders import known_territory

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel("2026-05-15 10:00 +0300", tick=False):
        yield


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def order(user: User, scope: str, capture: Any, fmt: str = "docx") -> Any:
    with capture(execute=True):
        return client_for(user).post("/reports/", {"scope": scope, "year": "2026", "format": fmt})


def test_a_municipal_coordinator_orders_a_report_and_downloads_it(
        cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    known_territory(cast)
    response = order(cast.maria, "municipality:10-01", django_capture_on_commit_callbacks)
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.job.status == JobStatus.SUCCEEDED and report.job.percent == 100
    page = client_for(cast.maria).get(f"/reports/{report.pk}/")
    assert f"/reports/{report.pk}/download/" in page.content.decode()
    download = client_for(cast.maria).get(f"/reports/{report.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="spravka-municipality-10-01-2026.docx"')
    document = Document(io.BytesIO(b"".join(download.streaming_content)))
    assert any(p.style.name == "Heading 1" for p in document.paragraphs)


def test_the_progress_fragment_is_served_to_htmx(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    order(cast.alice, "region:10", django_capture_on_commit_callbacks, fmt="pdf")
    report = Report.objects.get()
    fragment = client_for(cast.alice).get(f"/reports/{report.pk}/", HTTP_HX_REQUEST="true")
    assert 'id="report-state"' in fragment.content.decode()
    assert 'data-status="succeeded"' in fragment.content.decode()
    assert report.file.name.endswith(".pdf")


def test_a_municipal_coordinator_cannot_order_another_municipality(
        cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    response = order(cast.maria, "municipality:10-02", django_capture_on_commit_callbacks)
    assert response.status_code == 200  # the choice is not offered: a form error, nothing stored
    assert 'value="municipality:10-02"' not in response.content.decode()
    assert not Report.objects.exists()


def test_a_school_head_may_order_only_the_own_school(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    page = client_for(cast.sam).get("/reports/").content.decode()
    assert "school:1001" in page
    assert "school:1002" not in page and "municipality:10-01" not in page
    order(cast.sam, "school:1002", django_capture_on_commit_callbacks)
    order(cast.sam, "municipality:10-01", django_capture_on_commit_callbacks)
    assert not Report.objects.exists()
    order(cast.sam, "school:1001", django_capture_on_commit_callbacks)
    assert Report.objects.get().school == cast.s1


def test_the_service_refuses_a_territory_the_user_does_not_see_whole(cast: Cast) -> None:
    from opora.core.errors import AccessDenied
    from opora.reports.data import scope_parse
    from opora.reports.services import report_order

    with pytest.raises(AccessDenied):
        report_order(actor=cast.maria, scope=scope_parse("municipality:10-02"), year=2026, fmt="docx")
    with pytest.raises(AccessDenied):
        report_order(actor=cast.sam, scope=scope_parse("school:1002"), year=2026, fmt="docx")
    with pytest.raises(AccessDenied):
        report_order(actor=cast.kate, scope=scope_parse("municipality:10-01"), year=2026, fmt="docx")
    with pytest.raises(AccessDenied):
        report_order(actor=cast.zoe, scope=scope_parse("region:10"), year=2026, fmt="docx")


def test_others_see_a_report_only_when_they_see_its_territory(
        cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    order(cast.maria, "municipality:10-01", django_capture_on_commit_callbacks)
    report = Report.objects.get()
    for user in (cast.alice, cast.oleg):
        assert client_for(user).get(f"/reports/{report.pk}/download/").status_code == 200
    for user in (cast.olga, cast.vera, cast.zoe, cast.nobody):
        assert client_for(user).get(f"/reports/{report.pk}/").status_code == 404
        assert client_for(user).get(f"/reports/{report.pk}/download/").status_code == 404
        assert "Озёрский округ" not in client_for(user).get("/reports/").content.decode()


def test_the_list_and_its_xlsx(cast: Cast, django_capture_on_commit_callbacks: Any,
                               django_assert_max_num_queries: Any) -> None:
    for scope in ("municipality:10-01", "school:1001", "school:1002"):
        order(cast.maria, scope, django_capture_on_commit_callbacks)
    client = client_for(cast.maria)
    with django_assert_max_num_queries(12):
        page = client.get("/reports/")
    assert page.content.decode().count("/download/") == 3
    sheet = load_workbook(io.BytesIO(client.get("/reports/export.xlsx").content)).active
    assert sheet.max_row == 4
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "Озёрский округ", "МБОУ СОШ № 1 г. Озёрска", "МКОУ Заречная ООШ"}


def test_a_bad_year_keeps_the_form_with_an_error(cast: Cast) -> None:
    response = client_for(cast.maria).post("/reports/", {"scope": "municipality:10-01", "year": "1900",
                                                         "format": "docx"})
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert 'value="1900"' in response.content.decode()


def test_anonymous_users_are_sent_to_sign_in() -> None:
    assert Client().get("/reports/").status_code == 302


# --- the command --------------------------------------------------------------------------------


def test_the_command_writes_the_file(cast: Cast, tmp_path: Any) -> None:
    known_territory(cast)
    out = tmp_path / "spravka.docx"
    call_command("report", "--year", "2026", "--scope", "municipality:10-01", "--format", "docx", "--out", str(out),
                 stdout=io.StringIO())
    assert Document(str(out)).paragraphs[0].text
    pdf = tmp_path / "spravka.pdf"
    call_command("report", "--year", "2026", "--scope", "school:1001", "--format", "pdf", "--out", str(pdf),
                 stdout=io.StringIO())
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("args", [
    ["--scope", "municipality:nowhere", "--format", "docx"],
    ["--scope", "county:10-01", "--format", "docx"],
    ["--scope", "municipality:10-01", "--format", "odt"],
])
def test_the_command_explains_a_bad_scope_or_format(cast: Cast, tmp_path: Any, args: list[str]) -> None:
    with pytest.raises(CommandError):
        call_command("report", "--year", "2026", *args, "--out", str(tmp_path / "x"), stdout=io.StringIO())
    assert not (tmp_path / "x").exists()
