"""Programme pages: the list, the programme with plan against fact per year, «как посчитано», targets,
a new programme; who may see and change what."""

from __future__ import annotations

import io
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from opora.programmes.models import KpiTarget, Programme
from tests.conftest import Cast
from tests.programmes.builders import known_programme, signed_client, year_list

pytestmark = pytest.mark.django_db

TODAY = "2026-06-15 12:00"


def _cell(html: str, kpi: str, year: int) -> str:
    row = re.search(rf'<tr data-kpi="{kpi}">(.*?)</tr>', html, re.S)
    assert row, kpi
    cell = re.search(rf'<td class="cell [a-z_]+" data-year="{year}" data-status="([a-z_]+)".*?</td>', row.group(1),
                     re.S)
    assert cell, (kpi, year)
    return cell.group(0)


def _sheet(response) -> list[tuple]:  # type: ignore[no-untyped-def]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


@time_machine.travel(TODAY, tick=False)
def test_the_programme_page_shows_plan_against_fact_for_every_year(cast: Cast) -> None:
    known_programme(cast)
    html = signed_client("alice").get(reverse("programmes:detail", args=["r10-shnor"])).content.decode()
    dynamics_2026 = _cell(html, "positive_dynamics", 2026)
    assert 'data-status="not_achieved"' in dynamics_2026
    assert ">50%<" in dynamics_2026 and "70%" in dynamics_2026
    assert 'data-status="achieved"' in _cell(html, "network_partnership", 2026)  # 33.3% against 25%
    assert "33.3%" in _cell(html, "network_partnership", 2026) or "33,3%" in _cell(html, "network_partnership", 2026)
    # 2027 has not started: the target is shown, the fact is not computed.
    later = _cell(html, "positive_dynamics", 2027)
    assert 'data-status="not_started"' in later and "80%" in later
    # Targets of the first year come from seed 002.
    assert "60%" in _cell(html, "positive_dynamics", 2025)


@time_machine.travel("2028-02-01 12:00", tick=False)
def test_a_year_without_data_says_so_and_is_never_zero(cast: Cast) -> None:
    known_programme(cast)
    html = signed_client("alice").get(reverse("programmes:detail", args=["r10-shnor"])).content.decode()
    cell = _cell(html, "list_exit", 2027)  # no approved list for 2027
    assert 'data-status="no_data"' in cell
    assert ">0%<" not in cell


@time_machine.travel(TODAY, tick=False)
def test_the_drill_down_lists_the_schools_counted_hit_and_missing_with_the_reason(cast: Cast) -> None:
    known_programme(cast)
    response = signed_client("alice").get(reverse("programmes:kpi", args=["r10-shnor", "positive_dynamics", 2026]))
    html = response.content.decode()
    assert f'data-school="{cast.s1.code}" data-state="hit"' in html
    assert f'data-school="{cast.s2.code}" data-state="counted"' in html
    assert f'data-school="{cast.s3.code}" data-state="missing"' in html
    assert "2026" in re.search(rf'data-school="{cast.s3.code}".*?</tr>', html, re.S).group(0)
    assert re.search(r'id="kpi-counted">2<', html) and re.search(r'id="kpi-missing">1<', html)
    assert 'id="hidden-schools"' not in html


@time_machine.travel(TODAY, tick=False)
def test_a_municipal_coordinator_sees_the_regional_programme_but_names_only_own_schools(cast: Cast) -> None:
    known_programme(cast)
    client = signed_client("maria")  # M1: s1, s2; s3 is in M2
    html = client.get(reverse("programmes:kpi", args=["r10-shnor", "teachers_diagnosed", 2026])).content.decode()
    assert cast.s1.name in html and cast.s2.name in html
    assert cast.s3.name not in html
    assert 'id="hidden-schools"' in html
    # The total still counts every school of the programme: 3 of 6 teachers.
    assert re.search(r'id="kpi-fact">50%<', html)
    page = client.get(reverse("programmes:detail", args=["r10-shnor"])).content.decode()
    assert cast.s3.name not in page and 'id="hidden-schools"' in page


@time_machine.travel(TODAY, tick=False)
def test_a_curator_sees_only_the_curated_school_by_name(cast: Cast) -> None:
    known_programme(cast)
    rows = _sheet(signed_client("kate").get(reverse("programmes:kpi", args=["r10-shnor", "network_partnership", 2026]),
                                      {"format": "xlsx"}))
    codes = [r[1] for r in rows[1:] if r[1]]
    assert codes == [cast.s1.code]
    assert rows[-1][3] == 2 and rows[-1][4] == 1  # s2 (with a partner) and s3 as counts only


def test_people_outside_the_territory_get_404(cast: Cast) -> None:
    known_programme(cast)
    for username in ("zoe", "nobody"):
        client = signed_client(username)
        assert client.get(reverse("programmes:detail", args=["r10-shnor"])).status_code == 404
        assert client.get(reverse("programmes:kpi", args=["r10-shnor", "list_exit", 2026])).status_code == 404
        assert client.get(reverse("programmes:targets", args=["r10-shnor"])).status_code == 404
        assert "r10-shnor" not in client.get(reverse("programmes:home")).content.decode()


def test_the_list_shows_only_visible_programmes_and_exports_them(cast: Cast, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    known_programme(cast)
    Programme.objects.create(region=cast.r20, code="r20-prog", title="Южная программа", start_year=2025, end_year=2026)
    client = signed_client("alice")
    with django_assert_max_num_queries(12):
        html = client.get(reverse("programmes:home")).content.decode()
    assert "Программа поддержки ШНОР" in html and "Южная программа" not in html
    rows = _sheet(client.get(reverse("programmes:home"), {"format": "xlsx"}))
    assert [r[0] for r in rows[1:]] == ["r10-shnor"]
    assert rows[1][4] == 3 and rows[1][5] == 6


@time_machine.travel(TODAY, tick=False)
def test_the_kpi_table_exports_every_indicator_and_year(cast: Cast) -> None:
    known_programme(cast)
    rows = _sheet(signed_client("rita").get(reverse("programmes:detail", args=["r10-shnor"]), {"format": "xlsx"}))
    assert len(rows) == 1 + 6 * 3
    dynamics = rows[1:4]  # the first indicator of the programme, its three years
    assert [r[1] for r in dynamics] == [2025, 2026, 2027]
    assert dynamics[1][2:6] == (70, 50, 1, 2)
    assert dynamics[2][3] is None  # 2027 has not started


@time_machine.travel(TODAY, tick=False)
def _kpi_cells(html: str) -> list[str]:
    return re.findall(r"<div class=\"fact\">(.*?)</div>", html, flags=re.S)


def test_the_page_queries_do_not_grow_with_schools(cast: Cast, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    known_programme(cast)
    client = signed_client("alice")
    with django_assert_max_num_queries(90):  # the first view computes the figures once and stores them
        first = client.get(reverse("programmes:detail", args=["r10-shnor"]))
    with django_assert_max_num_queries(25):  # later views read the stored figures
        again = client.get(reverse("programmes:detail", args=["r10-shnor"]))
    assert first.status_code == again.status_code == 200
    assert _kpi_cells(first.content.decode()) == _kpi_cells(again.content.decode())


@time_machine.travel(TODAY, tick=False)
def test_the_coordinator_sets_targets_and_an_empty_field_removes_one(cast: Cast) -> None:
    programme = known_programme(cast)
    client = signed_client("alice")
    kpi = programme.kpis.get(code="list_exit")
    dynamics = programme.kpis.get(code="positive_dynamics")
    assert client.get(reverse("programmes:targets", args=["r10-shnor"])).status_code == 200
    data = {f"t_{k.pk}_{t.year}": str(t.value) for k in programme.kpis.all() for t in k.targets.all()}
    data[f"t_{kpi.pk}_2026"] = "15"
    data[f"t_{dynamics.pk}_2027"] = ""
    response = client.post(reverse("programmes:targets", args=["r10-shnor"]), data)
    assert response.status_code == 302
    assert KpiTarget.objects.get(kpi=kpi, year=2026).value == 15
    assert not KpiTarget.objects.filter(kpi=dynamics, year=2027).exists()
    assert KpiTarget.objects.get(kpi=dynamics, year=2026).value == 70


def test_a_target_over_100_keeps_what_was_typed_and_saves_nothing(cast: Cast) -> None:
    programme = known_programme(cast)
    kpi = programme.kpis.get(code="list_exit")
    response = signed_client("alice").post(reverse("programmes:targets", args=["r10-shnor"]),
                                     {f"t_{kpi.pk}_2026": "150"})
    assert response.status_code == 200
    assert 'value="150"' in response.content.decode()
    assert 'class="errorlist' in response.content.decode()
    assert not KpiTarget.objects.filter(kpi=kpi, year=2026).exists()


def test_who_may_not_manage_cannot_edit_targets_or_create(cast: Cast) -> None:
    known_programme(cast)
    for username in ("maria", "sam", "kate", "olga"):  # maria manages M1 only; this is a regional programme
        client = signed_client(username)
        assert client.get(reverse("programmes:targets", args=["r10-shnor"])).status_code == 403
        assert client.get(reverse("programmes:edit", args=["r10-shnor"])).status_code == 403
    for username in ("sam", "kate", "olga", "nobody", "tom"):
        assert signed_client(username).get(reverse("programmes:new")).status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_a_municipal_coordinator_creates_a_programme_over_the_first_years_list(cast: Cast) -> None:
    year_list(cast, 2025, cast.s1, cast.s2, cast.s3)
    client = signed_client("maria")
    page = client.get(reverse("programmes:new")).content.decode()
    assert f'value="municipality:{cast.m1.pk}"' in page and f'value="municipality:{cast.m2.pk}"' not in page
    assert f'value="region:{cast.r10.pk}"' not in page
    response = client.post(reverse("programmes:new"), {
        "territory": f"municipality:{cast.m1.pk}", "code": "m1-shnor", "title": "Программа Озёрского округа",
        "start_year": "2025", "end_year": "2027", "goals": "Повысить качество", "tasks": "1. Методическая помощь",
        "kpis": ["positive_dynamics", "teachers_diagnosed", "methodological_coverage", "network_partnership"],
        "default_targets": "on"})
    assert response.status_code == 302
    programme = Programme.objects.get(code="m1-shnor")
    assert programme.municipality == cast.m1
    assert set(programme.schools.all()) == {cast.s1, cast.s2}  # the list of 2025 in M1 only
    assert [float(t.value) for t in KpiTarget.objects.filter(kpi__programme=programme,
                                                             kpi__code="network_partnership")] == [20, 25, 30]


def test_a_bad_programme_keeps_the_input_and_says_what_is_wrong(cast: Cast) -> None:
    known_programme(cast)
    client = signed_client("maria")
    response = client.post(reverse("programmes:new"), {
        "territory": f"municipality:{cast.m1.pk}", "code": "r10-shnor", "title": "Вторая программа",
        "start_year": "2026", "end_year": "2026", "kpis": ["list_exit"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Вторая программа" in html and "r10-shnor" in html
    assert Programme.objects.filter(code="r10-shnor").count() == 1
    response = client.post(reverse("programmes:new"), {
        "territory": f"municipality:{cast.m2.pk}", "code": "m2-x", "title": "Чужая", "start_year": "2027",
        "end_year": "2026", "kpis": ["list_exit"]})
    assert response.status_code == 200 and not Programme.objects.filter(code="m2-x").exists()
    assert response.content.decode().count('class="errorlist') >= 2  # the territory and the years


def test_the_admin_publishes_the_programme(cast: Cast) -> None:
    programme = known_programme(cast)
    client = signed_client("alice")
    response = client.post(reverse("programmes:edit", args=["r10-shnor"]),
                           {"title": "Программа поддержки ШНОР 2025–2027", "goals": "Цель", "tasks": "Задачи",
                            "is_public": "on", "kpis": [k.code for k in programme.kpis.all()]})
    assert response.status_code == 302
    programme = Programme.objects.get(code="r10-shnor")
    assert programme.is_public and programme.title.endswith("2025–2027")


@time_machine.travel(TODAY, tick=False)
def test_indicators_are_added_and_removed_after_creation(cast: Cast) -> None:
    programme = known_programme(cast)
    client = signed_client("alice")
    before = [k.code for k in programme.kpis.all()]
    assert "list_exit" in before and "measures_on_time" not in before and "methodological_coverage" in before
    programme.kpis.filter(code="methodological_coverage").delete()
    before.remove("methodological_coverage")
    client.get(reverse("programmes:detail", args=["r10-shnor"]))  # figures stored for the old set
    wanted = [c for c in before if c != "list_exit"] + ["measures_on_time", "methodological_coverage"]
    response = client.post(reverse("programmes:edit", args=["r10-shnor"]), {
        "title": programme.title, "goals": "", "tasks": "", "kpis": wanted})
    assert response.status_code == 302
    assert sorted(k.code for k in programme.kpis.all()) == sorted(wanted)
    assert programme.kpis.get(code="methodological_coverage").targets.count() == len(programme.years)  # shipped
    assert not programme.kpis.get(code="measures_on_time").targets.exists()  # it ships none
    html = client.get(reverse("programmes:detail", args=["r10-shnor"])).content.decode()
    assert 'data-kpi="measures_on_time"' in html and 'data-kpi="list_exit"' not in html
    # None left: refused, and what was typed stays.
    response = client.post(reverse("programmes:edit", args=["r10-shnor"]), {
        "title": "Новое название", "goals": "", "tasks": ""})
    assert response.status_code == 200 and "Новое название" in response.content.decode()
    assert programme.kpis.count() == len(wanted)
