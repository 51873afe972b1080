"""Placeholder: replaced by the helper that owns this module."""

from django.http import Http404, HttpRequest, HttpResponse


def school_year(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def document_new(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def document_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def document_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def document_check(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404

