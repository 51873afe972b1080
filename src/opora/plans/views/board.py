"""Placeholder: replaced by the helper that owns this module."""

from django.http import Http404, HttpRequest, HttpResponse


def workspace(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def board(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404

