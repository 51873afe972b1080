"""Placeholder: replaced by the helper that owns this module."""

from django.http import Http404, HttpRequest, HttpResponse


def instrument_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def instrument_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def instrument_xlsx(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def instrument_upload(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404

