"""Roles × kinds of object × actions: nobody reaches what is outside their scope.

Expected scopes are written out by hand from the cast in tests/conftest.py, so a change in
`core/access.py` that widens or narrows anyone's reach fails here.
"""

from __future__ import annotations

import pytest
from django.test import Client

from opora.core import access
from opora.core.access import Perm
from tests.conftest import Cast
from tests.scopes import ALL_SCHOOLS, VISIBLE_SCHOOLS

# Who may see the history of changes of a school card (teachers and methodists may not).
HISTORY_SCHOOLS = {**VISIBLE_SCHOOLS, "tom": set(), "mila": set()}

# Whose people list shows whom (by username), for those with the people page.
VISIBLE_PEOPLE = {
    "alice": {"alice", "rita", "maria", "oleg", "kate", "sam", "tom", "mila", "olga", "vera"},
    "rita": {"alice", "rita", "maria", "oleg", "kate", "sam", "tom", "mila", "olga", "vera"},
    "maria": {"maria", "oleg", "kate", "sam", "tom", "mila"},
    "oleg": {"maria", "oleg", "kate", "sam", "tom", "mila"},
    "sam": {"kate", "sam", "tom"},
    "zoe": {"zoe"},
}
NO_PEOPLE_PAGE = {"kate", "tom", "mila", "olga", "nobody"}


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
@pytest.mark.parametrize("username", sorted(VISIBLE_SCHOOLS))
def test_school_card_opens_only_inside_scope(cast: Cast, username: str) -> None:
    c = client_for(getattr(cast, username))
    for code in sorted(ALL_SCHOOLS):
        response = c.get(f"/schools/{code}/")
        expected = 200 if code in VISIBLE_SCHOOLS[username] else 404
        assert response.status_code == expected, (username, code)


@pytest.mark.django_db
@pytest.mark.parametrize("username", sorted(VISIBLE_SCHOOLS))
def test_school_list_shows_exactly_the_scope(cast: Cast, username: str) -> None:
    response = client_for(getattr(cast, username)).get("/schools/")
    assert response.status_code == 200
    shown = {s.code for s in response.context["page"].object_list}
    assert shown == VISIBLE_SCHOOLS[username]


@pytest.mark.django_db
@pytest.mark.parametrize("username", sorted(HISTORY_SCHOOLS))
def test_school_history_opens_only_where_granted(cast: Cast, username: str) -> None:
    c = client_for(getattr(cast, username))
    for code in sorted(ALL_SCHOOLS):
        status = c.get(f"/schools/{code}/history/").status_code
        if code in HISTORY_SCHOOLS[username]:
            assert status == 200, (username, code)
        else:
            assert status in (403, 404), (username, code)


@pytest.mark.django_db
@pytest.mark.parametrize("username", sorted(VISIBLE_PEOPLE))
def test_people_list_shows_only_people_of_the_territory(cast: Cast, username: str) -> None:
    response = client_for(getattr(cast, username)).get("/people/")
    assert response.status_code == 200
    shown = {u.username for u in response.context["page"].object_list}
    assert shown == VISIBLE_PEOPLE[username]


@pytest.mark.django_db
@pytest.mark.parametrize("username", sorted(NO_PEOPLE_PAGE))
def test_people_page_is_closed_to_roles_without_it(cast: Cast, username: str) -> None:
    assert client_for(getattr(cast, username)).get("/people/").status_code == 403


@pytest.mark.django_db
def test_person_card_outside_the_territory_is_not_found(cast: Cast) -> None:
    c = client_for(cast.oleg)
    assert c.get(f"/people/{cast.vera.pk}/").status_code == 404
    assert c.get(f"/people/{cast.sam.pk}/").status_code == 200
    assert c.get(f"/people/{cast.zoe.pk}/history/").status_code == 404


@pytest.mark.django_db
def test_municipality_page_lists_only_visible_schools(cast: Cast) -> None:
    response = client_for(cast.kate).get(f"/municipalities/{cast.m1.code}/")
    assert response.status_code == 200
    assert [s.code for s in response.context["schools"]] == ["1001"]
    assert client_for(cast.kate).get(f"/municipalities/{cast.m2.code}/").status_code == 404
    assert client_for(cast.zoe).get(f"/municipalities/{cast.m1.code}/").status_code == 404


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in_everywhere(cast: Cast) -> None:
    c = Client()
    for url in ["/", "/schools/", "/schools/1001/", "/territory/", "/people/", f"/people/{cast.sam.pk}/",
                "/schools/1001/history/", "/jobs/"]:
        response = c.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


@pytest.mark.django_db
def test_changing_and_importing_is_granted_only_to_administrators(cast: Cast) -> None:
    admins = {"alice", "oleg", "zoe"}
    for username in VISIBLE_SCHOOLS:
        user = getattr(cast, username)
        for perm in (Perm.CHANGE_SCHOOL, Perm.IMPORT_SCHOOLS, Perm.IMPORT_PASSPORTS, Perm.MANAGE_PEOPLE):
            assert access.has_perm_anywhere(user, perm) == (username in admins), (username, perm)
    assert {s.code for s in access.schools_for(cast.oleg, Perm.CHANGE_SCHOOL)} == {"1001", "1002"}
    assert {s.code for s in access.schools_for(cast.zoe, Perm.CHANGE_SCHOOL)} == {"2001"}


@pytest.mark.django_db
def test_results_are_imported_by_the_regions_analysts_and_the_municipal_officer_for_their_schools(
    cast: Cast,
) -> None:
    importers = {"alice", "rita", "oleg", "zoe"}
    for username in VISIBLE_SCHOOLS:
        user = getattr(cast, username)
        assert access.has_perm_anywhere(user, Perm.IMPORT_RESULTS) == (username in importers), username
    assert {s.code for s in access.schools_for(cast.rita, Perm.IMPORT_RESULTS)} == {"1001", "1002", "1003"}
    assert {s.code for s in access.schools_for(cast.oleg, Perm.IMPORT_RESULTS)} == {"1001", "1002"}
    # Scales and tasks serve every region: the regional administrators only.
    from opora.results.imports.common import may_import_reference

    assert {u for u in VISIBLE_SCHOOLS if may_import_reference(getattr(cast, u))} == {"alice", "zoe"}
    # The regional coordinator loads results, not schools: the menu leads to the results imports.
    c = Client()
    c.force_login(cast.rita)
    assert c.get("/imports/").status_code == 403
    page = c.get("/results/imports/")
    assert page.status_code == 200 and 'href="/results/imports/"' in c.get("/").content.decode()


@pytest.mark.django_db
def test_blocked_user_loses_all_access(cast: Cast) -> None:
    cast.alice.is_active = False
    cast.alice.save()
    assert not access.schools_for(cast.alice).exists()


@pytest.mark.django_db
def test_schedule_of_periodic_jobs_is_for_installation_and_regional_administrators(cast: Cast) -> None:
    for username in VISIBLE_SCHOOLS:
        user = getattr(cast, username)
        assert access.has_perm_anywhere(user, Perm.VIEW_SCHEDULE) == (username in {"alice", "zoe"}), username
        assert client_for(user).get("/jobs/schedule/").status_code == (200 if username in {"alice", "zoe"} else 403)


@pytest.mark.django_db
def test_objectivity_cases_are_answered_by_heads_reviewed_by_municipalities_decided_by_the_region(
    cast: Cast,
) -> None:
    holders = {Perm.ANSWER_CASES: {"sam", "vera"}, Perm.REVIEW_CASES: {"maria"}, Perm.DECIDE_CASES: {"rita"}}
    for perm, expected in holders.items():
        assert {u for u in VISIBLE_SCHOOLS if access.has_perm_anywhere(getattr(cast, u), perm)} == expected, perm
    assert {s.code for s in access.schools_for(cast.sam, Perm.ANSWER_CASES)} == {"1001"}
    assert {s.code for s in access.schools_for(cast.maria, Perm.REVIEW_CASES)} == {"1001", "1002"}
    assert access.can_on_region(cast.rita, Perm.DECIDE_CASES, cast.r10)
    assert not access.can_on_region(cast.rita, Perm.DECIDE_CASES, cast.r20)
