"""Meetings and decisions through the services: who may record, close, cancel; parts and the whole."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opora.core.errors import AccessDenied, ValidationFailed
from opora.identification.models import ListEntry, RuleSet, Run, YearList
from opora.support.models import DecisionStatus
from opora.support.services import meetings as services
from tests.support.meetings_builders import make_decision, make_meeting

pytestmark = pytest.mark.django_db

FIELDS = {"title": "Совещание руководителей", "held_on": date(2026, 1, 31), "number": "3"}


def test_municipal_coordinator_records_a_meeting_of_their_municipality(cast):
    meeting = services.meeting_create(actor=cast.maria, region=cast.r10, municipality=cast.m1, fields=FIELDS,
                                      agenda=[{"title": "Анализ результатов", "speaker": "Червова С.В."},
                                              {"title": "", "speaker": "", "heard": ""}])
    assert meeting.agenda == [{"title": "Анализ результатов", "speaker": "Червова С.В.", "heard": ""}]
    assert meeting.municipality == cast.m1


@pytest.mark.parametrize("who", ["sam", "kate", "tom", "mila", "olga"])
def test_schools_curators_and_methodists_cannot_record_meetings(cast, who):
    with pytest.raises(AccessDenied):
        services.meeting_create(actor=getattr(cast, who), region=cast.r10, municipality=cast.m1, fields=FIELDS)


def test_coordinator_of_another_municipality_cannot_record_here(cast):
    with pytest.raises(AccessDenied):
        services.meeting_create(actor=cast.maria, region=cast.r10, municipality=cast.m2, fields=FIELDS)


def test_a_meeting_without_title_or_date_is_refused_in_russian_words(cast):
    with pytest.raises(ValidationFailed) as error:
        services.meeting_create(actor=cast.maria, region=cast.r10, municipality=cast.m1,
                                fields={"title": " ", "held_on": None})
    assert len(error.value.messages) == 2


def test_decision_to_several_schools_is_one_part_per_school_and_done_when_all_are(cast):
    meeting = make_meeting(cast)
    decision = services.decision_add(actor=cast.maria, meeting=meeting, text="Разработать дорожную карту",
                                     due_on=date(2026, 2, 21), schools=[cast.s1, cast.s2], users=[cast.oleg])
    parts = {(p.school_id, p.user_id): p for p in decision.owners.all()}
    assert len(parts) == 3
    services.part_close(actor=cast.sam, part=parts[(cast.s1.pk, None)], evidence="Дорожная карта утверждена")
    services.part_close(actor=cast.oleg, part=parts[(None, cast.oleg.pk)], evidence="Проверено")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OPEN
    services.part_close(actor=cast.maria, part=parts[(cast.s2.pk, None)], evidence="Получено на бумаге")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE


def test_head_cannot_close_another_schools_part_nor_a_colleagues_part(cast):
    meeting = make_meeting(cast)
    decision = make_decision(meeting, schools=[cast.s2], users=[cast.oleg])
    for part in decision.owners.all():
        with pytest.raises(AccessDenied):
            services.part_close(actor=cast.sam, part=part, evidence="готово")
        with pytest.raises(AccessDenied):
            services.part_close(actor=cast.tom, part=part, evidence="готово")


def test_closing_a_part_needs_evidence(cast):
    decision = make_decision(make_meeting(cast), schools=[cast.s1])
    with pytest.raises(ValidationFailed):
        services.part_close(actor=cast.sam, part=decision.owners.get(), evidence="  ")


def test_evidence_file_is_checked_by_its_content(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    decision = make_decision(make_meeting(cast), schools=[cast.s1])
    part = decision.owners.get()
    fake = SimpleUploadedFile("приказ.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed):
        services.part_close(actor=cast.sam, part=part, upload=fake)
    real = SimpleUploadedFile("Приказ № 5.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    services.part_close(actor=cast.sam, part=part, upload=real)
    part.refresh_from_db()
    assert part.status == DecisionStatus.DONE
    assert part.evidence_name == "Приказ_№_5.pdf"
    assert part.evidence_file.read().startswith(b"%PDF-")


def test_organiser_cancels_a_decision_with_a_reason_and_parts_cannot_be_reported_then(cast):
    decision = make_decision(make_meeting(cast), schools=[cast.s1])
    with pytest.raises(ValidationFailed):
        services.decision_close(actor=cast.maria, decision=decision, status=DecisionStatus.CANCELLED)
    services.decision_close(actor=cast.maria, decision=decision, status=DecisionStatus.CANCELLED,
                            note="Снято с контроля приказом № 12")
    with pytest.raises(ValidationFailed):
        services.part_close(actor=cast.sam, part=decision.owners.get(), evidence="готово")
    with pytest.raises(AccessDenied):
        services.decision_close(actor=cast.sam, decision=decision, status=DecisionStatus.DONE)


def test_reopening_a_part_reopens_a_done_decision(cast):
    decision = make_decision(make_meeting(cast), schools=[cast.s1])
    part = decision.owners.get()
    services.part_close(actor=cast.sam, part=part, evidence="готово")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE
    with pytest.raises(AccessDenied):
        services.part_reopen(actor=cast.sam, part=part)  # the decision is closed: only the organisers
    services.part_reopen(actor=cast.maria, part=part)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OPEN


def test_all_schools_of_the_years_list_in_the_municipality_in_one_step(cast):
    run = Run.objects.create(region=cast.r10, year=2025, rule_set=RuleSet.objects.order_by("pk").first())
    year_list = YearList.objects.create(region=cast.r10, year=2025, run=run)
    for school in (cast.s1, cast.s2, cast.s3):
        ListEntry.objects.create(year_list=year_list, school=school)
    meeting = make_meeting(cast)
    decision = services.decision_add(actor=cast.maria, meeting=meeting, text="Скорректировать ВСОКО",
                                     year_list=True)
    assert set(decision.owners.values_list("school_id", flat=True)) == {cast.s1.pk, cast.s2.pk}


def test_a_school_of_another_municipality_cannot_own_a_municipal_decision(cast):
    meeting = make_meeting(cast)
    with pytest.raises(ValidationFailed):
        services.decision_add(actor=cast.maria, meeting=meeting, text="Текст", schools=[cast.s3])
