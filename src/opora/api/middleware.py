"""Error responses made outside the API's own handlers still answer in its one JSON shape.

ninja answers a method an address does not serve with a plain-text 405, and Django's own error
views (an oversized body, a failure in a middleware) answer in HTML; a program calling `/api/`
must get `{"detail", "code", "errors"}` for every status, the `Allow` header of a 405 kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def _body(request: HttpRequest, response: HttpResponseBase) -> dict[str, object]:
    status = response.status_code
    if status == 405:
        allowed = ", ".join(sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip()))
        detail = _("The method %(method)s is not allowed at this address; allowed: %(allowed)s.") % {
            "method": request.method, "allowed": allowed or "—"}
        return {"detail": detail, "code": "method_not_allowed", "errors": []}
    known = {
        400: ("bad_request", _("The request cannot be read.")),
        401: ("not_authenticated", _("Sign in or send a valid personal API token (Authorization: Bearer …).")),
        403: ("forbidden", _("You do not have permission to do this.")),
        404: ("not_found", _("Not found, or you do not have access to it.")),
        413: ("too_large", _("The request is too large.")),
        429: ("throttled", _("Too many requests. Please wait and try again.")),
    }
    code, detail = known.get(status, ("server_error", _("Internal error. It has been logged; please try again later."))
                             if status >= 500 else ("error", _("The request cannot be processed.")))
    return {"detail": detail, "code": code, "errors": []}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (not request.path.startswith(API_PREFIX) or response.status_code < 400
                or response.get("Content-Type", "").startswith("application/json")):
            return response
        shaped = HttpResponse(json.dumps(_body(request, response), ensure_ascii=False),
                              status=response.status_code, content_type="application/json; charset=utf-8")
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                shaped[header] = response[header]
        return shaped
