"""`notify`: one notification per person and key, e-mail to those with an address, and a mail
server failure never breaks the action that caused the notification."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from opora.notifications.models import Notification
from opora.notifications.services import notify
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_a_key_is_notified_once_per_person(cast: Cast) -> None:
    assert notify(users=[cast.sam], verb="due_soon", subject="Срок", key="due_soon:1") == 1
    assert notify(users=[cast.sam, cast.kate], verb="due_soon", subject="Срок", key="due_soon:1") == 1
    assert Notification.objects.filter(user=cast.sam).count() == 1
    assert [m.to for m in mail.outbox] == [["sam@example.org"], ["kate@example.org"]]


def test_people_without_an_address_get_only_the_in_app_notification(cast: Cast) -> None:
    cast.sam.email = ""
    cast.sam.save()
    assert notify(users=[cast.sam], verb="approved", subject="Утверждено") == 1
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None


def test_a_failing_mail_server_is_logged_not_raised(cast: Cast, settings: Any,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    assert notify(users=[cast.sam], verb="approved", subject="Утверждено") == 1
    assert Notification.objects.get().emailed_at is None
    assert "e-mail to user" in caplog.text


def test_the_letter_links_to_the_site_when_its_address_is_known(cast: Cast, settings: Any) -> None:
    notify(users=[cast.sam], verb="approved", subject="Утверждено", url="/plans/documents/7/")
    settings.OPORA_BASE_URL = "https://opora.example.ru/"
    notify(users=[cast.kate], verb="approved", subject="Утверждено", url="/plans/documents/7/")
    assert "Открыть: /plans/documents/7/" in mail.outbox[0].body
    assert "Открыть: https://opora.example.ru/plans/documents/7/" in mail.outbox[1].body
    assert mail.outbox[1].body.startswith("Здравствуйте, ")


def test_inactive_users_are_not_notified(cast: Cast) -> None:
    cast.sam.is_active = False
    cast.sam.save()
    assert notify(users=[cast.sam], verb="approved", subject="Утверждено") == 0
