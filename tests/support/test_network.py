"""Curators, partner schools and mentoring pairs: services, pages, suggestions and who sees what."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Role, RoleAssignment, School, SchoolType, Settlement
from opora.identification.models import ListEntry, RuleKind, RuleSet, Run, RunSchool, RunStatus, YearList
from opora.support.models import Curatorship, Mentoring, Partnership
from opora.support.services import network as services
from opora.support.suggestions import school_suggestions
from tests.conftest import Cast, make_user
from tests.staff.builders import make_staff

pytestmark = pytest.mark.django_db


def _login(client, user) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user)


def _run(cast: Cast, rows: dict[School, dict[str, object]], *, listed: list[School] = ()) -> Run:  # type: ignore[assignment]
    rule_set = RuleSet.objects.create(code="q", name="Q", kind=RuleKind.QUALITY)
    run = Run.objects.create(region=cast.r10, year=2025, rule_set=rule_set, status=RunStatus.DONE)
    for school, values in rows.items():
        RunSchool.objects.create(run=run, school=school, **values)
    year_list = YearList.objects.create(region=cast.r10, year=2025, run=run)
    for school in listed:
        ListEntry.objects.create(year_list=year_list, school=school)
    return run


@pytest.fixture
def extra(cast: Cast) -> School:
    """A fourth school of M1 with a strong result and a similar context to s2."""
    return School.objects.create(code="1004", name="МБОУ СОШ № 4 г. Озёрска", municipality=cast.m1,
                                 type=SchoolType.SECONDARY, settlement=Settlement.TOWN, distance_km=5)


# --- curatorship -----------------------------------------------------------------------------------


def test_assigning_a_curator_gives_them_the_school_and_ending_takes_it_away(cast: Cast) -> None:
    # vera heads s3 (another municipality of the same region): a valid curator for s2.
    record = services.curatorship_assign(actor=cast.maria, school=cast.s2, curator=cast.vera,
                                         starts_on=date(2025, 9, 1), goals="Программа развития")
    assert record.curator_school == cast.s3
    assert access.can_on_school(cast.vera, Perm.VIEW_PLANS, cast.s2)
    role = RoleAssignment.objects.get(user=cast.vera, role=Role.CURATOR)
    assert list(role.schools.all()) == [cast.s2]
    services.curatorship_end(actor=cast.maria, curatorship=record, ends_on=date(2025, 12, 1))
    access.forget(cast.vera)
    assert not access.can_on_school(cast.vera, Perm.VIEW_PLANS, cast.s2)
    assert access.can_on_school(cast.vera, Perm.VIEW_PLANS, cast.s3)  # own school untouched


def test_an_existing_curator_role_gains_the_school(cast: Cast) -> None:
    # kate already curates s1 through a curator role; make her a deputy at s3 first.
    RoleAssignment.objects.create(user=cast.kate, role=Role.TEACHER, school=cast.s3)
    cast.kate.position = "заместитель директора по УВР"
    cast.kate.save()
    services.curatorship_assign(actor=cast.rita, school=cast.s2, curator=cast.kate, starts_on=date(2025, 9, 1))
    role = RoleAssignment.objects.get(user=cast.kate, role=Role.CURATOR)
    assert set(role.schools.all()) == {cast.s1, cast.s2}


def test_own_staff_or_a_plain_teacher_cannot_be_the_curator(cast: Cast) -> None:
    with pytest.raises(ValidationFailed):  # sam heads s1 itself
        services.curatorship_assign(actor=cast.maria, school=cast.s1, curator=cast.sam, starts_on=date(2025, 9, 1))
    teacher = make_user("ivan", "Иван Учитель")
    RoleAssignment.objects.create(user=teacher, role=Role.TEACHER, school=cast.s3)
    with pytest.raises(ValidationFailed):
        services.curatorship_assign(actor=cast.maria, school=cast.s2, curator=teacher, starts_on=date(2025, 9, 1))


def test_the_same_curator_twice_is_refused(cast: Cast) -> None:
    services.curatorship_assign(actor=cast.maria, school=cast.s2, curator=cast.vera, starts_on=date(2025, 9, 1))
    with pytest.raises(ValidationFailed):
        services.curatorship_assign(actor=cast.maria, school=cast.s2, curator=cast.vera, starts_on=date(2025, 9, 2))


@pytest.mark.parametrize("name", ["sam", "tom", "kate", "mila", "olga", "oleg", "zoe", "nobody"])
def test_only_support_managers_assign_curators(cast: Cast, name: str) -> None:
    with pytest.raises(AccessDenied):
        services.curatorship_assign(actor=getattr(cast, name), school=cast.s2, curator=cast.vera,
                                    starts_on=date(2025, 9, 1))


def test_municipal_coordinator_cannot_manage_another_municipality(cast: Cast) -> None:
    with pytest.raises(AccessDenied):
        services.partnership_create(actor=cast.maria, school=cast.s3, partner=cast.s1, starts_on=date(2025, 9, 1))


# --- partnership and mentoring --------------------------------------------------------------------


def test_partnership_rules(cast: Cast) -> None:
    p = services.partnership_create(actor=cast.maria, school=cast.s2, partner=cast.s1, starts_on=date(2025, 9, 1))
    with pytest.raises(ValidationFailed):
        services.partnership_create(actor=cast.maria, school=cast.s2, partner=cast.s1, starts_on=date(2025, 9, 1))
    with pytest.raises(ValidationFailed):
        services.partnership_create(actor=cast.alice, school=cast.s2, partner=cast.s2, starts_on=date(2025, 9, 1))
    with pytest.raises(ValidationFailed):
        services.partnership_create(actor=cast.maria, school=cast.s2, partner=cast.s4, starts_on=date(2025, 9, 1))
    with pytest.raises(ValidationFailed):
        services.partnership_end(actor=cast.maria, partnership=p, ends_on=date(2025, 1, 1))
    services.partnership_end(actor=cast.maria, partnership=p, ends_on=date(2025, 12, 1))
    assert Partnership.objects.get().ends_on == date(2025, 12, 1)


def test_mentoring_pairs_within_the_actors_staff_scope(cast: Cast) -> None:
    mentor = make_staff(cast.s1, "Наставник Анна")
    mentee = make_staff(cast.s2, "Молодой Пётр")
    far = make_staff(cast.s3, "Далёкая Вера")
    partnership = services.partnership_create(actor=cast.maria, school=cast.s2, partner=cast.s1,
                                              starts_on=date(2025, 9, 1))
    pair = services.mentoring_create(actor=cast.mila, mentor=mentor, mentee=mentee, starts_on=date(2025, 9, 1),
                                     partnership=partnership)
    assert pair.partnership == partnership
    with pytest.raises(AccessDenied):  # the head of s1 does not manage s2's staff
        services.mentoring_create(actor=cast.sam, mentor=mentor, mentee=mentee, starts_on=date(2025, 9, 1))
    with pytest.raises(AccessDenied):  # s3 is outside M1
        services.mentoring_create(actor=cast.maria, mentor=far, mentee=mentee, starts_on=date(2025, 9, 1))
    with pytest.raises(ValidationFailed):
        services.mentoring_create(actor=cast.maria, mentor=mentee, mentee=mentee, starts_on=date(2025, 9, 1))
    with pytest.raises(AccessDenied):
        services.mentoring_create(actor=cast.tom, mentor=mentor, mentee=mentee, starts_on=date(2025, 9, 1))


# --- suggestions -----------------------------------------------------------------------------------


def test_suggestions_from_identification_leave_out_the_list_and_show_numbers(cast: Cast, extra: School) -> None:
    _run(cast, {
        cast.s2: {"swi": 3.0, "quality_index": 0.35, "low_results": True},
        cast.s1: {"swi": 7.5, "quality_index": 0.9},  # another social context
        extra: {"swi": 3.4, "quality_index": 0.6, "resilient": True},
        cast.s3: {"swi": 3.2, "quality_index": 0.7, "decline_risk": True},
    }, listed=[cast.s2])
    RoleAssignment.objects.create(user=make_user("dir4", "Директор Четвёртой"), role=Role.SCHOOL_HEAD, school=extra)
    result = school_suggestions(school=cast.s2, with_people=True)
    assert result.mode == "identification"
    assert [i.school for i in result.items] == [extra]
    c = result.items[0].candidate
    assert c.swi_diff == 0.4 and c.quality_diff == 0.25 and c.resilient  # type: ignore[attr-defined]
    assert [u.username for u in result.items[0].people] == ["dir4"]


def test_suggestions_without_a_run_say_so(cast: Cast, extra: School) -> None:
    result = school_suggestions(school=cast.s2)
    assert result.mode == "context"
    assert result.items[0].school.municipality == cast.m1


# --- pages -----------------------------------------------------------------------------------------


def test_school_card_shows_suggestions_and_assigning_from_them_works(client, cast: Cast, extra: School) -> None:
    _run(cast, {cast.s2: {"swi": 3.0, "quality_index": 0.35}, extra: {"swi": 3.1, "quality_index": 0.6}},
         listed=[cast.s2])
    head = make_user("dir4", "Директор Четвёртой")
    RoleAssignment.objects.create(user=head, role=Role.SCHOOL_HEAD, school=extra)
    _login(client, cast.maria)
    page = client.get(reverse("network:school", args=[cast.s2.code]))
    text = page.content.decode()
    assert page.status_code == 200 and "Директор Четвёртой" in text
    assert "0,25" in text or "0.25" in text
    response = client.post(reverse("network:curator_assign", args=[cast.s2.code]),
                           {"curator": head.pk, "starts_on": "2025-09-01", "goals": ""})
    assert response.status_code == 302
    assert Curatorship.objects.get().curator == head
    client.logout()
    _login(client, head)
    assert client.get(reverse("network:school", args=[cast.s2.code])).status_code == 200


def test_assign_form_keeps_input_and_shows_the_error(client, cast: Cast) -> None:
    _login(client, cast.maria)
    response = client.post(reverse("network:curator_assign", args=[cast.s2.code]),
                           {"curator": "", "starts_on": "2025-09-01", "goals": "Мои цели"})
    assert response.status_code == 400
    assert "Мои цели" in response.content.decode()


def test_network_home_highlights_listed_schools_without_curator_and_exports(client, cast: Cast,
                                                                          django_assert_max_num_queries) -> None:
    _run(cast, {cast.s2: {"swi": 3.0}}, listed=[cast.s2])
    services.partnership_create(actor=cast.maria, school=cast.s1, partner=cast.s2, starts_on=date(2025, 9, 1))
    _login(client, cast.maria)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("network:home"))
    text = page.content.decode()
    assert 'data-school="1002" class="needs-curator"' in text
    assert cast.s3.name not in text  # another municipality
    xlsx = client.get(reverse("network:home") + "?format=xlsx")
    sheet = load_workbook(BytesIO(xlsx.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == ["1001", "1002"]


def test_teacher_sees_the_card_but_no_forms_and_no_other_schools(client, cast: Cast) -> None:
    _login(client, cast.tom)
    page = client.get(reverse("network:school", args=[cast.s1.code]))
    assert page.status_code == 200 and "curator-form" not in page.content.decode()
    assert client.get(reverse("network:school", args=[cast.s2.code])).status_code == 404
    assert client.post(reverse("network:curator_assign", args=[cast.s1.code]), {}).status_code == 403


def test_people_without_support_access_get_403(client, cast: Cast) -> None:
    _login(client, cast.nobody)
    assert client.get(reverse("network:home")).status_code == 403
    assert client.get(reverse("network:curatorships")).status_code == 403


def test_curator_and_partnership_lists_are_scoped(client, cast: Cast) -> None:
    services.curatorship_assign(actor=cast.alice, school=cast.s3, curator=cast.sam, starts_on=date(2025, 9, 1))
    services.partnership_create(actor=cast.alice, school=cast.s3, partner=cast.s1, starts_on=date(2025, 9, 1))
    _login(client, cast.olga)  # observer of M2
    assert cast.s3.name in client.get(reverse("network:curatorships")).content.decode()
    client.logout()
    _login(client, cast.zoe)
    assert cast.s3.name not in client.get(reverse("network:curatorships")).content.decode()
    assert cast.s3.name not in client.get(reverse("network:partnerships")).content.decode()
    xlsx = client.get(reverse("network:partnerships") + "?format=xlsx")
    assert load_workbook(BytesIO(xlsx.content)).active.max_row == 1


def test_mentoring_names_only_inside_the_school_and_municipality(client, cast: Cast) -> None:
    mentor = make_staff(cast.s1, "Наставник Анна")
    mentee = make_staff(cast.s1, "Молодой Пётр")
    services.mentoring_create(actor=cast.sam, mentor=mentor, mentee=mentee, starts_on=date(2025, 9, 1))
    url = reverse("network:mentoring", args=[cast.s1.code])
    _login(client, cast.sam)
    assert "Молодой Пётр" in client.get(url).content.decode()
    client.logout()
    _login(client, cast.rita)  # region-wide: counts only
    page = client.get(url).content.decode()
    assert "Молодой Пётр" not in page and "1" in page
    assert client.get(url + "?format=xlsx").status_code == 403


def test_mentoring_form_records_a_pair_and_keeps_input_on_error(client, cast: Cast) -> None:
    mentor = make_staff(cast.s1, "Наставник Анна")
    mentee = make_staff(cast.s1, "Молодой Пётр")
    _login(client, cast.sam)
    url = reverse("network:mentoring", args=[cast.s1.code])
    bad = client.post(url, {"mentee": mentee.pk, "mentor": mentee.pk, "starts_on": "2025-09-01", "goals": "Цель"})
    assert bad.status_code == 400 and "Цель" in bad.content.decode()
    ok = client.post(url, {"mentee": mentee.pk, "mentor": mentor.pk, "starts_on": "2025-09-01", "goals": ""})
    assert ok.status_code == 302 and Mentoring.objects.count() == 1


def test_edit_and_end_a_curatorship_through_the_pages(client, cast: Cast) -> None:
    record = services.curatorship_assign(actor=cast.maria, school=cast.s2, curator=cast.vera,
                                         starts_on=date(2025, 9, 1))
    _login(client, cast.maria)
    url = reverse("network:edit", args=["curatorship", record.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"starts_on": "2025-09-02", "goals": "Новые цели"})
    record.refresh_from_db()
    assert record.goals == "Новые цели" and record.starts_on == date(2025, 9, 2)
    client.post(reverse("network:end", args=["curatorship", record.pk]), {"ends_on": "2025-10-01"})
    record.refresh_from_db()
    assert record.ends_on == date(2025, 10, 1)
    assert not RoleAssignment.objects.get(user=cast.vera, role=Role.CURATOR).schools.exists()
    client.logout()
    _login(client, cast.vera)  # a head cannot edit it
    assert client.post(url, {"starts_on": "2025-09-03", "goals": "x"}).status_code in (403, 404)
