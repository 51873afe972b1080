"""Visits and consultations: who records, who sees, follow-ups into the school's roadmap, the list and XLSX."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import User
from opora.plans.models import DocState, Document, DocumentKind
from opora.support.models import FollowUp, Visit, VisitKind
from opora.support.services import visits as services
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_visit(cast: Cast, school=None, *, actor: User | None = None, kind: str = VisitKind.MONITORING,
               held_on: date = date(2026, 3, 10), purpose: str = "Мониторинг реализации дорожной карты") -> Visit:
    return services.visit_create(actor=actor or cast.maria, school=school or cast.s1, kind=kind, held_on=held_on,
                                 purpose=purpose, findings="Нет плана ВСОКО", recommendations="Разработать план ВСОКО",
                                 participants=[cast.maria, cast.mila], participants_text="Иванова И. И., методист ИМЦ")


def roadmap(cast: Cast, *, year: int = 2026, state: str = DocState.DRAFT) -> Document:
    return Document.objects.create(school=cast.s1, year=year, kind=DocumentKind.ROADMAP, factor="",
                                   title="Дорожная карта", state=state, content={})


# --- recording ---------------------------------------------------------------------------------


def test_curator_records_a_visit_to_the_curated_school(cast: Cast) -> None:
    visit = make_visit(cast, actor=cast.kate, kind=VisitKind.CURATOR)
    assert visit.school == cast.s1 and visit.created_by == cast.kate
    assert set(visit.participants.all()) == {cast.maria, cast.mila}


@pytest.mark.parametrize("who", ["sam", "tom", "oleg", "olga", "alice", "vera"])
def test_only_coordinators_methodists_and_curators_record_visits(cast: Cast, who: str) -> None:
    with pytest.raises(AccessDenied):
        make_visit(cast, actor=getattr(cast, who))


def test_curator_cannot_record_a_visit_to_another_school(cast: Cast) -> None:
    with pytest.raises(AccessDenied):
        make_visit(cast, cast.s2, actor=cast.kate)


def test_a_visit_needs_a_kind_a_date_and_a_purpose(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.visit_create(actor=cast.maria, school=cast.s1, kind="party", held_on=None, purpose=" ")
    assert len(error.value.messages) == 3


def test_a_person_from_another_region_cannot_be_named_a_participant(cast: Cast) -> None:
    with pytest.raises(ValidationFailed):
        services.visit_create(actor=cast.maria, school=cast.s1, kind=VisitKind.CONSULTATION,
                              held_on=date(2026, 3, 1), purpose="Консультация", participants=[cast.zoe])


# --- follow-ups and the roadmap -------------------------------------------------------------------


def test_head_adds_a_follow_up_to_the_editable_roadmap_as_a_visit_measure(cast: Cast) -> None:
    visit = make_visit(cast)
    follow_up = services.follow_up_add(actor=cast.maria, visit=visit, title="Разработать план ВСОКО",
                                       due_on=date(2026, 5, 1), responsible="Заместитель директора по УВР")
    document = roadmap(cast)
    measure = services.follow_up_to_roadmap(actor=cast.sam, follow_up=follow_up)
    follow_up.refresh_from_db()
    assert follow_up.measure == measure
    assert measure.document == document and measure.source == "visit"
    assert measure.title == "Разработать план ВСОКО" and measure.due_on == date(2026, 5, 1)
    assert measure.responsible == "Заместитель директора по УВР"


def test_follow_up_stays_proposed_when_the_roadmap_is_approved(cast: Cast) -> None:
    follow_up = services.follow_up_add(actor=cast.maria, visit=make_visit(cast), title="Семинар",
                                       due_on=date(2026, 4, 1))
    roadmap(cast, state=DocState.APPROVED)
    note = services.roadmap_note(cast.sam, follow_up, services.roadmap_for(follow_up))
    assert not note.can_add and "2026" in note.note
    with pytest.raises(ValidationFailed):
        services.follow_up_to_roadmap(actor=cast.sam, follow_up=follow_up)
    assert FollowUp.objects.get(pk=follow_up.pk).measure is None


def test_follow_up_says_there_is_no_roadmap_and_a_curator_cannot_add_it(cast: Cast) -> None:
    follow_up = services.follow_up_add(actor=cast.kate, visit=make_visit(cast), title="Семинар")
    assert "2026" in services.roadmap_note(cast.sam, follow_up, None).note
    document = roadmap(cast)
    note = services.roadmap_note(cast.kate, follow_up, document)
    assert not note.can_add
    with pytest.raises(ValidationFailed):
        services.follow_up_to_roadmap(actor=cast.kate, follow_up=follow_up)
    assert not document.measures.exists()


def test_follow_up_deadline_cannot_precede_the_visit(cast: Cast) -> None:
    with pytest.raises(ValidationFailed):
        services.follow_up_add(actor=cast.maria, visit=make_visit(cast), title="X", due_on=date(2026, 1, 1))


def test_a_visit_whose_follow_up_is_in_the_roadmap_cannot_be_deleted(cast: Cast) -> None:
    visit = make_visit(cast)
    follow_up = services.follow_up_add(actor=cast.maria, visit=visit, title="Семинар")
    roadmap(cast)
    services.follow_up_to_roadmap(actor=cast.sam, follow_up=follow_up)
    with pytest.raises(ValidationFailed):
        services.visit_delete(actor=cast.maria, visit=visit)
    with pytest.raises(ValidationFailed):
        services.follow_up_delete(actor=cast.maria, follow_up=follow_up)


# --- pages -------------------------------------------------------------------------------------


def test_coordinator_records_a_visit_through_the_form_and_adds_a_follow_up(cast: Cast) -> None:
    client = client_for(cast.maria)
    response = client.post(reverse("visits:new"), {
        "school": cast.s2.pk, "kind": VisitKind.LANDING, "held_on": "2026-02-12",
        "purpose": "Методический десант: формирующее оценивание", "participants": [cast.maria.pk, cast.mila.pk],
        "participants_text": "", "findings": "Учителя не используют критериальное оценивание",
        "recommendations": "Провести серию открытых уроков"})
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("visits:detail", args=[visit.pk])
    response = client.post(reverse("visits:follow_up_add", args=[visit.pk]),
                           {"title": "Открытые уроки", "due_on": "2026-04-15", "responsible": "Руководитель ШМО"})
    assert response.status_code == 302
    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "Открытые уроки" in page and "Провести серию открытых уроков" in page


def test_the_form_keeps_what_was_typed_and_shows_errors(cast: Cast) -> None:
    response = client_for(cast.maria).post(reverse("visits:new"), {
        "school": cast.s1.pk, "kind": VisitKind.CONSULTATION, "held_on": "", "purpose": "Консультация по ВСОКО"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Консультация по ВСОКО" in page and "errorlist" in page
    assert not Visit.objects.exists()


def test_head_sees_the_add_to_roadmap_button_and_uses_it(cast: Cast) -> None:
    follow_up = services.follow_up_add(actor=cast.maria, visit=make_visit(cast), title="Семинар для учителей")
    roadmap(cast)
    client = client_for(cast.sam)
    page = client.get(reverse("visits:detail", args=[follow_up.visit_id])).content.decode()
    assert reverse("visits:follow_up_roadmap", args=[follow_up.pk]) in page
    assert reverse("visits:edit", args=[follow_up.visit_id]) not in page
    response = client.post(reverse("visits:follow_up_roadmap", args=[follow_up.pk]))
    assert response.status_code == 302
    assert FollowUp.objects.get(pk=follow_up.pk).measure is not None


def test_curator_sees_why_the_follow_up_is_not_in_the_roadmap(cast: Cast) -> None:
    follow_up = services.follow_up_add(actor=cast.kate, visit=make_visit(cast), title="Семинар для учителей")
    page = client_for(cast.kate).get(reverse("visits:detail", args=[follow_up.visit_id])).content.decode()
    assert reverse("visits:follow_up_roadmap", args=[follow_up.pk]) not in page
    assert "follow-up-note" in page


def test_list_shows_only_visits_in_scope(cast: Cast) -> None:
    make_visit(cast, purpose="Визит в первую школу")
    services.visit_create(actor=cast.rita, school=cast.s3, kind=VisitKind.CONSULTATION, held_on=date(2026, 3, 2),
                          purpose="Визит в лицей")
    expected = {"maria": (True, False), "sam": (True, False), "tom": (True, False), "kate": (True, False),
                "olga": (False, True), "vera": (False, True), "rita": (True, True), "zoe": (False, False)}
    for who, (first, lyceum) in expected.items():
        page = client_for(getattr(cast, who)).get(reverse("visits:home")).content.decode()
        assert ("Визит в первую школу" in page) is first, who
        assert ("Визит в лицей" in page) is lyceum, who


def test_visits_pages_refuse_outsiders(cast: Cast) -> None:
    visit = make_visit(cast)
    assert client_for(cast.nobody).get(reverse("visits:home")).status_code == 403
    assert client_for(cast.zoe).get(reverse("visits:detail", args=[visit.pk])).status_code == 404
    assert client_for(cast.vera).get(reverse("visits:school", args=[cast.s1.code])).status_code == 404
    assert client_for(cast.sam).get(reverse("visits:new")).status_code == 403
    assert client_for(cast.sam).get(reverse("visits:edit", args=[visit.pk])).status_code == 403
    assert client_for(cast.tom).post(reverse("visits:delete", args=[visit.pk])).status_code == 403
    assert Visit.objects.filter(pk=visit.pk).exists()


def test_list_filters_by_kind_and_period(cast: Cast) -> None:
    make_visit(cast, purpose="Мартовский мониторинг")
    make_visit(cast, kind=VisitKind.CONSULTATION, held_on=date(2026, 1, 20), purpose="Январская консультация")
    client = client_for(cast.maria)
    page = client.get(reverse("visits:home"), {"kind": VisitKind.CONSULTATION}).content.decode()
    assert "Январская консультация" in page and "Мартовский мониторинг" not in page
    page = client.get(reverse("visits:home"), {"date_from": "2026-03-01"}).content.decode()
    assert "Январская консультация" not in page and "Мартовский мониторинг" in page


def test_list_exports_xlsx_with_the_filters(cast: Cast) -> None:
    make_visit(cast, purpose="Мартовский мониторинг")
    make_visit(cast, cast.s2, purpose="Визит во вторую школу")
    response = client_for(cast.maria).get(reverse("visits:home"), {"school": cast.s2.code, "format": "xlsx"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][3] == cast.s2.name and rows[1][6] == "Визит во вторую школу"
    assert "Иванова И. И." in rows[1][5]


def test_list_query_count_does_not_grow_with_visits(cast: Cast, django_assert_max_num_queries) -> None:
    for day in range(1, 21):
        make_visit(cast, held_on=date(2026, 3, day))
    client = client_for(cast.maria)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("visits:home")).status_code == 200
