"""Page-wide handling of a service's refusal.

Views call services that raise `AccessDenied`; a view that does not turn it into something of its
own (a 404 where even the existence of a record must stay hidden) gets the project's 403 page
here, never a 500. The API has its own handlers (`api/errors.py`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from opora.core.errors import AccessDenied


class AccessDeniedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        if isinstance(exception, AccessDenied):
            return response_for_exception(request, PermissionDenied(str(exception)))
        return None
