"""Reads for the API: the user's own tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from opora.core.models import ApiToken, User


def token_list(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def token_get(user: User, *, token_id: int) -> ApiToken | None:
    return ApiToken.objects.filter(user=user, pk=token_id).first()
