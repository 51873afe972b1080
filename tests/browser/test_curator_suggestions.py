"""In the real browser: the municipal coordinator opens a school of the year's list without a
curator, sees the suggested schools with their numbers, assigns the head of the top one; the new
curator signs in and sees the school."""

from __future__ import annotations

import pytest

from opora.core.models import Role, RoleAssignment, School, SchoolType, Settlement
from opora.identification.models import ListEntry, RuleKind, RuleSet, Run, RunSchool, RunStatus, YearList
from opora.support.models import Curatorship
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import Cast, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_assigns_the_suggested_curator_who_then_sees_the_school(page, live_server,  # type: ignore[no-untyped-def]
                                                                          cast: Cast) -> None:
    strong = School.objects.create(code="1004", name="МБОУ СОШ № 4 г. Озёрска", municipality=cast.m1,
                                   type=SchoolType.SECONDARY, settlement=Settlement.TOWN, distance_km=5)
    rule_set = RuleSet.objects.create(code="q", name="Q", kind=RuleKind.QUALITY)
    run = Run.objects.create(region=cast.r10, year=2025, rule_set=rule_set, status=RunStatus.DONE)
    RunSchool.objects.create(run=run, school=cast.s2, swi=3.0, quality_index=0.35, low_results=True)
    RunSchool.objects.create(run=run, school=strong, swi=3.2, quality_index=0.62)
    RunSchool.objects.create(run=run, school=cast.s1, swi=7.8, quality_index=0.9)
    ListEntry.objects.create(year_list=YearList.objects.create(region=cast.r10, year=2025, run=run), school=cast.s2)
    head = make_user("dir4", "Дарья Сергеевна Четвертакова")
    RoleAssignment.objects.create(user=head, role=Role.SCHOOL_HEAD, school=strong)

    sign_in(page, live_server.url, "maria")
    page.goto(live_server.url + "/support/network/")
    row = page.locator('#network tr[data-school="1002"]')
    assert "needs-curator" in (row.get_attribute("class") or "")
    row.get_by_role("link", name=cast.s2.name).click()
    top = page.locator("#suggestion-table tbody tr").first
    assert top.get_attribute("data-school") == "1004"
    assert "0,27" in top.inner_text() or "0.27" in top.inner_text()  # the quality gain is shown
    page.evaluate("window.__stayed = true")
    top.locator('[data-assign="dir4"]').click()
    page.locator('#curators [data-curator="dir4"]').wait_for()
    assert page.evaluate("window.__stayed === true")  # answered in place (htmx), not a new page
    assert Curatorship.objects.get(school=cast.s2).curator == head

    page.context.clear_cookies()
    sign_in(page, live_server.url, "dir4")
    page.goto(live_server.url + "/support/network/")
    assert page.locator('#network tr[data-school="1002"]').count() == 1
    page.goto(live_server.url + "/support/network/schools/1002/")
    assert page.locator('#curators [data-curator="dir4"]').count() == 1
