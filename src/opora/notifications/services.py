"""Telling people that something happened: an in-app notification for each recipient and, for
those with an address, an e-mail (Django's mail backend; the console in the demo).

`key` de-duplicates: a user never gets two notifications with the same key, so the daily reminder
can run again without repeating itself. Mail failures are logged, never raised: the event that
caused the notification has already happened and must not fail because a mail server is down.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from opora.core.models import User
from opora.notifications.models import Notification

log = logging.getLogger(__name__)


def absolute_url(url: str) -> str:
    """The link for an e-mail: OPORA_BASE_URL in front of a relative url when the setting is there."""
    base = getattr(settings, "OPORA_BASE_URL", "") or ""
    if not url or not base or "://" in url:
        return url
    return base.rstrip("/") + "/" + url.lstrip("/")


def _create(user: User, *, verb: str, subject: str, body: str, url: str, key: str,
            target: tuple[str, int] | None) -> Notification | None:
    try:
        with transaction.atomic():  # a concurrent run that made the same key first wins quietly
            return Notification.objects.create(
                user=user, verb=verb[:32], subject=subject[:300], body=body, url=url[:500], key=key[:200],
                target_type=target[0] if target else "", target_id=target[1] if target else None)
    except IntegrityError:
        return None


def _email(notification: Notification) -> None:
    user = notification.user
    if not user.email:
        return
    text = render_to_string("notifications/email.txt", {
        "notification": notification, "user": user, "link": absolute_url(notification.url)})
    try:
        send_mail(notification.subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception:  # noqa: BLE001 — any backend error: log it, the in-app notification stays
        log.exception("notification %s: e-mail to user %s failed", notification.pk, user.pk)
        return
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def notify(*, users: Iterable[User], verb: str, subject: str, body: str = "", url: str = "", key: str = "",
           email: bool = True, target: tuple[str, int] | None = None) -> int:
    """Notify each active user once (per `key`, when given); returns how many notifications were made."""
    recipients = list({u.pk: u for u in users if u.is_active}.values())
    if key:
        done = set(Notification.objects.filter(user__in=recipients, key=key).values_list("user_id", flat=True))
        recipients = [u for u in recipients if u.pk not in done]
    made = [n for u in recipients
            if (n := _create(u, verb=verb, subject=subject, body=body, url=url, key=key, target=target))]
    if email:
        for notification in made:
            _email(notification)
    return len(made)


def mark_read(*, user: User, pk: int) -> bool:
    return bool(Notification.objects.filter(user=user, pk=pk, read_at__isnull=True).update(read_at=timezone.now()))


def mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
