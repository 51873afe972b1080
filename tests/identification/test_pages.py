"""The identification pages on a region computed by the real pipeline (`tests.identification.builders`:
«1002» Заречная ООШ fails 44% everywhere and is the one school the federal rule flags)."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from opora.core.models import School, User
from opora.identification.models import ListEntry, ListOverride, RuleSet, RuleSetVersion, Run, RunStatus, YearList
from opora.identification.services import list_approve
from tests.identification.builders import LOW, YEAR, Built
from tests.identification.conftest import run_now

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def html(response: Any) -> str:
    return response.content.decode()


def codes_of(response: Any) -> list[str]:
    return [r.school.code for r in response.context["page"].object_list]


# --- Who sees what ---------------------------------------------------------------------------------


def test_every_page_opens_for_those_who_see_identification(federal_run: Run, built: Built) -> None:
    cast = built.cast
    pages = ["/identification/", "/identification/runs/", f"/identification/runs/{federal_run.pk}/",
             f"/identification/runs/{federal_run.pk}/picture/", "/identification/rule-sets/",
             "/identification/rule-sets/federal/", "/identification/schools/1001/history/",
             f"/identification/runs/{federal_run.pk}/schools/1001/"]
    for user in (cast.alice, cast.rita, cast.maria, cast.oleg, cast.kate, cast.sam):
        c = client_for(user)
        for url in pages:
            assert c.get(url).status_code == 200, (user.username, url)


def test_people_without_identification_are_refused_and_other_regions_find_nothing(
    federal_run: Run, built: Built
) -> None:
    cast = built.cast
    run = f"/identification/runs/{federal_run.pk}/"
    for user in (cast.tom, cast.mila, cast.nobody):
        c = client_for(user)
        for url in ("/identification/", run, f"{run}picture/", "/identification/rule-sets/"):
            assert c.get(url).status_code == 403, (user.username, url)
    zoe = client_for(cast.zoe)
    for url in (run, f"{run}picture/", f"{run}schools/1001/", "/identification/schools/1001/history/"):
        assert zoe.get(url).status_code == 404, url
    assert client_for(cast.alice).get("/identification/runs/999999/").status_code == 404
    # A curator of «1001» does not find the other schools' "why" panels.
    assert client_for(cast.kate).get(f"{run}schools/{LOW}/").status_code == 404
    assert Client().get(run).status_code == 302  # to the sign-in page


def test_the_menu_and_the_school_card_link_to_identification_for_its_viewers(federal_run: Run, built: Built) -> None:
    assert 'href="/identification/"' in html(client_for(built.cast.maria).get("/"))
    assert 'href="/identification/"' not in html(client_for(built.cast.tom).get("/"))
    card = html(client_for(built.cast.sam).get("/schools/1001/"))
    assert 'href="/identification/schools/1001/history/"' in card


# --- Start page and running -------------------------------------------------------------------------


def test_the_analyst_runs_identification_from_the_start_page(
    built: Built, rule_sets: dict[str, RuleSet], django_capture_on_commit_callbacks: Any
) -> None:
    c = client_for(built.cast.alice)
    page = c.get("/identification/", {"year": YEAR, "rule_set": "federal"})
    assert page.context["done"] is None and page.context["can_run"]
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/identification/runs/start/", {"region": "10", "year": YEAR, "rule_set": "federal"})
    assert response.status_code == 302
    run = Run.objects.get()
    assert run.status == RunStatus.DONE and run.summary["included"] == 1
    page = c.get(response["Location"])
    assert page.context["done"] == run
    assert f'href="/identification/runs/{run.pk}/"' in html(page)
    progress = c.get(f"/identification/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert 'data-status="done"' in html(progress) and "hx-get" not in html(progress)


def test_a_queued_run_shows_a_polling_progress_bar(built: Built, rule_sets: dict[str, RuleSet]) -> None:
    from opora.identification.services import run_create

    run = run_create(actor=built.cast.alice, region=built.cast.r10, year=YEAR, rule_set=rule_sets["federal"])
    page = html(client_for(built.cast.alice).get("/identification/", {"year": YEAR, "rule_set": "federal"}))
    assert f'hx-get="/identification/runs/{run.pk}/progress/"' in page and 'role="progressbar"' in page


def test_coordinators_without_the_right_cannot_start_a_run(built: Built, rule_sets: dict[str, RuleSet]) -> None:
    c = client_for(built.cast.maria)
    assert c.get("/identification/", {"year": YEAR}).context["can_run"] is False
    assert c.post("/identification/runs/start/", {"region": "10", "year": YEAR, "rule_set": "federal"}).status_code \
        == 403
    assert not Run.objects.exists()


# --- The run's table --------------------------------------------------------------------------------


def test_the_table_lists_the_users_schools_with_the_low_school_first(federal_run: Run, built: Built) -> None:
    url = f"/identification/runs/{federal_run.pk}/"
    everyone = client_for(built.cast.alice).get(url)
    assert sorted(codes_of(everyone)) == built.region10 and codes_of(everyone)[0] == LOW
    assert everyone.context["counts"]["in_list"] == 1
    maria = client_for(built.cast.maria).get(url)
    assert sorted(codes_of(maria)) == built.m1
    assert codes_of(client_for(built.cast.sam).get(url)) == ["1001"]


def test_filters_search_and_sort(federal_run: Run, built: Built) -> None:
    c = client_for(built.cast.alice)
    url = f"/identification/runs/{federal_run.pk}/"
    assert codes_of(c.get(url, {"included": "1"})) == [LOW]
    assert codes_of(c.get(url, {"flag": "low_results"})) == [LOW]
    assert sorted(codes_of(c.get(url, {"municipality": built.cast.m2.pk}))) == sorted(
        set(built.region10) - set(built.m1))
    assert codes_of(c.get(url, {"q": "заречная"})) == [LOW]  # Cyrillic, any case
    by_name = codes_of(c.get(url, {"sort": "school"}))
    names = dict(School.objects.values_list("code", "name"))
    assert [names[code] for code in by_name] == sorted(names[code] for code in by_name)
    typologies = {r.typology for r in federal_run.schools.all() if r.typology}
    for typology in typologies:
        assert {r.typology for r in c.get(url, {"typology": typology}).context["page"].object_list} == {typology}


def test_xlsx_export_has_the_filtered_rows_with_russian_headers(federal_run: Run, built: Built) -> None:
    c = client_for(built.cast.alice)
    response = c.get(f"/identification/runs/{federal_run.pk}/",
                     {"municipality": built.cast.m1.pk, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Код школы" and rows[0][3] == _("In the list")
    assert sorted(r[0] for r in rows[1:]) == built.m1
    low = next(r for r in rows[1:] if r[0] == LOW)
    assert low[3] == _("yes") and low[7] == _("yes")  # in the list, low results


def test_the_table_does_not_query_per_school(
    federal_run: Run, built: Built, django_assert_max_num_queries: Any
) -> None:
    c = client_for(built.cast.alice)
    with django_assert_max_num_queries(20):
        response = c.get(f"/identification/runs/{federal_run.pk}/")
    assert len(response.context["page"].object_list) == len(built.region10)


# --- Approving and deciding by hand ------------------------------------------------------------------


def test_approving_makes_the_list_of_the_year(federal_run: Run, built: Built) -> None:
    c = client_for(built.cast.rita)
    response = c.post(f"/identification/runs/{federal_run.pk}/approve/", {"comment": "Решение коллегии"})
    assert response.status_code == 302
    approved = YearList.objects.get(region=built.cast.r10, year=YEAR)
    assert approved.run == federal_run and approved.comment == "Решение коллегии"
    assert [e.school.code for e in approved.entries.all()] == [LOW]
    page = c.get("/identification/", {"year": YEAR, "rule_set": "federal"})
    assert page.context["approved"] == approved and page.context["approved_count"] == 1
    assert client_for(built.cast.maria).post(f"/identification/runs/{federal_run.pk}/approve/").status_code == 403


def test_a_manual_exclusion_needs_a_reason_keeps_the_input_and_shows_as_manual(federal_run: Run, built: Built) -> None:
    list_approve(actor=built.cast.alice, run=federal_run)
    c = client_for(built.cast.alice)
    url = f"/identification/runs/{federal_run.pk}/schools/{LOW}/decision/"
    refused = c.post(url, {"action": "exclude", "reason": "  "})
    assert refused.status_code == 400 and not ListOverride.objects.exists()
    assert refused.context["form"]["action"].value() == "exclude"
    assert re.search(r'value="exclude"[^>]*checked', html(refused))
    assert c.post(url, {"action": "exclude", "reason": "Проверка показала ошибку загрузки"}).status_code == 302
    assert not ListEntry.objects.filter(school__code=LOW).exists()
    table = c.get(f"/identification/runs/{federal_run.pk}/")
    low = next(r for r in table.context["page"].object_list if r.school.code == LOW)
    assert low.manual == "exclude" and not low.in_list and low.compared == ""
    assert _("excluded by hand") in html(table)


def test_a_manual_inclusion_enters_the_approved_list_and_can_be_taken_back(federal_run: Run, built: Built) -> None:
    list_approve(actor=built.cast.alice, run=federal_run)
    c = client_for(built.cast.alice)
    url = f"/identification/runs/{federal_run.pk}/schools/1001/decision/"
    c.post(url, {"action": "include", "reason": "Решение муниципальной комиссии"})
    entry = ListEntry.objects.get(school__code="1001")
    assert entry.manual and entry.reason == "Решение муниципальной комиссии"
    why = html(c.get(f"/identification/runs/{federal_run.pk}/schools/1001/"))
    assert "Решение муниципальной комиссии" in why and _("included by hand") in why
    history = client_for(built.cast.sam).get("/identification/schools/1001/history/")
    assert history.context["since"] == YEAR and history.context["years"][0].manual
    c.post(url, {"remove": "1"})
    assert not ListEntry.objects.filter(school__code="1001").exists()
    assert client_for(built.cast.maria).post(url, {"action": "include", "reason": "x"}).status_code == 403


# --- The "why" panel ---------------------------------------------------------------------------------


def test_why_panel_gives_sentences_the_rule_and_the_numbers(federal_run: Run, built: Built) -> None:
    response = client_for(built.cast.maria).get(f"/identification/runs/{federal_run.pk}/schools/{LOW}/")
    sentences = response.context["sentences"]
    assert any("30%" in s and "2025" in s for s in sentences)  # «In 2025 the fail share was 30% or more …»
    items = {i.key: i for i in response.context["items"]}
    assert set(items) >= {"low_results", "adverse_context", "expected", "typology", "quality", "decline_risk",
                          "objectivity", "repeated", "exit", "stability"}
    low = items["low_results"]
    assert low.flagged and dict(low.rule)[_("fail share bar")] == "30,0%"
    procedures = low.tables[0]
    assert [row[5] for row in procedures.rows if row[0] == str(YEAR)] == ["43,8%", "43,8%"]  # 14 of 32
    signs = {s.code: s.status for s in items["objectivity"].signs}
    assert set(signs) == {"above_region", "inverted_difficulty", "boundary_peak", "journal_gap", "unstable_jump"}
    page = html(response)
    assert "43,8%" in page and "Заречная" in page


# --- The regional picture ----------------------------------------------------------------------------


def test_municipal_users_see_their_schools_named_and_the_others_as_anonymous_points(
    federal_run: Run, built: Built
) -> None:
    response = client_for(built.cast.maria).get(f"/identification/runs/{federal_run.pk}/picture/")
    page = html(response)
    names = dict(School.objects.values_list("code", "name"))
    for code in built.m1:
        assert names[code] in page
    for code in set(built.region10) - set(built.m1):
        assert names[code] not in page and code not in page
    plotted = federal_run.schools.filter(swi__isnull=False, result__isnull=False)
    assert page.count('class="anon"') == plotted.exclude(school__code__in=built.m1).count() > 0
    assert page.count('class="own"') == plotted.filter(school__code__in=built.m1).count()
    assert 'class="expected"' in page  # the expected line
    everyone = html(client_for(built.cast.alice).get(f"/identification/runs/{federal_run.pk}/picture/"))
    assert 'class="anon"' not in everyone and names["1003"] in everyone


def test_the_picture_shows_the_quality_groups_distribution(federal_run: Run, built: Built) -> None:
    response = client_for(built.cast.alice).get(f"/identification/runs/{federal_run.pk}/picture/")
    groups = response.context["groups"]
    assert groups and sum(g.schools for g in groups) == federal_run.schools.filter(quality_group__isnull=False).count()
    assert all(abs(sum(g.shares) - 1) < 1e-6 for g in groups)
    assert html(response).count("<rect") >= len(groups)


# --- Rule sets ---------------------------------------------------------------------------------------


def rule_form(**changes: Any) -> dict[str, Any]:
    """The editor's fields for the shipped federal rule with `changes`."""
    data: dict[str, Any] = {
        "procedures": ["vpr", "oge"], "subjects": [], "min_participants": 10, "fail_bar": 30, "min_procedures": 2,
        "connective": "and", "adverse_stanines": ["1", "2", "3"], "swi_min_indicators": 3,
        "expected_measure": "quality_index", "quality_selection": "vpr: 5, 6; oge: 9", "k": 9, "decline_bar": 10,
        "obj_procedures": ["vpr"], "obj_confirm_procedures": ["oge"], "obj_min_participants": 10, "above_sd": 1.5,
        "hard_bar": 30, "easy_bar": 70, "rank_corr_min": 0.3, "min_tasks": 8, "peak_ratio": 3,
        "peak_min_participants": 30, "journal_gap_share": 15,
        "journal_min": 10, "imbalance_share": 30, "jump_sd": 2, "region": "10", "year": YEAR,
        "comment": "",
    }
    data.update(changes)
    return data


def test_the_editor_opens_with_the_current_parameters_in_percent(built: Built, rule_sets: dict[str, RuleSet]) -> None:
    response = client_for(built.cast.alice).get("/identification/rule-sets/federal/")
    form = response.context["form"]
    assert form["fail_bar"].value() == 30 and form["connective"].value() == "and"
    assert "years" not in form.fields and "low_groups" not in form.fields  # other methods' parameters
    assert client_for(built.cast.maria).get("/identification/rule-sets/federal/").context["form"] is None


def test_the_editor_keeps_the_values_and_explains_errors_next_to_the_fields(
    built: Built, rule_sets: dict[str, RuleSet]
) -> None:
    c = client_for(built.cast.alice)
    response = c.post("/identification/rule-sets/federal/", rule_form(fail_bar=150, k=0, action="save"))
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"fail_bar", "k", "comment"}
    page = html(response)
    assert 'value="150"' in page and 'value="0"' in page
    assert _("Say what changed in this version.") in page
    assert RuleSetVersion.objects.filter(rule_set__code="federal").count() == 1
    bad = c.post("/identification/rule-sets/federal/", rule_form(quality_selection="ВПР пятые", action="save",
                                                                  comment="x"))
    assert "quality_selection" in bad.context["form"].errors and 'value="ВПР пятые"' in html(bad)


def test_saving_makes_a_new_version_and_managers_only(built: Built, rule_sets: dict[str, RuleSet]) -> None:
    c = client_for(built.cast.alice)
    response = c.post("/identification/rule-sets/federal/",
                      rule_form(fail_bar=35, connective="or", action="save", comment="Порог 35%"))
    # A regional administrator's edit of a shipped rule set goes to the region's own copy.
    own = RuleSet.objects.get(code=f"federal-{built.cast.r10.code}")
    assert response.status_code == 302 and response["Location"] == f"/identification/rule-sets/{own.code}/"
    version = own.current()
    assert version.number == 1 and version.params["fail_bar"] == 0.35 and version.params["connective"] == "or"
    assert version.params["procedures"] == ["vpr", "oge"] and version.created_by == built.cast.alice
    assert rule_sets["federal"].current().params["fail_bar"] == 0.30
    page = html(c.get(response["Location"]))
    assert "Порог 35%" in page and "35,0%" in page
    assert client_for(built.cast.rita).post("/identification/rule-sets/federal/",
                                            rule_form(action="save", comment="x")).status_code == 403


def test_preview_shows_who_would_go_out_and_why_then_saves(
    federal_run: Run, built: Built, rule_sets: dict[str, RuleSet], django_capture_on_commit_callbacks: Any
) -> None:
    list_approve(actor=built.cast.alice, run=federal_run)
    c = client_for(built.cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/identification/rule-sets/federal/", rule_form(fail_bar=50, action="preview"))
    assert response.status_code == 302
    preview = Run.objects.get(preview=True)
    assert preview.status == RunStatus.DONE and preview.params["fail_bar"] == 0.5
    assert RuleSetVersion.objects.filter(rule_set__code="federal").count() == 1  # nothing saved yet
    page = c.get(response["Location"])
    assert [e["row"].school.code for e in page.context["go_out"]] == [LOW] and page.context["come_in"] == []
    assert page.context["base_count"] == 1 and page.context["new_count"] == 0
    why = page.context["go_out"][0]["sentences"]
    assert why and _("The school does not meet the low-results rule.") in why
    assert (_("Fail share bar, %").removesuffix(", %"), "30,0%", "50,0%") in page.context["changes"]
    assert c.post(response["Location"], {"comment": ""}).status_code == 400
    saved = c.post(response["Location"], {"comment": "Порог 50% для проверки"})
    own = RuleSet.objects.get(code=f"federal-{built.cast.r10.code}")
    assert saved.status_code == 302 and own.current().params["fail_bar"] == 0.5


def test_a_preview_with_a_lower_bar_brings_schools_in(
    federal_run: Run, built: Built, rule_sets: dict[str, RuleSet], django_capture_on_commit_callbacks: Any
) -> None:
    c = client_for(built.cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/identification/rule-sets/federal/",
                          rule_form(fail_bar=3, connective="or", action="preview"))
    page = c.get(response["Location"])
    came = {e["row"].school.code for e in page.context["come_in"]}
    assert came and LOW not in came and page.context["go_out"] == []
    baseline = run_now(built.cast.r10, YEAR, rule_sets["federal"])
    assert baseline.schools.filter(included=True).count() == 1


def test_previews_are_hidden_from_those_who_cannot_run(
    built: Built, rule_sets: dict[str, RuleSet], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(built.cast.alice).post("/identification/rule-sets/federal/",
                                                     rule_form(fail_bar=40, action="preview"))
    assert client_for(built.cast.maria).get(response["Location"]).status_code == 404


# --- History -----------------------------------------------------------------------------------------


def test_school_history_shows_the_years_in_the_list_and_since_when(
    federal_run: Run, built: Built, rule_sets: dict[str, RuleSet]
) -> None:
    list_approve(actor=built.cast.alice, run=federal_run)
    response = client_for(built.cast.maria).get(f"/identification/schools/{LOW}/history/")
    assert response.context["since"] == YEAR
    assert [(y.year, y.listed) for y in response.context["years"]] == [(YEAR, True)]
    assert client_for(built.cast.sam).get(f"/identification/schools/{LOW}/history/").status_code == 404
