"""Unknown addresses under /api/ answer in the API's error shape, not with an HTML page."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router

router = Router(auth=None)


@router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise Http404
