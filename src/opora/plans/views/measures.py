"""Placeholder: replaced by the helper that owns this module."""

from django.http import Http404, HttpRequest, HttpResponse


def measure_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def measures_pull(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def measure_new(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def measure_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def measure_report(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def measure_delete(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404

