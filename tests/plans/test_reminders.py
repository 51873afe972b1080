"""Daily reminders and the curators' weekly digest, with a frozen clock: due soon once, overdue to
the head and the reviewers, long waits to the reviewers, late measures to the head."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from opora.notifications.models import Notification
from opora.plans.models import DocState, DocumentKind, MeasureStatus, Stage
from opora.plans.reminders import digest, remind
from tests.conftest import Cast
from tests.plans.builders import YEAR, add_measure, make_document

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")


def due(cast: Cast, kind: str, day: date) -> None:
    Stage.objects.create(region=cast.r10, year=YEAR, kind=kind, due_on=day)


def recipients(verb: str) -> list[str]:
    return sorted(Notification.objects.filter(verb=verb).values_list("user__username", flat=True))


def test_the_head_is_reminded_once_of_a_document_due_soon(cast: Cast, settings: object) -> None:
    settings.PLANS_REMIND_DAYS = 7  # type: ignore[attr-defined]
    due(cast, DocumentKind.CONCEPT, date(YEAR, 3, 1))
    make_document(cast.s1, DocumentKind.CONCEPT)
    assert remind(date(YEAR, 2, 20)) == 0  # 9 days ahead: not yet
    assert remind(date(YEAR, 2, 24)) == 1
    assert remind(date(YEAR, 2, 25)) == 0  # the next day: nothing again
    assert recipients("due_soon") == ["sam"]
    note = Notification.objects.get()
    assert note.subject == ("МБОУ СОШ № 1 г. Озёрска: срок сдачи документа «концепция развития 2026» — "
                            "через 5 дней (1 марта 2026)")
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


def test_no_reminder_for_a_document_already_handed_in(cast: Cast) -> None:
    for kind in (DocumentKind.CONCEPT, DocumentKind.PROGRAMME, DocumentKind.REPORT_HALF):
        due(cast, kind, date(YEAR, 3, 1))
    make_document(cast.s1, DocumentKind.CONCEPT, state=DocState.APPROVED)
    make_document(cast.s1, DocumentKind.PROGRAMME, state=DocState.SUBMITTED)
    make_document(cast.s1, DocumentKind.REPORT_HALF, state=DocState.SUBMITTED)
    assert remind(date(YEAR, 2, 27)) == 0


def test_an_overdue_document_reaches_the_head_and_the_reviewers_once(cast: Cast) -> None:
    due(cast, DocumentKind.CONCEPT, date(YEAR, 3, 1))
    make_document(cast.s1, DocumentKind.CONCEPT, state=DocState.RETURNED)
    remind(date(YEAR, 3, 2))
    remind(date(YEAR, 3, 3))
    assert recipients("overdue") == ["kate", "maria", "sam"]
    assert "просрочен (срок был 1 марта 2026)" in Notification.objects.filter(verb="overdue").first().subject


def test_a_municipal_date_moves_the_reminders(cast: Cast) -> None:
    due(cast, DocumentKind.CONCEPT, date(YEAR, 3, 1))
    Stage.objects.create(region=cast.r10, municipality=cast.m1, year=YEAR, kind="concept", due_on=date(YEAR, 4, 1))
    make_document(cast.s1, DocumentKind.CONCEPT)
    assert remind(date(YEAR, 3, 10)) == 0


def test_reviewers_hear_of_a_document_waiting_more_than_a_week(cast: Cast) -> None:
    concept = make_document(cast.s1, DocumentKind.CONCEPT, state=DocState.SUBMITTED)
    concept.submitted_at = datetime(YEAR, 3, 2, 12, tzinfo=MSK)
    concept.save()
    assert remind(date(YEAR, 3, 9)) == 0
    assert remind(date(YEAR, 3, 10)) == 2
    assert remind(date(YEAR, 3, 11)) == 0
    assert recipients("review_waiting") == ["kate", "maria"]
    assert "ждёт рассмотрения 8 дней" in Notification.objects.first().subject


def test_the_head_hears_of_each_overdue_measure_once(cast: Cast) -> None:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, state=DocState.APPROVED)
    add_measure(roadmap, "Семинар", due_on=date(YEAR, 3, 1))
    add_measure(roadmap, "Проведено", due_on=date(YEAR, 3, 1), status=MeasureStatus.DONE, done_on=date(YEAR, 3, 1))
    add_measure(roadmap, "Потом", due_on=date(YEAR, 9, 1))
    assert remind(date(YEAR, 3, 5)) == 1
    assert remind(date(YEAR, 3, 6)) == 0
    assert recipients("measure_overdue") == ["sam"]
    assert "мероприятие «Семинар» просрочено" in Notification.objects.get().subject


def test_the_weekly_digest_lists_what_waits_for_the_curator(cast: Cast) -> None:
    due(cast, DocumentKind.PROGRAMME, date(YEAR, 3, 1))
    concept = make_document(cast.s1, DocumentKind.CONCEPT, state=DocState.SUBMITTED)
    concept.submitted_at = datetime(YEAR, 3, 2, 12, tzinfo=MSK)
    concept.save()
    make_document(cast.s1, DocumentKind.PROGRAMME)  # overdue
    make_document(cast.s3, DocumentKind.CONCEPT, state=DocState.SUBMITTED)  # not kate's school
    assert digest(date(YEAR, 3, 9)) == 1
    assert digest(date(YEAR, 3, 10)) == 0  # the same week
    note = Notification.objects.get()
    assert note.user == cast.kate
    assert note.subject == "Сводка за неделю: ждут вашего рассмотрения — 1, просрочено — 1"
    assert "1001 МБОУ СОШ № 1 г. Озёрска" in note.body
    assert "МБОУ СОШ № 1 г. Озёрска: концепция развития 2026 — ждёт 7 дней" in note.body
    assert "среднесрочная программа развития 2026 — срок 1 марта 2026" in note.body
    assert "Лицей" not in note.body
    assert mail.outbox[0].to == ["kate@example.org"] and "ждёт 7 дней" in mail.outbox[0].body
    assert digest(date(YEAR, 3, 16)) == 1  # next week


def test_the_commands_print_how_many_were_sent(cast: Cast) -> None:
    due(cast, DocumentKind.CONCEPT, date(YEAR, 3, 1))
    make_document(cast.s1, DocumentKind.CONCEPT)
    out = StringIO()
    call_command("plans_remind", "--date", f"{YEAR}-02-27", stdout=out)
    assert out.getvalue().strip() == "notifications sent: 1"
    out = StringIO()
    with time_machine.travel(datetime(YEAR, 3, 9, 8, tzinfo=MSK), tick=False):
        call_command("plans_digest", stdout=out)
    assert out.getvalue().strip() == "digests sent: 1"
