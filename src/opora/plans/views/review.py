"""Placeholder: replaced by the helper that owns this module."""

from django.http import Http404, HttpRequest, HttpResponse


def document_submit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def document_return(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def document_approve(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def comment_add(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def comment_resolve(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def revision_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def revision_diff(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404

