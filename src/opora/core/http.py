"""Request types for views: what the middleware and decorators guarantee, said to the type checker.

`HtmxRequest` has passed django-htmx's middleware (every request does, see settings.MIDDLEWARE);
`UserRequest` is also a signed-in user's, as behind `login_required`.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from opora.core.models import User


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class UserRequest(HtmxRequest):
    user: User  # narrower than HttpRequest's: login_required let only a signed-in user in


def signed_in(request: HttpRequest) -> UserRequest | None:
    """The request as a signed-in user's, or None for an anonymous one (for pages open to both)."""
    return cast(UserRequest, request) if request.user.is_authenticated else None
