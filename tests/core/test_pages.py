"""The start page, the territory, the school list with filters, the school card and history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from opora.core.models import School, SocialPassport, User
from tests.conftest import Cast


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_start_page_shows_the_scope_and_schools_missing_a_passport(cast: Cast) -> None:
    response = client_for(cast.alice).get("/")
    summary = response.context["summary"]
    assert summary["school_count"] == 3 and summary["municipality_count"] == 2
    # s3 has no passport for 2025, the latest year in the region.
    assert summary["missing_passport_count"] == 1
    assert "МАОУ Лицей № 3 г. Лесного" in response.content.decode()
    # Only s2 has no head in Opora (vera heads s3).
    assert summary["headless_count"] == 1
    assert [s.code for s in summary["headless_sample"]] == ["1002"]


@pytest.mark.django_db
def test_start_page_of_a_curator_links_the_assigned_schools(cast: Cast) -> None:
    response = client_for(cast.kate).get("/")
    assert [s.code for s in response.context["summary"]["my_schools"]] == ["1001"]
    assert 'href="/schools/1001/"' in response.content.decode()


@pytest.mark.django_db
def test_start_page_and_people_list_do_not_query_per_row(
    cast: Cast, django_assert_max_num_queries  # type: ignore[no-untyped-def]
) -> None:
    from opora.core.models import Role, RoleAssignment

    for i in range(30):
        user = User.objects.create(username=f"t{i}", full_name=f"Учитель {i}")
        RoleAssignment.objects.create(user=user, role=Role.TEACHER, school=cast.s1)
    c = client_for(cast.alice)
    with django_assert_max_num_queries(20):
        c.get("/")
    with django_assert_max_num_queries(12):
        response = c.get("/people/")
    assert len(response.context["page"].object_list) == 40


@pytest.mark.django_db
def test_start_page_of_a_user_without_roles_says_so(cast: Cast) -> None:
    response = client_for(cast.nobody).get("/")
    assert response.context["summary"]["school_count"] == 0
    assert not response.context["assignments"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "лицей"}, {"1003"}),
        ({"q": "1002"}, {"1002"}),
        ({"type": "basic"}, {"1002"}),
        ({"settlement": "village"}, {"1002"}),
        ({"size": "very_large"}, {"1003"}),
        ({"size": "small"}, {"1002"}),
    ],
)
def test_school_list_filters(cast: Cast, params: dict, expected: set) -> None:
    response = client_for(cast.alice).get("/schools/", params)
    assert {s.code for s in response.context["page"].object_list} == expected


@pytest.mark.django_db
def test_school_list_filter_by_municipality(cast: Cast) -> None:
    response = client_for(cast.alice).get("/schools/", {"municipality": cast.m2.pk})
    assert {s.code for s in response.context["page"].object_list} == {"1003"}


@pytest.mark.django_db
def test_school_list_page_does_not_query_per_row(cast: Cast, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for i in range(60):
        School.objects.create(
            code=f"9{i:03d}", name=f"Школа {i}", municipality=cast.m1, type="secondary", settlement="city"
        )
    c = client_for(cast.alice)
    with django_assert_max_num_queries(12):
        response = c.get("/schools/")
    assert len(response.context["page"].object_list) == 50


@pytest.mark.django_db
def test_school_card_shows_context_staff_and_passport_years(cast: Cast) -> None:
    SocialPassport.objects.create(school=cast.s2, year=2024, low_income_families=Decimal("0.38"), teachers=12)
    html = client_for(cast.oleg).get("/schools/1002/").content.decode()
    assert "МКОУ Заречная ООШ" in html and "42,5" in html
    # shares are shown as percentages in Russian number format, both years side by side
    assert "41,0" in html and "38,0" in html and "2024" in html and "2025" in html


@pytest.mark.django_db
def test_school_history_says_who_changed_what(cast: Cast) -> None:
    school = cast.s1
    school._history_user = cast.alice  # type: ignore[attr-defined]
    school.enrolment = 700
    school.save()
    entries = client_for(cast.sam).get("/schools/1001/history/").context["entries"]
    change = entries[0]
    assert change.action == "changed" and change.who == str(cast.alice)
    assert [(c.old, c.new) for c in change.changes] == [("640", "700")]


@pytest.mark.django_db
def test_pages_are_in_russian(cast: Cast) -> None:
    html = client_for(cast.alice).get("/schools/").content.decode()
    assert "Школы" in html and "Муниципалитет" in html
