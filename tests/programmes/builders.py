"""A regional programme 2025–2027 over the approved list of 2025 (s1, s2 of m1; s3 of m2), with data
whose indicators can be worked out by hand (see `known_programme`)."""

from __future__ import annotations

from datetime import date

from django.test import Client

from opora.core.models import User
from opora.identification.models import ListEntry, RuleSet, Run, RunSchool, RunStatus, YearList
from opora.programmes.models import Programme
from opora.programmes.services import programme_create
from opora.staff.models import DeficitDiagnostic, DevelopmentPlan, PlanItem
from opora.support.models import Curatorship, Partnership, Visit
from tests.conftest import Cast
from tests.staff.builders import make_staff


def year_list(cast: Cast, year: int, *schools, dynamics: dict | None = None) -> Run:
    """The region 10 list of `year` over a finished run; `dynamics`: school → dynamics of its run row."""
    run = Run.objects.create(region=cast.r10, year=year, rule_set=RuleSet.objects.order_by("pk").first(),
                             status=RunStatus.DONE)
    listed = YearList.objects.create(region=cast.r10, year=year, run=run)
    for school in schools:
        ListEntry.objects.create(year_list=listed, school=school)
    for school, value in (dynamics or {}).items():
        RunSchool.objects.create(run=run, school=school, dynamics=value)
    return run


def known_programme(cast: Cast) -> Programme:
    """2025 list: s1, s2, s3 → the programme's schools. 2026 list: s1 only (s2 and s3 left it).

    2026 by hand:
    - dynamics: s1 improved, s2 stable, s3 has no identification row → 1 of 2, s3 missing;
    - exits: s2 and s3 are not on the 2026 list → 2 of 3 (2027: no list → no data);
    - partnerships: s2 with s1 since 10 Jan 2026; s3's ended in 2025 → 1 of 3;
    - coverage: s1 has a curator since Sep 2025, s3 had a visit in March 2026, s2 nothing → 2 of 3;
    - teachers diagnosed: s1 3 of 4, s2 0 of 2, s3 no registry → 3 of 6, s3 missing;
    - trained on plans: s1 1 of 2 plans completed; s2, s3 no plans → 1 of 2.
    """
    year_list(cast, 2025, cast.s1, cast.s2, cast.s3)
    year_list(cast, 2026, cast.s1, dynamics={cast.s1: "improved", cast.s2: "stable"})
    programme = programme_create(actor=cast.alice, region=cast.r10, municipality=None, code="r10-shnor",
                                 title="Программа поддержки ШНОР", start_year=2025, end_year=2027,
                                 kpi_codes=("positive_dynamics", "teachers_diagnosed", "methodological_coverage",
                                            "network_partnership", "list_exit", "teachers_trained"))
    Partnership.objects.create(school=cast.s2, partner=cast.s1, starts_on=date(2026, 1, 10))
    Partnership.objects.create(school=cast.s3, partner=cast.s1, starts_on=date(2025, 2, 1), ends_on=date(2025, 12, 31))
    Curatorship.objects.create(school=cast.s1, curator=cast.kate, starts_on=date(2025, 9, 1))
    Visit.objects.create(school=cast.s3, kind="monitoring", held_on=date(2026, 3, 12), purpose="Мониторинг")
    s1_teachers = [make_staff(cast.s1, f"Учитель {i}") for i in range(4)]
    for t in s1_teachers[:3]:
        DeficitDiagnostic.objects.create(staff=t, year=2026, area="методические", has_deficit=True)
    for i in range(2):
        make_staff(cast.s2, f"Педагог {i}")
    done = DevelopmentPlan.objects.create(staff=s1_teachers[0], year=2026)
    PlanItem.objects.create(plan=done, kind="course", title="КПК", completed_on=date(2026, 4, 1))
    open_plan = DevelopmentPlan.objects.create(staff=s1_teachers[1], year=2026)
    PlanItem.objects.create(plan=open_plan, kind="course", title="КПК")
    return programme


def signed_client(username: str) -> Client:
    """A test client signed in as the cast member `username`."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client
