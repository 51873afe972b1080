"""The municipal and regional dashboards: indicators plan and fact, the year's list and its movement,
roadmaps, risk factors, support; the schools behind each number; who may open what; XLSX; query counts."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from opora.core.models import School, User
from opora.diagnostics.models import Campaign
from opora.identification.models import ListEntry, RunSchool, YearList
from opora.plans.models import DocState, DocumentKind, MeasureStatus
from opora.programmes.models import ProgrammeSchool
from opora.support.models import Partnership, Visit
from tests.conftest import Cast
from tests.diagnostics.builders import make_campaign, shipped_version
from tests.diagnostics.test_heatmap import make_profile
from tests.plans.builders import add_measure, make_document
from tests.programmes.builders import known_programme

TODAY = date(2026, 5, 15)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(date(2026, 5, 15), tick=False):
        yield


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def region_url(cast: Cast) -> str:
    return reverse("dashboards:territory", args=["region", cast.r10.code])


def m1_url(cast: Cast) -> str:
    return reverse("dashboards:territory", args=["municipality", cast.m1.code])


def drill(cast: Cast, kind: str, code: str, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("dashboards:schools", args=[kind, code]) + "?" + query


def school_codes(response: Any) -> list[str]:
    return [r["school"].code for r in response.context["rows"]]


def sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


@pytest.fixture
def programme(cast: Cast) -> Any:
    return known_programme(cast)


@pytest.fixture
def roadmaps(cast: Cast) -> None:
    """2026: s1 has an approved concept and a roadmap with 3 measures (1 done on time, 1 overdue, 1 due in June)."""
    make_document(cast.s1, DocumentKind.CONCEPT, year=2026, state=DocState.APPROVED)
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, year=2026, state=DocState.APPROVED)
    add_measure(roadmap, "Семинар", due_on=date(2026, 3, 1), status=MeasureStatus.DONE, done_on=date(2026, 2, 20))
    add_measure(roadmap, "Мастер-класс", due_on=date(2026, 4, 1))
    add_measure(roadmap, "Педсовет по итогам", due_on=date(2026, 6, 1))


@pytest.fixture
def risk(cast: Cast) -> Campaign:
    """2026 profiles: s1 motivation high (verified up from medium), s2 motivation medium; s3 (m2) high."""
    version = shipped_version()
    campaign = make_campaign(municipality=cast.m1, schools=[cast.s1, cast.s2], version=version)
    other = make_campaign(municipality=cast.m2, schools=[cast.s3], version=version)
    make_profile(campaign, cast.s1, {"motivation": ("medium", 0.5)}, verified={"motivation": "high"})
    make_profile(campaign, cast.s2, {"motivation": ("medium", 0.5)})
    make_profile(other, cast.s3, {"motivation": ("high", 0.9)})
    return campaign


# --- who may open what -------------------------------------------------------------------------------


def test_municipal_coordinator_lands_on_her_municipality(cast: Cast) -> None:
    response = client_for(cast.maria).get(reverse("dashboards:home"))
    assert response.status_code == 302
    assert response["Location"] == m1_url(cast)


def test_regional_admin_chooses_between_region_and_municipalities(cast: Cast) -> None:
    response = client_for(cast.alice).get(reverse("dashboards:home"))
    assert response.status_code == 200
    names = [t.name for t in response.context["territories"]]
    assert names == ["Северная область", "Лесной район", "Озёрский округ"]


def test_school_head_lands_on_own_school(cast: Cast) -> None:
    response = client_for(cast.sam).get(reverse("dashboards:home"))
    assert response["Location"] == reverse("dashboards:school", args=[cast.s1.code])


def test_user_without_roles_is_refused(cast: Cast) -> None:
    assert client_for(cast.nobody).get(reverse("dashboards:home")).status_code == 403
    assert client_for(cast.nobody).get(region_url(cast)).status_code == 404


def test_anonymous_is_sent_to_login(cast: Cast) -> None:
    response = Client().get(region_url(cast))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["maria", "oleg", "kate", "sam", "olga", "zoe"])
def test_region_dashboard_only_for_region_roles(cast: Cast, who: str) -> None:
    assert client_for(getattr(cast, who)).get(region_url(cast)).status_code == 404


@pytest.mark.parametrize("who", ["olga", "kate", "sam", "vera", "zoe"])
def test_other_municipality_dashboard_not_found(cast: Cast, who: str) -> None:
    assert client_for(getattr(cast, who)).get(m1_url(cast)).status_code == 404


def test_drilldown_of_another_territory_not_found(cast: Cast, programme: Any) -> None:
    url = drill(cast, "municipality", cast.m2.code, year=2026, metric="listed")
    assert client_for(cast.maria).get(url).status_code == 404


def test_unknown_metric_not_found(cast: Cast) -> None:
    assert client_for(cast.alice).get(drill(cast, "region", "10", year=2026, metric="bogus")).status_code == 404


# --- indicators ---------------------------------------------------------------------------------------


def test_region_dashboard_shows_indicators_plan_and_fact_over_the_years(cast: Cast, programme: Any) -> None:
    response = client_for(cast.alice).get(region_url(cast) + "?year=2026")
    assert response.status_code == 200
    [panel] = response.context["panels"]
    rows = {r.code: r for r in panel.rows}
    exit_2025, exit_2026, exit_2027 = rows["list_exit"].cells
    assert exit_2026.percent == 66.7
    assert exit_2027.result is None  # a year to come: the target only
    dyn = rows["positive_dynamics"].cells[1]
    assert (dyn.percent, dyn.target_percent, dyn.status, dyn.missing) == (50.0, 70.0, "not_achieved", 1)
    assert rows["network_partnership"].cells[1].percent == 33.3
    html = response.content.decode()
    assert "66,7 %" in html and "Программа поддержки ШНОР" in html


def test_indicator_without_data_is_not_zero(cast: Cast, programme: Any) -> None:
    response = client_for(cast.alice).get(region_url(cast) + "?year=2026")
    [panel] = response.context["panels"]
    dyn_2025 = next(r for r in panel.rows if r.code == "positive_dynamics").cells[0]
    assert dyn_2025.percent is None and dyn_2025.status == "no_data"
    assert 'data-year="2025" data-status="no_data"' in response.content.decode()


def test_indicator_drilldown_lists_hits_and_missing_with_reasons(cast: Cast, programme: Any) -> None:
    response = client_for(cast.alice).get(drill(cast, "region", "10", year=2026, metric="kpi",
                                                programme="r10-shnor", kpi="positive_dynamics"))
    notes = {r["school"].code: r["note"] for r in response.context["rows"]}
    with translation.override("ru"):
        assert notes["1001"] == translation.gettext("counted, meets the indicator")
        assert notes["1002"] == translation.gettext("counted, does not meet the indicator")
        reason = translation.gettext("no identification with results dynamics for %(year)d") % {"year": 2026}
        assert notes["1003"] == translation.gettext("no data: %(reason)s") % {"reason": reason}


def test_a_regional_programme_on_a_municipal_dashboard_counts_the_municipalitys_schools(
    cast: Cast, programme: Any,
) -> None:
    """The regional programme also covers s3 of another municipality: M1's dashboard counts s1 and s2 only."""
    response = client_for(cast.maria).get(drill(cast, "municipality", cast.m1.code, year=2026, metric="kpi",
                                                programme="r10-shnor", kpi="list_exit"))
    assert response.status_code == 200
    assert school_codes(response) == ["1001", "1002"]
    assert response.context["hidden"] == 0  # s3 is not part of this municipality's figure at all
    assert "Лицей № 3" not in response.content.decode()
    page = client_for(cast.maria).get(m1_url(cast) + "?year=2026")
    [panel] = page.context["panels"]
    assert (panel.part_schools, panel.all_schools) == (2, 3)
    assert "Рассчитано по школам программы из этого муниципалитета: 2 из 3" in page.content.decode()
    # The region's dashboard counts all three: s2 of 3 has a partner school in 2026, in M1 s2 of 2.
    region = client_for(cast.alice).get(region_url(cast) + "?year=2026")
    assert [p.part_schools for p in region.context["panels"]] == [None]

    def partnership(panel: Any) -> float:
        [row] = [r for r in panel.rows if r.code == "network_partnership"]
        return next(c for c in row.cells if c.year == 2026).result.percent

    assert partnership(region.context["panels"][0]) == 33.3 and partnership(panel) == 50.0


def test_no_programme_says_so(cast: Cast) -> None:
    response = client_for(cast.maria).get(m1_url(cast) + "?year=2026")
    assert response.context["panels"] == []
    assert 'id="no-programmes"' in response.content.decode()


# --- the list and its movement -----------------------------------------------------------------------


def test_list_movement_in_the_region(cast: Cast, programme: Any) -> None:
    RunSchool.objects.filter(run__year=2026, school=cast.s1).update(resilient=True)
    response = client_for(cast.rita).get(region_url(cast) + "?year=2026")
    ids = response.context["movement"].ids
    assert ids["listed"] == [cast.s1.pk]
    assert ids["left"] == sorted([cast.s2.pk, cast.s3.pk])
    assert ids["entered"] == [] and ids["stayed"] == [cast.s1.pk]
    assert ids["resilient"] == [cast.s1.pk]
    left = client_for(cast.rita).get(drill(cast, "region", "10", year=2026, metric="left"))
    assert school_codes(left) == ["1003", "1002"]  # by municipality name: Лесной before Озёрский


def test_list_movement_in_a_municipality_keeps_to_it(cast: Cast, programme: Any) -> None:
    response = client_for(cast.maria).get(m1_url(cast) + "?year=2026")
    assert response.context["movement"].ids["left"] == [cast.s2.pk]


def test_list_not_approved_says_so(cast: Cast) -> None:
    response = client_for(cast.maria).get(m1_url(cast) + "?year=2026")
    assert not response.context["movement"].approved
    assert "не утверждён" in response.content.decode() or "not approved" in response.content.decode()


def test_municipal_officer_sees_no_roadmap_section(cast: Cast, programme: Any) -> None:
    """The officer has no access to roadmaps: the section is not there and its drill-down is refused."""
    response = client_for(cast.oleg).get(m1_url(cast) + "?year=2026")
    assert response.status_code == 200 and "roadmap" not in response.context
    url = drill(cast, "municipality", cast.m1.code, year=2026, metric="overdue")
    assert client_for(cast.oleg).get(url).status_code == 403


# --- roadmaps -------------------------------------------------------------------------------------------


def test_roadmap_execution_and_overdue_schools(cast: Cast, programme: Any, roadmaps: None) -> None:
    response = client_for(cast.maria).get(m1_url(cast) + "?year=2026")
    section = response.context["roadmap"]
    assert section.schools == 2  # s1 (list and documents) and s2 (last year's list)
    assert (section.measures_counted, section.measures_on_time, section.measures_overdue) == (3, 1, 1)
    assert section.percent_on_time == 33
    assert section.ids["not_started"] == [cast.s2.pk]
    assert section.ids["measures_overdue"] == [cast.s1.pk]
    assert section.ids["stage:concept:approved"] == [cast.s1.pk]
    over = client_for(cast.maria).get(drill(cast, "municipality", cast.m1.code, year=2026,
                                            metric="measures_overdue"))
    assert school_codes(over) == ["1001"]


# --- risk factors ---------------------------------------------------------------------------------------


def test_risk_factor_shares_use_the_verified_level(cast: Cast, risk: Campaign) -> None:
    response = client_for(cast.maria).get(m1_url(cast) + "?year=2026")
    motivation = next(f for f in response.context["risk"].factors if f.factor == "motivation")
    assert (motivation.high, motivation.medium, motivation.total) == (1, 1, 2)
    assert motivation.high_percent == 50
    high = client_for(cast.maria).get(drill(cast, "municipality", cast.m1.code, year=2026,
                                            metric="risk:motivation:high"))
    assert school_codes(high) == ["1001"]
    region = client_for(cast.alice).get(region_url(cast) + "?year=2026")
    motivation = next(f for f in region.context["risk"].factors if f.factor == "motivation")
    assert (motivation.high, motivation.total) == (2, 3)


# --- support ---------------------------------------------------------------------------------------------


def test_support_activity_and_schools_behind_it(cast: Cast, programme: Any) -> None:
    response = client_for(cast.alice).get(region_url(cast) + "?year=2026")
    s = response.context["support"]
    assert s.ids["curated"] == [cast.s1.pk]
    assert s.ids["partnered"] == [cast.s2.pk]
    assert s.ids["visited"] == [cast.s3.pk] and s.visits == 1
    assert s.ids["unsupported"] == []  # the 2026 list holds s1 only, and it has a curator
    visited = client_for(cast.alice).get(drill(cast, "region", "10", year=2026, metric="visited"))
    assert school_codes(visited) == ["1003"]


def test_listed_school_without_support_is_shown(cast: Cast, programme: Any) -> None:
    approved = YearList.objects.get(region=cast.r10, year=2026)
    ListEntry.objects.create(year_list=approved, school=cast.s2)
    Partnership.objects.filter(school=cast.s2).delete()
    response = client_for(cast.maria).get(m1_url(cast) + "?year=2026")
    assert response.context["support"].ids["unsupported"] == [cast.s2.pk]


# --- exports ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["kpis", "list", "roadmap", "risk", "support"])
def test_every_dashboard_table_downloads_as_xlsx(cast: Cast, programme: Any, roadmaps: None, risk: Campaign,
                                                 table: str) -> None:
    response = client_for(cast.alice).get(region_url(cast) + f"?year=2026&xlsx={table}")
    assert response.status_code == 200
    rows = sheet_rows(response)
    assert len(rows) > 1


def test_kpi_export_has_plan_and_fact(cast: Cast, programme: Any) -> None:
    rows = sheet_rows(client_for(cast.alice).get(region_url(cast) + "?year=2026&xlsx=kpis"))
    assert rows[0][:5] == ("Программа", "Показатель", "Год", "Цель, %", "Факт, %")
    facts = {(r[1], r[2]): r[4] for r in rows[1:]}
    assert facts[("Доля школ, вышедших из перечня", 2026)] == 66.7


def test_drilldown_downloads_as_xlsx(cast: Cast, programme: Any) -> None:
    rows = sheet_rows(client_for(cast.alice).get(drill(cast, "region", "10", year=2026, metric="left",
                                                       format="xlsx")))
    assert [r[0] for r in rows[1:]] == ["1003", "1002"]


def test_xlsx_of_a_section_the_user_may_not_see_is_not_found(cast: Cast, programme: Any) -> None:
    assert client_for(cast.oleg).get(m1_url(cast) + "?year=2026&xlsx=roadmap").status_code == 404


# --- query counts --------------------------------------------------------------------------------------------


def _more_schools(cast: Cast, programme: Any, n: int, start: int = 0) -> None:
    approved = YearList.objects.get(region=cast.r10, year=2026)
    for i in range(start, start + n):
        school = School.objects.create(code=f"19{i:02d}", name=f"Школа {i}", municipality=cast.m1, type="sosh",
                                       settlement="city", enrolment=100)
        ListEntry.objects.create(year_list=approved, school=school)
        RunSchool.objects.create(run=approved.run, school=school, dynamics="improved", resilient=True)
        ProgrammeSchool.objects.create(programme=programme, school=school)
        Visit.objects.create(school=school, kind="monitoring", held_on=date(2026, 2, 1), purpose="Визит")
        Partnership.objects.create(school=school, partner=cast.s1, starts_on=date(2026, 1, 1))
        roadmap = make_document(school, DocumentKind.ROADMAP, year=2026, state=DocState.SUBMITTED)
        add_measure(roadmap, due_on=date(2026, 4, 1))


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_queries_do_not_grow_with_schools(cast: Cast, programme: Any, roadmaps: None,
                                                    risk: Campaign, django_assert_max_num_queries: Any) -> None:
    client = client_for(cast.alice)
    url = region_url(cast) + "?year=2026"
    _more_schools(cast, programme, 1)  # a submitted document: the board reads review waits once
    client.get(url)
    before = _queries(client, url)
    _more_schools(cast, programme, 6, start=1)
    after = _queries(client, url)
    assert after == before
    with django_assert_max_num_queries(120):
        client.get(url)


def test_drilldown_queries_do_not_grow_with_schools(cast: Cast, programme: Any) -> None:
    client = client_for(cast.alice)
    url = drill(cast, "region", "10", year=2026, metric="listed")
    client.get(url)
    before = _queries(client, url)
    _more_schools(cast, programme, 5)
    assert _queries(client, url) == before
