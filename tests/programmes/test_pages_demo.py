"""The demo's municipal programme (seed 002): mun.coord's municipality, the latest year's list and the
curated schools, the four indicators with their targets plus exits and measures on time."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from opora.core.models import Role, RoleAssignment
from opora.demo.programmes import programmes_demo_load
from opora.programmes.models import KpiTarget, Programme
from opora.support.models import Curatorship
from tests.conftest import Cast, make_user
from tests.programmes.builders import year_list

pytestmark = pytest.mark.django_db


def test_the_demo_programme_follows_seed_002_and_opens(cast: Cast) -> None:
    coordinator = make_user("mun.coord", "Демо Координатор")
    RoleAssignment.objects.create(user=coordinator, role=Role.MUNICIPAL_COORDINATOR, municipality=cast.m1)
    year_list(cast, 2024, cast.s2)
    year_list(cast, 2025, cast.s1, cast.s3)
    Curatorship.objects.create(school=cast.s2, curator=cast.kate, starts_on=date(2025, 9, 1))
    assert programmes_demo_load(seed=1) == {"programmes": 1, "programme_schools": 2}
    assert programmes_demo_load(seed=1) == {}  # once
    programme = Programme.objects.get()
    assert (programme.municipality, programme.start_year, programme.end_year) == (cast.m1, 2025, 2027)
    # The 2025 list in M1 (s1; s3 is in M2) and the curated s2.
    assert set(programme.schools.all()) == {cast.s1, cast.s2}
    assert programme.is_public
    targets = {(t.kpi.code, t.year): float(t.value) for t in KpiTarget.objects.filter(kpi__programme=programme)}
    assert [targets[("positive_dynamics", y)] for y in (2025, 2026, 2027)] == [60, 70, 80]
    assert [targets[("teachers_diagnosed", y)] for y in (2025, 2026, 2027)] == [70, 75, 80]
    assert targets[("methodological_coverage", 2027)] == 100
    assert [targets[("network_partnership", y)] for y in (2025, 2026, 2027)] == [20, 25, 30]
    assert ("list_exit", 2026) in targets and ("measures_on_time", 2027) in targets
    client = Client()
    client.force_login(coordinator)
    assert client.get(reverse("programmes:detail", args=[programme.code])).status_code == 200
