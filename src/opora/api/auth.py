"""Who is calling the API: a personal token (`Authorization: Bearer …`) or the browser session.

The token is tried first, so a script never trips over the session's CSRF check; a request
that presents a token which does not work is refused outright rather than falling back to a
session, so a mistake in a script is noticed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from opora.api.services import token_hash
from opora.core.models import ApiToken, User

# Writing `last_used_at` on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class InvalidToken(Exception):
    """A token was presented but does not open the API (unknown, revoked, inactive user)."""


class CsrfFailed(Exception):
    """A session request that changes data came without a valid CSRF token."""


def user_for_token(raw: str) -> User | None:
    """The active user owning this raw token; marks the token as used."""
    if not raw:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = user_for_token(token.strip())
        if user is None:
            raise InvalidToken
        # Selectors and `access` read `request.user`, as on the pages.
        request.user = user
        return user


class SessionAuth(AuthBase):
    """Django's session; CSRF is checked for methods that change data."""

    openapi_type = "apiKey"
    openapi_in = "cookie"
    csrf = True  # read by ninja's docs page, which then sends the CSRF token itself

    def __init__(self) -> None:
        self.openapi_name = settings.SESSION_COOKIE_NAME
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        user: User | AnonymousUser = request.user
        if not user.is_authenticated or not user.is_active:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed
        return user


def caller(request: HttpRequest) -> User:
    """The authenticated user of an API request (both auth classes put it on `request.auth`)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise TypeError("caller() used on an endpoint without authentication")
    return user


token_auth = TokenAuth()
session_auth = SessionAuth()
