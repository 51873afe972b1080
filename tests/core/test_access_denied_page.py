"""A service's AccessDenied that a view does not catch is the project's 403 page, not a 500."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

from opora.core.models import Region, User
from opora.programmes.services import programme_create
from tests.conftest import Cast


def create_programme(request: HttpRequest) -> HttpResponse:
    """A view that calls a service and leaves its refusal alone."""
    assert isinstance(request.user, User)
    programme_create(actor=request.user, region=Region.objects.get(code="10"), municipality=None,
                     code="x", title="X", start_year=2026, end_year=2027)
    return HttpResponse("created")


urlpatterns = [path("create/", create_programme), path("", include("opora.urls"))]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_refused_service_call_shows_the_russian_403_page(cast: Cast) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(cast.tom)  # a teacher may not create a regional programme
    response = client.get("/create/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Доступ запрещён" in html
    assert "Traceback" not in html and "AccessDenied" not in html
