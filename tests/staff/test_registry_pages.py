"""Staff registry pages: names only inside the school and its municipality; editing by the head and
the municipal officer; forms keep what was typed; leaving; vacancies; XLSX."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opora.staff.models import StaffMember, Vacancy
from tests.conftest import Cast
from tests.staff.builders import make_staff

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("username", ["sam", "maria", "oleg", "mila"])
def test_the_school_and_its_municipality_see_the_registry_by_name(cast: Cast, username: str,
                                                                  django_assert_max_num_queries: Any) -> None:
    for n in range(5):
        make_staff(cast.s1, f"Учитель Номер{n}")
    client = _client(getattr(cast, username))
    with django_assert_max_num_queries(15):
        page = client.get(reverse("staff:registry", args=["1001"]))
    assert page.status_code == 200
    assert "Учитель Номер3" in page.content.decode()
    export = client.get(reverse("staff:registry", args=["1001"]) + "?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(("username", "status"), [
    ("alice", 403), ("rita", 403), ("kate", 403), ("tom", 403), ("olga", 404), ("vera", 404), ("zoe", 404),
    ("nobody", 404),
])
def test_region_curators_teachers_and_others_do_not_see_names(cast: Cast, username: str, status: int) -> None:
    member = make_staff(cast.s1, "Секретная Персона")
    client = _client(getattr(cast, username))
    page = client.get(reverse("staff:registry", args=["1001"]))
    assert page.status_code == status
    assert "Секретная" not in page.content.decode()
    assert client.get(reverse("staff:registry", args=["1001"]) + "?format=xlsx").status_code == status
    assert client.get(reverse("staff:member_edit", args=[member.pk])).status_code in (403, 404)


def test_a_methodist_sees_but_cannot_change_the_registry(cast: Cast) -> None:
    member = make_staff(cast.s1, "Иванова Мария")
    client = _client(cast.mila)
    assert "member-new" not in client.get(reverse("staff:registry", args=["1001"])).content.decode()
    assert client.get(reverse("staff:member_new", args=["1001"])).status_code == 403
    assert client.post(reverse("staff:member_leave", args=[member.pk]), {"left_on": "2025-01-01"}).status_code == 403


def test_the_head_adds_a_person_and_a_bad_form_keeps_what_was_typed(cast: Cast) -> None:
    client = _client(cast.sam)
    make_staff(cast.s1, "Старый Учитель", external_id="42")
    url = reverse("staff:member_new", args=["1001"])
    bad = client.post(url, {"full_name": "Новикова Алла", "external_id": "42", "position_kind": "teacher",
                            "qualification_category": "first", "experience_years": "7", "age_group": "30_39",
                            "other_subjects": "начальные классы"})
    html = bad.content.decode()
    assert bad.status_code == 200
    assert 'value="Новикова Алла"' in html and "42" in html
    assert "already used" in html or "уже" in html
    good = client.post(url, {"full_name": "Новикова Алла", "external_id": "43", "position_kind": "teacher",
                             "qualification_category": "first", "experience_years": "7", "age_group": "30_39",
                             "subjects": ["math"], "other_subjects": "начальные классы", "user": cast.tom.pk})
    assert good.status_code == 302
    member = StaffMember.objects.get(external_id="43")
    assert member.subjects == ["math", "начальные классы"] and member.user == cast.tom
    page = client.get(reverse("staff:member_edit", args=[member.pk]))
    assert "начальные классы" in page.content.decode()


def test_only_an_account_with_a_role_at_the_school_may_be_linked(cast: Cast) -> None:
    client = _client(cast.sam)
    response = client.post(reverse("staff:member_new", args=["1001"]), {
        "full_name": "Чужая Вера", "position_kind": "teacher", "qualification_category": "none", "user": cast.vera.pk})
    assert response.status_code == 200
    assert not StaffMember.objects.filter(full_name="Чужая Вера").exists()


def test_leaving_removes_a_person_from_the_figures_and_the_list_keeps_them_on_request(cast: Cast) -> None:
    member = make_staff(cast.s1, "Уходящая Анна")
    client = _client(cast.oleg)
    response = client.post(reverse("staff:member_leave", args=[member.pk]), {"left_on": "2025-05-31"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active and str(member.left_on) == "2025-05-31"
    client.get(reverse("staff:home"))  # the message «… has left» is shown here
    assert "Уходящая" not in client.get(reverse("staff:registry", args=["1001"])).content.decode()
    assert "Уходящая" in client.get(reverse("staff:registry", args=["1001"]) + "?gone=1").content.decode()
    client.post(reverse("staff:member_return", args=[member.pk]))
    member.refresh_from_db()
    assert member.is_active and member.left_on is None


def test_vacancies_are_seen_with_the_school_and_managed_by_the_head(cast: Cast) -> None:
    head = _client(cast.sam)
    url = reverse("staff:vacancies", args=["1001"])
    assert head.post(url, {"position_kind": "teacher", "subject": "phys", "rate": "1", "opened_on": "2025-09-01"}
                     ).status_code == 302
    vacancy = Vacancy.objects.get(school=cast.s1)
    future = head.post(url, {"position_kind": "teacher", "subject": "", "rate": "1", "opened_on": "2999-01-01"})
    assert future.status_code == 200 and Vacancy.objects.count() == 1
    region = _client(cast.rita)
    page = region.get(url)
    assert page.status_code == 200 and "Физика" in page.content.decode() and "vacancy-form" not in page.content.decode()
    assert region.post(reverse("staff:vacancy_fill", args=[vacancy.pk])).status_code == 403
    assert _client(cast.zoe).get(url).status_code == 404
    assert head.post(reverse("staff:vacancy_fill", args=[vacancy.pk])).status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.filled_on is not None
    assert region.get(url + "?format=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")
