"""One JSON shape for every API error: `{"detail": …, "code": …, "errors": [...]}`.

`detail` is a Russian sentence for people, `code` a stable word for programs, `errors` the
field-level problems of a 422 (empty otherwise).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from opora.api.auth import CsrfFailed, InvalidToken
from opora.core.errors import AccessDenied, ValidationFailed

logger = logging.getLogger(__name__)


def _field_message(error: dict[str, Any]) -> str:
    """A Russian sentence for one pydantic error; its English text stays in `type`/`ctx`."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"float_parsing", "float_type", "decimal_parsing"}:
        return _("Enter a number.")
    if kind == "greater_than_equal":
        return _("The value must be at least %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("The value must be at most %(limit)s.") % {"limit": ctx.get("le")}
    if kind == "string_too_short":
        return _("This field cannot be blank.")
    if kind == "string_too_long":
        return _("The value must be at most %(limit)s characters.") % {
            "limit": ctx.get("max_length")
        }
    if kind in {"enum", "literal_error"}:
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        return _("Choose one of: %(choices)s.") % {"choices": expected}
    if kind in {"json_invalid", "model_attributes_type", "dict_type"}:
        return _("The request body is not valid JSON of the expected shape.")
    return _("Invalid value.")


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for error in errors:
        loc = list(error.get("loc", ()))
        # ninja puts the source first and, for a body, the parameter name second.
        name = loc[2:] if loc[:1] == ["body"] and len(loc) > 2 else loc[1:]
        out.append(
            {
                "field": ".".join(str(part) for part in name),
                "loc": loc,
                "message": _field_message(error),
                "type": error.get("type", ""),
            }
        )
    return out


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    body = {"detail": detail, "code": code, "errors": errors or []}
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="opora"'
    return response


def install(api: NinjaAPI) -> None:
    """Replace ninja's default exception handlers on `api` with the Opora shape.

    Handlers take `exc: Any`: ninja's stubs type each handler by its own exception class.
    """

    def not_authenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api, request, status=401, code="not_authenticated",
            detail=_("Sign in or send a valid personal API token (Authorization: Bearer …)."),
        )

    def invalid_token(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api, request, status=401, code="not_authenticated",
            detail=_("The API token is invalid or has been revoked."),
        )

    def csrf_failed(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api, request, status=403, code="forbidden",
            detail=_("CSRF check failed. Reload the page or use a personal API token."),
        )

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api, request, status=403, code="forbidden",
            detail=_("You do not have permission to do this."),
        )

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api, request, status=404, code="not_found",
            detail=_("Not found, or you do not have access to it."),
        )

    def invalid_request(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api, request, status=422, code="validation_error",
            detail=_("The request has invalid parameters."), errors=_field_errors(exc.errors),
        )

    def rule_broken(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api, request, status=422, code="validation_error", detail=" ".join(exc.messages),
            errors=[{"field": "", "loc": [], "message": m, "type": "rule"} for m in exc.messages],
        )

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        by_status = {401: not_authenticated, 403: forbidden, 404: not_found}
        if exc.status_code in by_status:
            return by_status[exc.status_code](request, exc)
        if exc.status_code == 400:
            # ninja's only 400: a body that is not JSON.
            return error_response(
                api, request, status=400, code="bad_request",
                detail=_("The request body is not valid JSON."),
            )
        if exc.status_code == 429:
            return error_response(
                api, request, status=429, code="throttled",
                detail=_("Too many requests. Please wait and try again."),
            )
        return error_response(
            api, request, status=exc.status_code, code="error",
            detail=_("The request cannot be processed."),
        )

    def too_large(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api, request, status=413, code="too_large", detail=_("The request is too large."),
        )

    def server_error(request: HttpRequest, exc: Any) -> HttpResponse:
        # The traceback goes to the log, never to the caller.
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return error_response(
            api, request, status=500, code="server_error",
            detail=_("Internal error. It has been logged; please try again later."),
        )

    api.add_exception_handler(AuthenticationError, not_authenticated)
    api.add_exception_handler(InvalidToken, invalid_token)
    api.add_exception_handler(CsrfFailed, csrf_failed)
    api.add_exception_handler(AccessDenied, forbidden)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, invalid_request)
    api.add_exception_handler(ValidationFailed, rule_broken)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(RequestDataTooBig, too_large)
    api.add_exception_handler(Exception, server_error)
