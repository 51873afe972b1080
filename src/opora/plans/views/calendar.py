"""Placeholder: replaced by the helper that owns this module."""

from django.http import Http404, HttpRequest, HttpResponse


def calendar(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404

