"""Placeholder: replaced by the helper that owns this module."""

from django.http import Http404, HttpRequest, HttpResponse


def compute_start(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def compute_progress(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def profile_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def profile_confirm(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def factor_level(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def factors_select(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def school_profiles(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404

