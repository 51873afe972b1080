"""A user's own notifications: nobody reads anyone else's."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from opora.core.models import User
from opora.notifications.models import Notification


def notifications_for(user: User | AnonymousUser) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_count(user: User | AnonymousUser) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()
