"""Placeholder: replaced by the helper that owns this module."""

from django.http import Http404, HttpRequest, HttpResponse


def document_export(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def attachment_upload(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def attachment_download(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def attachment_delete(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404

