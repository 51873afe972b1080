"""Placeholder: replaced by the helper that owns this module."""

from django.http import Http404, HttpRequest, HttpResponse


def home(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def campaign_new(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def campaign_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def campaign_links(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def campaign_close(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def campaign_reopen(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def link_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def answers_import(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def answers_template(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404

