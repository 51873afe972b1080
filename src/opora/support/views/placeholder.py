"""A page not built yet (replaced by each area's views)."""

from django.http import Http404, HttpRequest, HttpResponse


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
