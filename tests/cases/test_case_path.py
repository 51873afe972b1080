"""The whole path of an objectivity case: opened from a run, sent, answered with a file, the
municipality's opinion, the region's decision and what a confirmed case changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.cases import services
from opora.cases.effects import is_marked, not_objective_works
from opora.cases.models import CaseState, EventKind, LowResultsEffect, ObjectivityCase, Outcome
from opora.core.errors import AccessDenied, Conflict, ValidationFailed
from opora.identification.execution import run_execute
from opora.identification.models import ListEntry, Run, RunSchool
from opora.identification.services import list_approve, run_recompute
from opora.notifications.models import Notification
from tests.cases.conftest import answered, plant_sign
from tests.conftest import Cast
from tests.identification.builders import LOW

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_case_goes_from_opening_to_a_confirmed_decision(cast: Cast, case: ObjectivityCase,
                                                          django_capture_on_commit_callbacks) -> None:
    assert case.state == CaseState.WAITING
    assert case.answer_due == timezone.localdate() + timedelta(days=services.ANSWER_DAYS)
    assert case.works == [{"subject": "math", "grade": 5}]
    assert case.signs[0]["numbers"]["at"] == 9

    with django_capture_on_commit_callbacks(execute=True):
        case = answered(cast, case, uploads=[SimpleUploadedFile("акт проверки.pdf", PDF, "application/pdf")])
    assert case.state == CaseState.REVIEW and case.answer.startswith("Работы")
    assert case.files.get().name == "акт_проверки.pdf"
    assert Notification.objects.filter(user=cast.maria, verb="case_review").exists()
    assert Notification.objects.filter(user=cast.rita, verb="case_review").exists()

    waiting = _("The municipality has not given its opinion yet: the region decides after it.")
    with pytest.raises(ValidationFailed, match=waiting):
        services.case_decide(actor=cast.rita, case=case, lock_version=case.lock_version,
                             outcome=Outcome.CONFIRMED, reason="Пик у границы")
    case = services.case_municipal_opinion(actor=cast.maria, case=case, lock_version=case.lock_version,
                                           outcome=Outcome.CONFIRMED, reason="Наблюдатели не присутствовали")
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_decide(actor=cast.rita, case=case, lock_version=case.lock_version,
                                    outcome=Outcome.CONFIRMED, reason="Пик у границы отметки «3»")
    assert case.state == CaseState.DECIDED and case.confirmed
    assert Notification.objects.filter(user=cast.sam, verb="case_decided").exists()
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [EventKind.OPENED, EventKind.SENT, EventKind.FILE, EventKind.ANSWERED, EventKind.MUNICIPAL,
                     EventKind.DECIDED]
    marked = not_objective_works([cast.s1.pk])[(cast.s1.pk, case.year)]
    assert is_marked(marked, "vpr", "math", 5) and not is_marked(marked, "vpr", "rus", 5)


def test_a_case_not_confirmed_carries_no_consequence(cast: Cast, case: ObjectivityCase) -> None:
    case = answered(cast, case)
    case = services.case_municipal_opinion(actor=cast.maria, case=case, lock_version=case.lock_version,
                                           outcome=Outcome.NOT_CONFIRMED, reason="Комиссия подтвердила баллы")
    case = services.case_decide(actor=cast.rita, case=case, lock_version=case.lock_version,
                                outcome=Outcome.NOT_CONFIRMED, reason="Перепроверка подтвердила результаты")
    assert not case.mark_results and not case.enhanced_control
    assert case.low_results_effect == LowResultsEffect.NONE
    assert not_objective_works([cast.s1.pk]) == {}


def test_two_coordinators_acting_at_once_never_both_win(cast: Cast, case: ObjectivityCase) -> None:
    stale = case.lock_version
    services.case_take(actor=cast.rita, case=case, lock_version=stale, comment="Срок ответа истёк")
    with pytest.raises(Conflict):
        services.case_answer(actor=cast.sam, case=case, lock_version=stale, text="Ответ")


def test_who_may_do_what(cast: Cast, case: ObjectivityCase) -> None:
    with pytest.raises(AccessDenied):
        services.case_answer(actor=cast.vera, case=case, lock_version=case.lock_version, text="Чужая школа")
    with pytest.raises(AccessDenied):
        services.case_answer(actor=cast.maria, case=case, lock_version=case.lock_version, text="Не директор")
    case = answered(cast, case)
    for actor in (cast.sam, cast.kate, cast.alice):
        with pytest.raises(AccessDenied):
            services.case_municipal_opinion(actor=actor, case=case, lock_version=case.lock_version,
                                            outcome=Outcome.CONFIRMED, reason="…")
    for actor in (cast.sam, cast.maria, cast.zoe):
        with pytest.raises(AccessDenied):
            services.case_decide(actor=actor, case=case, lock_version=case.lock_version,
                                 outcome=Outcome.CONFIRMED, reason="…")


def test_opening_by_level_takes_only_schools_with_a_sign_in_the_procedure(cast: Cast, federal_run: Run) -> None:
    plant_sign(federal_run, "1004", "vpr", index=0.9)
    plant_sign(federal_run, "1005", "vpr", index=0.3)
    plant_sign(federal_run, "1006", "oge", index=0.95)
    opened = services.cases_open(actor=cast.rita, run=federal_run, procedure="vpr", min_index=0.5)
    assert [c.school.code for c in opened.created] == ["1004"]
    again = services.cases_open(actor=cast.rita, run=federal_run, procedure="vpr", min_index=0.5)
    assert again.created == [] and len(again.skipped) == 1
    nothing = _("No school of the run has a sign of non-objective results in this procedure at this level.")
    with pytest.raises(ValidationFailed, match=nothing):
        services.cases_open(actor=cast.rita, run=federal_run, procedure="vpr", min_index=0.99)
    with pytest.raises(AccessDenied):
        services.cases_open(actor=cast.maria, run=federal_run, procedure="vpr", min_index=0.5)


def _confirm(cast: Cast, case: ObjectivityCase, effect: str) -> ObjectivityCase:
    case = answered(cast, case) if case.school == cast.s1 else services.case_take(
        actor=cast.rita, case=case, lock_version=case.lock_version, comment="Без ответа")
    if case.school.municipality == cast.m1:
        case = services.case_municipal_opinion(actor=cast.maria, case=case, lock_version=case.lock_version,
                                               outcome=Outcome.CONFIRMED, reason="Согласны")
    return services.case_decide(actor=cast.rita, case=case, lock_version=case.lock_version,
                                outcome=Outcome.CONFIRMED, reason="Подтверждено", low_results_effect=effect)


def test_a_confirmed_case_can_put_the_school_on_the_approved_list(cast: Cast, case: ObjectivityCase,
                                                                  signed_run: Run) -> None:
    year_list = list_approve(actor=cast.rita, run=signed_run)
    assert not ListEntry.objects.filter(year_list=year_list, school=cast.s1).exists()
    _confirm(cast, case, LowResultsEffect.INCLUDE)
    entry = ListEntry.objects.get(year_list=year_list, school=cast.s1)
    assert entry.manual and "Подтверждено" in entry.reason


def test_a_confirmed_case_leaves_its_works_out_of_the_determination(cast: Cast, federal_run: Run) -> None:
    low = RunSchool.objects.get(run=federal_run, school__code=LOW)
    assert low.low_results and low.included  # fails in ВПР and ОГЭ: two procedures
    plant_sign(federal_run, LOW, "vpr")
    case = services.cases_open(actor=cast.rita, run=federal_run, procedure="vpr", schools=[low.school]).created[0]
    # The planted sign names one work; the case is about the whole procedure here.
    ObjectivityCase.objects.filter(pk=case.pk).update(works=[])
    case.refresh_from_db()
    _confirm(cast, case, LowResultsEffect.EXCLUDE)

    run = run_execute(run_recompute(actor=cast.rita, run=federal_run, enqueue=False))
    low = RunSchool.objects.get(run=run, school__code=LOW)
    assert not low.included  # only ОГЭ is left: one procedure is not enough for the federal rule
    assert run.inputs["excluded_by_cases"]["schools"] == [LOW]
    assert any(w["code"] == "excluded_by_cases" for w in run.warnings)


def test_reminders_before_the_deadline_and_after_it_once_each(cast: Cast, case: ObjectivityCase) -> None:
    due = case.answer_due
    assert due is not None
    assert services.cases_remind(due - timedelta(days=2)) == 1
    assert services.cases_remind(due - timedelta(days=2)) == 0
    assert Notification.objects.filter(user=cast.sam, verb="case_due").count() == 1
    sent = services.cases_remind(due + timedelta(days=1))
    assert sent >= 3  # the head, the municipal coordinator, the regional coordinator
    assert case.events.filter(kind=EventKind.REMINDED).count() == 1
    assert services.cases_remind(due + timedelta(days=1)) == 0


def test_the_programme_counts_confirmed_cases_apart_from_signs(cast: Cast, case: ObjectivityCase) -> None:
    from opora.programmes import sources

    today = timezone.localdate()
    signs = {c.school_id: c.numerator for c in sources.objectivity_signs([cast.s1, cast.s2], case.year, today)}
    assert signs == {cast.s1.pk: 1, cast.s2.pk: 0}  # the planted sign
    before = {c.school_id: c.numerator for c in sources.objectivity_confirmed([cast.s1, cast.s2], case.year, today)}
    assert before == {cast.s1.pk: 0, cast.s2.pk: 0}
    _confirm(cast, case, LowResultsEffect.NONE)
    after = {c.school_id: c.numerator for c in sources.objectivity_confirmed([cast.s1, cast.s2], case.year, today)}
    assert after == {cast.s1.pk: 1, cast.s2.pk: 0}


def test_results_of_a_confirmed_case_are_marked_not_objective(cast: Cast, case: ObjectivityCase, client) -> None:
    from django.urls import reverse

    client.force_login(cast.sam)
    url = reverse("school_results", args=[cast.s1.code])
    math = client.get(url, {"procedure": "vpr", "subject": "math", "grade": 5}).content.decode()
    assert "not-objective" not in math
    _confirm(cast, case, LowResultsEffect.NONE)
    math = client.get(url, {"procedure": "vpr", "subject": "math", "grade": 5}).content.decode()
    rus = client.get(url, {"procedure": "vpr", "subject": "rus", "grade": 5}).content.decode()
    assert "not-objective" in math and "not-objective" not in rus
