"""In the real browser: a school head sees the overdue decision on the start page, reports the
school's part with evidence (text and a PDF); the decision is done and the coordinator sees it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from opora.support.models import DecisionStatus
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import Cast
from tests.support.meetings_builders import make_decision, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_head_closes_the_overdue_decision_with_evidence(page, live_server, cast: Cast, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                        settings) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    meeting = make_meeting(cast, held_on=today - timedelta(days=40), title="Совещание руководителей ОО")
    decision = make_decision(meeting, "Разработать антирисковую программу школы",
                             due_on=today - timedelta(days=3), schools=[cast.s1], owners_text="руководители ОО")
    pdf = tmp_path / "Приказ.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    base = live_server.url

    sign_in(page, base, "sam")
    page.goto(f"{base}/")
    block = page.locator("#decisions-due")
    block.get_by_text("Разработать антирисковую программу школы").wait_for()
    assert "просрочено" in block.inner_text()
    block.get_by_role("link", name="Разработать антирисковую программу школы").click()
    page.get_by_label("Что сделано").fill("Программа утверждена приказом директора № 15 от 20.02.")
    page.get_by_label("файл (PDF, DOCX, XLSX, PNG, JPEG)").set_input_files(str(pdf))
    page.get_by_role("button", name="Выполнено: закрыть мою часть").click()
    page.get_by_text("Ваша часть решения отмечена выполненной.").wait_for()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE

    page.context.clear_cookies()
    sign_in(page, base, "maria")
    page.goto(f"{base}/meetings/decisions/?school={cast.s1.code}")
    row = page.locator(f"tr[data-decision='{decision.pk}']")
    assert "выполнено" in row.inner_text().lower()
    page.goto(f"{base}/")
    assert page.locator("#decisions-due").count() == 0
