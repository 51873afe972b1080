from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from opora.core.health import health_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For monitoring and load balancers: 200 when the server can work, 503 when it cannot."""
    healthy, body = health_report()
    return JsonResponse(body, status=200 if healthy else 503)
