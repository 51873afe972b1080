"""The inbox: one's own notifications only, newest first, unread ones marked; the badge counts them."""

from __future__ import annotations

import pytest
from django.test import Client

from opora.core.models import User
from opora.notifications.models import Notification
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def note(user: User, subject: str, url: str = "") -> Notification:
    return Notification.objects.create(user=user, verb="approved", subject=subject, url=url)


def test_the_inbox_shows_only_ones_own_notifications_newest_first(cast: Cast) -> None:
    note(cast.sam, "Первое для Сэма")
    note(cast.sam, "Второе для Сэма")
    note(cast.kate, "Для Кати")
    page = client_for(cast.sam).get("/notifications/").content.decode()
    assert page.index("Второе для Сэма") < page.index("Первое для Сэма")
    assert "Для Кати" not in page
    assert "<strong>Второе для Сэма</strong>" in page


def test_the_top_bar_counts_unread_notifications(cast: Cast) -> None:
    note(cast.sam, "Первое")
    note(cast.sam, "Второе")
    page = client_for(cast.sam).get("/notifications/").content.decode()
    assert 'Уведомления <span class="badge">2</span>' in page
    assert '<span class="badge">' not in client_for(cast.kate).get("/notifications/").content.decode()


def test_marking_one_read_leaves_it_in_the_list_not_bold(cast: Cast) -> None:
    first = note(cast.sam, "Первое")
    note(cast.sam, "Второе")
    client = client_for(cast.sam)
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302
    page = client.get("/notifications/").content.decode()
    assert "<strong>Первое</strong>" not in page and "Первое" in page
    assert 'Уведомления <span class="badge">1</span>' in page


def test_opening_a_notification_marks_it_read_and_leads_to_its_page(cast: Cast) -> None:
    first = note(cast.sam, "Первое", url="/plans/documents/5/")
    response = client_for(cast.sam).post(f"/notifications/{first.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/plans/documents/5/"
    first.refresh_from_db()
    assert first.read_at is not None


def test_nobody_marks_someone_elses_notification(cast: Cast) -> None:
    theirs = note(cast.kate, "Для Кати")
    assert client_for(cast.sam).post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_ones_own(cast: Cast) -> None:
    note(cast.sam, "Первое")
    note(cast.sam, "Второе")
    note(cast.kate, "Для Кати")
    client_for(cast.sam).post("/notifications/read-all/")
    assert not Notification.objects.filter(user=cast.sam, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=cast.kate, read_at__isnull=True).count() == 1


def test_the_inbox_is_paginated(cast: Cast, settings: object) -> None:
    settings.OPORA_PAGE_SIZE = 2  # type: ignore[attr-defined]
    for n in range(5):
        note(cast.sam, f"Номер {n}")
    page = client_for(cast.sam).get("/notifications/", {"page": 3}).content.decode()
    assert "Номер 0" in page and "Номер 4" not in page
    assert "страница 3 из 3" in page


def test_signed_out_visitors_are_sent_to_sign_in(cast: Cast) -> None:
    assert Client().get("/notifications/").status_code == 302
