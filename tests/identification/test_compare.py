"""Recompute a past run and compare: same version and parameters on today's data; the page says
whether the data changed and which schools one run proposes and the other does not."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opora.identification.models import Run, RunSchool, RunStatus
from tests.identification.builders import LOW, Built
from tests.identification.test_pages import client_for, html

pytestmark = pytest.mark.django_db


def test_recompute_gives_the_same_list_on_the_same_data(
    federal_run: Run, built: Built, django_capture_on_commit_callbacks: Any
) -> None:
    c = client_for(built.cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/identification/runs/{federal_run.pk}/recompute/")
    again = Run.objects.exclude(pk=federal_run.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/identification/runs/{again.pk}/compare/{federal_run.pk}/"
    assert again.status == RunStatus.DONE and again.version == federal_run.version
    assert again.params == federal_run.params
    page = c.get(response["Location"])
    assert page.context["same_data"] and page.context["same_params"]
    assert page.context["come_in"] == [] and page.context["go_out"] == [] and page.context["stay"] >= 1


def test_compare_names_the_schools_only_one_run_proposes(federal_run: Run, built: Built) -> None:
    other = Run.objects.create(region=federal_run.region, year=federal_run.year, rule_set=federal_run.rule_set,
                               version=federal_run.version, params=federal_run.params, status=RunStatus.DONE,
                               inputs={"fingerprint": "something else"})
    for row in RunSchool.objects.filter(run=federal_run):
        row.pk, row.run, row.included = None, other, False
        row.save()
    page = client_for(built.cast.alice).get(f"/identification/runs/{federal_run.pk}/compare/{other.pk}/")
    assert [e["row"].school.code for e in page.context["come_in"]] == [LOW]
    assert not page.context["same_data"] and "изменились" in html(page)


def test_only_analysts_may_recompute(federal_run: Run, built: Built) -> None:
    for user in (built.cast.maria, built.cast.kate, built.cast.zoe):
        status = client_for(user).post(f"/identification/runs/{federal_run.pk}/recompute/").status_code
        assert status in (403, 404)
    assert Run.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(federal_run: Run) -> None:
    other = Run.objects.create(region=federal_run.region, year=federal_run.year, rule_set=federal_run.rule_set,
                               version=federal_run.version, params=federal_run.params, status=RunStatus.DONE)
    anonymous = Client()
    compare = f"/identification/runs/{federal_run.pk}/compare/{other.pk}/"
    recompute = f"/identification/runs/{federal_run.pk}/recompute/"
    for response, path in ((anonymous.get(compare), compare), (anonymous.post(recompute), recompute)):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={path}"
    assert Run.objects.count() == 2
