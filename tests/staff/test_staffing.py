"""The staffing picture: figures from the registry or, without one, from the latest passport; sums
per municipality and region; the API gives numbers, never names, scoped by VIEW_SCHOOL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opora.core.models import SocialPassport
from opora.staff.models import Vacancy
from opora.staff.staffing import PASSPORT, REGISTRY, staffing_for, territory_staffing
from tests.conftest import Cast
from tests.staff.builders import make_staff

pytestmark = pytest.mark.django_db


def _registry_of_s1(cast: Cast) -> None:
    make_staff(cast.s1, "Иванова Мария", qualification_category="highest", age_group="60_plus")
    make_staff(cast.s1, "Петров Пётр", qualification_category="first")
    make_staff(cast.s1, "Сидорова Анна", qualification_category="first")
    make_staff(cast.s1, "Ушедшая Ольга", qualification_category="highest", is_active=False)
    make_staff(cast.s1, "Лосев Семён", position_kind="head", age_group="60_plus")
    make_staff(cast.s1, "Орлова Нина", position_kind="psychologist")
    Vacancy.objects.create(school=cast.s1, position_kind="teacher", subject="math", opened_on="2025-09-01")
    Vacancy.objects.create(school=cast.s1, position_kind="teacher", opened_on="2025-01-10", filled_on="2025-03-01")


def test_a_school_with_a_registry_is_counted_from_it_and_others_from_the_latest_passport(cast: Cast) -> None:
    _registry_of_s1(cast)
    SocialPassport.objects.create(school=cast.s2, year=2024, teachers=9, vacancies=1)
    SocialPassport.objects.filter(school=cast.s2, year=2025).update(teachers_aged_60_plus=3,
                                                                     teachers_first_category=2)
    figures = staffing_for([cast.s1.pk, cast.s2.pk, cast.s3.pk])
    s1, s2, s3 = figures[cast.s1.pk], figures[cast.s2.pk], figures[cast.s3.pk]
    assert (s1.source, s1.teachers, s1.vacancies, s1.aged_60_plus, s1.first_category, s1.highest_category,
            s1.has_psychologist) == (REGISTRY, 3, 1, 1, 2, 1, True)
    assert s1.first_category_pct == Decimal("66.7")
    assert (s2.source, s2.passport_year, s2.teachers, s2.vacancies, s2.has_psychologist) == (PASSPORT, 2025, 11, 3,
                                                                                            False)
    assert s2.aged_60_plus_pct == Decimal("27.3")
    assert s3.source == "none" and s3.teachers is None
    total = territory_staffing(figures.values())
    assert (total.schools, total.with_data, total.from_registry, total.teachers, total.vacancies) == (3, 2, 1, 14, 4)
    assert total.first_category_pct == Decimal("28.6")  # (2 + 2) / 14
    assert total.highest_category_pct == Decimal("33.3")  # 1 / 3: s2's passport does not say
    assert (total.without_psychologist, total.psychologist_known) == (1, 2)


def test_the_school_card_sets_the_school_against_its_municipality_and_region(cast: Cast) -> None:
    _registry_of_s1(cast)
    client = Client()
    client.force_login(cast.rita)
    page = client.get(reverse("staff:school", args=["1001"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Source" in html or "Источник" in html
    assert "66.7 %" in html or "66,7 %" in html
    assert reverse("staff:registry", args=["1001"]) not in html  # region-wide: aggregates, no registry link
    assert "Иванова" not in html


@pytest.mark.parametrize(("username", "status"), [("nobody", 403), ("zoe", 404), ("olga", 404)])
def test_the_school_card_is_closed_outside_the_users_territory(cast: Cast, username: str, status: int) -> None:
    client = Client()
    client.force_login(getattr(cast, username))
    url = reverse("staff:home") if username == "nobody" else reverse("staff:school", args=["1001"])
    assert client.get(url).status_code == status


def test_the_home_table_lists_only_schools_in_scope_and_exports_xlsx(cast: Cast,
                                                                     django_assert_max_num_queries: Any) -> None:
    _registry_of_s1(cast)
    client = Client()
    client.force_login(cast.vera)
    with django_assert_max_num_queries(26):
        page = client.get(reverse("staff:home"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-school="1003"' in html and 'data-school="1001"' not in html
    assert 'data-territory="10-01"' in html  # aggregates of the region's municipalities are shown
    assert "Иванова" not in html
    export = client.get(reverse("staff:home") + "?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    territories = client.get(reverse("staff:home") + "?format=xlsx&table=territories")
    assert territories.status_code == 200


def test_the_home_page_query_count_does_not_grow_with_schools(cast: Cast, django_assert_max_num_queries: Any) -> None:
    from opora.core.models import School
    for n in range(30):
        school = School.objects.create(code=f"9{n:03d}", name=f"Школа {n}", municipality=cast.m1, type="secondary",
                                       settlement="city")
        make_staff(school, f"Учитель {n}")
    client = Client()
    client.force_login(cast.alice)
    with django_assert_max_num_queries(26):
        assert client.get(reverse("staff:home")).status_code == 200


def test_api_summary_gives_numbers_never_names_and_is_scoped(cast: Cast) -> None:
    _registry_of_s1(cast)
    client = Client()
    client.force_login(cast.rita)
    data = client.get("/api/staff/summary", {"year": 2025}).json()
    assert {d["school_code"] for d in data} == {"1001", "1002", "1003"}
    s1 = next(d for d in data if d["school_code"] == "1001")
    assert (s1["source"], s1["teachers"], s1["vacancies"], s1["has_psychologist"]) == ("registry", 3, 1, True)
    assert s1["first_category_share"] == 0.6667
    assert s1["development"]["teachers"] == 3
    assert "Иванова" not in str(data)
    client.force_login(cast.vera)
    assert {d["school_code"] for d in client.get("/api/staff/summary").json()} == {"1003"}
    assert client.get("/api/staff/summary", {"school": "1001"}).status_code == 404
    client.force_login(cast.nobody)
    assert client.get("/api/staff/summary").status_code == 403
