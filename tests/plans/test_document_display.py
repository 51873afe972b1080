"""How a document's values read on its page: dates in Russian, the risk table with its headings."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from opora.plans.models import DocumentKind
from tests.conftest import Cast
from tests.plans.builders import complete_content, make_document


def test_target_dates_read_as_russian_dates_not_iso_text(cast: Cast) -> None:
    content = complete_content(DocumentKind.CONCEPT)
    content["indicators"][0]["target_date"] = "2026-12-25"
    document = make_document(cast.s1, DocumentKind.CONCEPT, content=content)
    client = Client()
    client.force_login(cast.kate)
    page = client.get(reverse("plans:document", args=[document.pk])).content.decode()
    assert "25 декабря 2026" in page
    assert "2026-12-25" not in page


def test_the_report_risk_table_has_russian_headings(cast: Cast) -> None:
    content = complete_content(DocumentKind.REPORT_YEAR)
    content["risks"] = [{"name": "Низкая учебная мотивация обучающихся", "entry": "высокий", "exit": "средний"}]
    document = make_document(cast.s1, DocumentKind.REPORT_YEAR, content=content)
    client = Client()
    client.force_login(cast.sam)
    page = client.get(reverse("plans:document", args=[document.pk])).content.decode()
    assert "На входе" in page and "На выходе" in page
    assert "<th>entry</th>" not in page
