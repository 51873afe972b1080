"""Development plans (ИОМ): who sees teachers by name, plans and items, courses closing items,
the figures, the teacher's own plan."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opora.core.errors import AccessDenied, ValidationFailed
from opora.staff.development_figures import development_figures
from opora.staff.models import DeficitDiagnostic, DevelopmentPlan, PlanItemKind
from opora.staff.services import development as services
from tests.conftest import Cast
from tests.staff.builders import make_staff

pytestmark = pytest.mark.django_db
YEAR = 2025


def _diagnose(staff: Any, area: str = "методические", deficit: bool = True) -> None:
    DeficitDiagnostic.objects.create(staff=staff, year=YEAR, area=area, has_deficit=deficit, source="ЦНППМ")


@pytest.fixture
def anna(cast: Cast) -> Any:
    staff = make_staff(cast.s1, "Иванова Анна Петровна", user=cast.tom)
    _diagnose(staff)
    return staff


def test_a_course_closes_its_plan_item_and_the_teacher_counts_as_trained(cast: Cast, anna: Any) -> None:
    plan = services.development_plan_create(actor=cast.sam, staff=anna, year=YEAR)
    item = services.plan_item_add(actor=cast.sam, plan=plan, kind=PlanItemKind.COURSE,
                                  title="КПК «Формирующее оценивание»", area="методические", hours=36)
    assert development_figures(school_ids=[cast.s1.pk], year=YEAR)[cast.s1.pk].trained == 0
    services.course_completion_record(actor=cast.sam, staff=anna, title="", completed_on=datetime.date(2025, 5, 1),
                                      certificate="У-123", plan_item=item)
    item.refresh_from_db()
    assert item.completed_on == datetime.date(2025, 5, 1)
    figures = development_figures(school_ids=[cast.s1.pk], year=YEAR)[cast.s1.pk]
    assert (figures.diagnosed, figures.with_deficits, figures.with_plans, figures.trained) == (1, 1, 1, 1)


def test_a_teacher_with_deficits_and_no_plan_needs_one(cast: Cast, anna: Any) -> None:
    make_staff(cast.s1, "Без Дефицитов")
    assert development_figures(school_ids=[cast.s1.pk], year=YEAR)[cast.s1.pk].needs_plan == 1
    services.development_plan_create(actor=cast.maria, staff=anna, year=YEAR)
    assert development_figures(school_ids=[cast.s1.pk], year=YEAR)[cast.s1.pk].needs_plan == 0


def test_one_plan_per_year_and_dates_in_order(cast: Cast, anna: Any) -> None:
    plan = services.development_plan_create(actor=cast.mila, staff=anna, year=YEAR)
    with pytest.raises(ValidationFailed):
        services.development_plan_create(actor=cast.mila, staff=anna, year=YEAR)
    with pytest.raises(ValidationFailed):
        services.plan_item_add(actor=cast.mila, plan=plan, kind=PlanItemKind.SELF_STUDY, title="Чтение",
                               starts_on=datetime.date(2025, 5, 1), due_on=datetime.date(2025, 4, 1))


def test_only_school_and_municipality_roles_with_the_right_manage_plans(cast: Cast, anna: Any) -> None:
    for user in (cast.alice, cast.rita, cast.kate, cast.oleg, cast.tom, cast.vera, cast.olga):
        with pytest.raises(AccessDenied):
            services.development_plan_create(actor=user, staff=anna, year=YEAR)


def test_teachers_by_name_only_inside_the_school_and_municipality(client: Client, cast: Cast, anna: Any) -> None:
    make_staff(cast.s3, "Лесная Учительница")
    url = reverse("development:teachers") + f"?year={YEAR}"
    for user in (cast.sam, cast.maria, cast.mila, cast.oleg):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and "Иванова Анна Петровна" in response.text
        assert "Лесная Учительница" not in response.text
    for user in (cast.alice, cast.rita, cast.kate, cast.olga, cast.tom):
        client.force_login(user)
        assert client.get(url).status_code == 403
        # the teacher's own card is open to the teacher (the registry row is linked to the account)
        expected = 200 if user == cast.tom else 404
        assert client.get(reverse("development:teacher", args=[anna.pk])).status_code == expected
    client.force_login(cast.vera)
    assert client.get(reverse("development:teacher", args=[anna.pk])).status_code == 404


def test_regional_admin_sees_figures_without_names(client: Client, cast: Cast, anna: Any) -> None:
    client.force_login(cast.alice)
    response = client.get(reverse("development:home") + f"?year={YEAR}")
    assert response.status_code == 200
    assert cast.s1.name in response.text and "Иванова" not in response.text
    client.force_login(cast.zoe)
    assert cast.s1.name not in client.get(reverse("development:home") + f"?year={YEAR}").text


def test_figures_export_to_xlsx(client: Client, cast: Cast, anna: Any) -> None:
    from io import BytesIO

    from openpyxl import load_workbook
    client.force_login(cast.maria)
    response = client.get(reverse("development:home") + f"?year={YEAR}&format=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == cast.s1.name and rows[1][2] == 1 and rows[1][6] == 1


def test_head_creates_a_plan_adds_items_and_marks_one_done(client: Client, cast: Cast, anna: Any) -> None:
    client.force_login(cast.sam)
    response = client.post(reverse("development:plan_new", args=[anna.pk]), {"year": YEAR, "goals": "Освоить ФО"})
    plan = DevelopmentPlan.objects.get(staff=anna, year=YEAR)
    assert response.url == reverse("development:plan", args=[plan.pk])
    bad = client.post(reverse("development:item_new", args=[plan.pk]), {"kind": "course", "title": "",
                                                                         "hours": "много"})
    assert bad.status_code == 400 and "много" in bad.text
    client.post(reverse("development:item_new", args=[plan.pk]),
                {"kind": "self_study", "title": "Изучить приёмы формирующего оценивания", "area": "методические"})
    item = plan.items.get()
    client.post(reverse("development:item_complete", args=[plan.pk, item.pk]), {})
    item.refresh_from_db()
    assert item.completed_on is not None
    page = client.get(reverse("development:plan", args=[plan.pk]))
    assert "1 из 1" in page.text or "1 of 1" in page.text


def test_the_teacher_sees_own_plan_but_not_a_colleagues(client: Client, cast: Cast, anna: Any) -> None:
    plan = services.development_plan_create(actor=cast.sam, staff=anna, year=YEAR)
    other = make_staff(cast.s1, "Коллега")
    other_plan = services.development_plan_create(actor=cast.sam, staff=other, year=YEAR)
    client.force_login(cast.tom)
    assert reverse("development:plan", args=[plan.pk]) in client.get(reverse("development:mine")).text
    own = client.get(reverse("development:plan", args=[plan.pk]))
    assert own.status_code == 200 and reverse("development:item_new", args=[plan.pk]) not in own.text
    assert client.get(reverse("development:plan", args=[other_plan.pk])).status_code == 404
    assert client.post(reverse("development:item_new", args=[plan.pk]), {"kind": "course", "title": "x"}
                       ).status_code == 403


def test_the_teachers_list_keeps_its_query_count(client: Client, cast: Cast,
                                                 django_assert_max_num_queries: Any) -> None:
    for n in range(30):
        staff = make_staff(cast.s1, f"Учитель {n:02d}")
        _diagnose(staff)
        if n % 2:
            services.development_plan_create(actor=cast.sam, staff=staff, year=YEAR)
    client.force_login(cast.maria)
    with django_assert_max_num_queries(19):
        response = client.get(reverse("development:teachers") + f"?year={YEAR}&status=needs_plan")
    assert response.text.count("data-staff=") == 15
    with django_assert_max_num_queries(19):
        client.get(reverse("development:home") + f"?year={YEAR}")
