"""Placeholder: replaced by the helper that owns this module."""

from django.http import Http404, HttpRequest, HttpResponse


def inbox(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def mark_read(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def mark_all_read(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404

