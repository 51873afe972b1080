"""Owners of a meeting's decisions are told when it is assigned to them and, once, when it is overdue."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from opora.jobs.periodic import decisions_remind
from opora.notifications.models import Notification
from opora.support.decision_notify import overdue_notify
from opora.support.services import meetings as services
from tests.support.meetings_builders import make_meeting

pytestmark = pytest.mark.django_db


def test_people_and_school_heads_hear_of_a_decision_assigned_to_them(cast, django_capture_on_commit_callbacks):
    meeting = make_meeting(cast, created_by=cast.maria)
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decision_add(actor=cast.maria, meeting=meeting, text="Разработать дорожную карту",
                                         due_on=date(2026, 2, 21), schools=[cast.s1], users=[cast.oleg])
    assigned = Notification.objects.filter(verb="decision_assigned")
    assert {n.user.username for n in assigned} == {"oleg", "sam"}  # sam heads s1
    [to_sam] = [n for n in assigned if n.user == cast.sam]
    assert "Разработать дорожную карту" in to_sam.subject and "21" in to_sam.subject
    assert f"#decision-{decision.pk}" in to_sam.url and "Школа:" in to_sam.body
    # Adding the same owners again tells nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        services.owners_add(actor=cast.maria, decision=decision, users=[cast.oleg], schools=[cast.s1])
    assert Notification.objects.filter(verb="decision_assigned").count() == 2


def test_an_overdue_open_part_is_reminded_once_to_its_owners_and_the_organiser(cast):
    meeting = make_meeting(cast, created_by=cast.maria)
    decision = services.decision_add(actor=cast.maria, meeting=meeting, text="Провести диагностику",
                                     due_on=date(2026, 2, 21), schools=[cast.s1, cast.s2])
    parts = {p.school_id: p for p in decision.owners.all()}
    services.part_close(actor=cast.maria, part=parts[cast.s2.pk], evidence="Выполнено")
    assert overdue_notify(date(2026, 2, 21)) == 0  # the deadline day itself is not overdue
    mail.outbox.clear()
    sent = overdue_notify(date(2026, 2, 22))
    overdue = Notification.objects.filter(verb="decision_overdue")
    assert {n.user.username for n in overdue} == {"sam", "maria"}  # s1's head and the organiser; s2 is done
    assert sent == 2 and "Провести диагностику" in overdue.first().subject
    assert overdue_notify(date(2026, 2, 23)) == 0  # once
    assert decisions_remind() == "Отправлено напоминаний о просроченных решениях: 0."  # the scheduler job
