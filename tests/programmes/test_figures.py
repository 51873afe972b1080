"""Stored programme indicators: pages read them instead of computing, say when they were computed,
and show new figures after a refresh (by the button, or in the background when an input changes)."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from opora.core.models import User
from opora.core.signals import figures_inputs_changed
from opora.identification.models import OverrideAction
from opora.identification.services import override_set
from opora.jobs.models import Job, JobStatus
from opora.programmes.figures import FIGURES_JOB
from opora.programmes.models import KpiFigure
from opora.support.models import Partnership
from tests.conftest import Cast
from tests.programmes.builders import known_programme, signed_client

pytestmark = pytest.mark.django_db
TODAY = "2026-06-15 12:00"


def _partnership_2026(client: Client) -> str:
    html = client.get(reverse("programmes:detail", args=["r10-shnor"])).content.decode()
    row = re.search(r'<tr data-kpi="network_partnership">(.*?)</tr>', html, re.S)
    assert row
    cell = re.search(r'data-year="2026".*?<div class="fact">(.*?)</div>', row.group(1), re.S)
    assert cell
    return cell.group(1).replace(",", ".")


@time_machine.travel(TODAY, tick=False)
def test_the_page_shows_stored_figures_with_their_time_until_recomputed(
    cast: Cast, django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    programme = known_programme(cast)
    client = signed_client("alice")
    assert _partnership_2026(client) == "33.3%"  # 1 of 3 schools has a partner school in 2026
    assert KpiFigure.objects.filter(kpi__programme=programme, year=2026).count() == programme.kpis.count()
    html = client.get(reverse("programmes:detail", args=["r10-shnor"])).content.decode()
    assert "Показатели рассчитаны" in html and 'id="figures-refresh"' in html

    # A partnership written past Opora's services: the stored figure stays until recomputed.
    Partnership.objects.create(school=cast.s3, partner=cast.s1, starts_on=date(2026, 3, 1))
    assert _partnership_2026(client) == "33.3%"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programmes:refresh", args=["r10-shnor"]))
    job = Job.objects.get(kind=FIGURES_JOB)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.created_by == User.objects.get(username="alice")
    assert _partnership_2026(client) == "66.7%"


@time_machine.travel(TODAY, tick=False)
def test_only_who_manages_the_programme_may_recompute(cast: Cast) -> None:
    known_programme(cast)
    response = signed_client("sam").post(reverse("programmes:refresh", args=["r10-shnor"]))
    assert response.status_code in (403, 404)
    assert not Job.objects.filter(kind=FIGURES_JOB).exists()
    viewer = signed_client("vera").get(reverse("programmes:detail", args=["r10-shnor"]))
    assert viewer.status_code == 200 and "Показатели рассчитаны" in viewer.content.decode()
    assert 'id="figures-refresh"' not in viewer.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_change_of_the_list_recomputes_the_regions_programmes_in_the_background(
    cast: Cast, django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    known_programme(cast)
    client = signed_client("alice")
    assert _partnership_2026(client) == "33.3%"
    Partnership.objects.create(school=cast.s3, partner=cast.s1, starts_on=date(2026, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        override_set(actor=cast.alice, region=cast.r10, year=2026, school=cast.s3, action=OverrideAction.INCLUDE,
                     reason="решение комиссии")
    [job] = Job.objects.filter(kind=FIGURES_JOB)
    assert job.status == JobStatus.SUCCEEDED and job.params == {"region": cast.r10.pk}
    assert _partnership_2026(client) == "66.7%"
    # Another region's change leaves this region's programmes alone (nothing to recompute there).
    with django_capture_on_commit_callbacks(execute=True):
        figures_inputs_changed.send(sender=None, region_id=cast.r20.pk)
    assert Job.objects.filter(kind=FIGURES_JOB).count() == 1
