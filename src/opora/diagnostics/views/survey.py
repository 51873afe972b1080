"""Placeholder: replaced by the helper that owns this module."""

from django.http import Http404, HttpRequest, HttpResponse


def survey_start(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def survey_screen(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def survey_done(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def my_surveys(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
