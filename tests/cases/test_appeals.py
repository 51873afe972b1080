"""Appeals against the approved list: the whole path, the period, who may do what, and an upheld
appeal making a new version of the list while the earlier one stays in its history."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from opora.cases import appeals
from opora.cases.models import AppealKind, AppealOutcome, AppealState
from opora.core.errors import AccessDenied, Conflict, ValidationFailed
from opora.identification.models import ListEntry, ListVersion, Run, YearList
from opora.identification.services import list_approve
from opora.notifications.models import Notification
from tests.cases.conftest import PDF_BYTES
from tests.conftest import Cast
from tests.identification.builders import LOW


@pytest.fixture
def approved(cast: Cast, federal_run: Run) -> YearList:
    return list_approve(actor=cast.rita, run=federal_run)


def test_an_upheld_appeal_makes_a_new_version_of_the_list(cast: Cast, approved: YearList,
                                                          django_capture_on_commit_callbacks) -> None:
    assert ListEntry.objects.filter(year_list=approved, school=cast.s2).exists()  # «1002» is the LOW school
    first = approved.versions.get()
    assert first.number == 1 and [e["school"] for e in first.entries] == [LOW]

    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeals.appeal_file(actor=cast.maria, school=cast.s2, year=approved.year, kind=AppealKind.INCLUSION,
                                     reasons="В 2025 году ОГЭ писали 3 ученика с ОВЗ по особой программе.",
                                     uploads=[SimpleUploadedFile("справка.pdf", PDF_BYTES, "application/pdf")])
    assert appeal.state == AppealState.FILED and appeal.files.count() == 1
    assert Notification.objects.filter(user=cast.rita, verb="appeal_filed").exists()

    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeals.appeal_ask(actor=cast.rita, appeal=appeal, lock_version=appeal.lock_version,
                                    question="Приложите протокол ПМПК.")
    assert appeal.state == AppealState.INFO
    assert Notification.objects.filter(user=cast.maria, verb="appeal_asked").exists()
    appeal = appeals.appeal_reply(actor=cast.maria, appeal=appeal, lock_version=appeal.lock_version,
                                  reply="Протокол приложен.",
                                  uploads=[SimpleUploadedFile("пмпк.pdf", PDF_BYTES, "application/pdf")])
    assert appeal.state == AppealState.FILED and appeal.files.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeals.appeal_decide(actor=cast.rita, appeal=appeal, lock_version=appeal.lock_version,
                                       outcome=AppealOutcome.UPHELD, decision="Результаты ОГЭ не отражают школу.")
    assert appeal.state == AppealState.DECIDED and appeal.list_version == 2
    assert not ListEntry.objects.filter(year_list=approved, school=cast.s2).exists()
    versions = list(ListVersion.objects.filter(year_list=approved).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].entries[0]["school"] == LOW and versions[1].entries == []  # the earlier one as it was
    assert f"{appeal.pk}" in versions[1].reason and "Результаты ОГЭ" in versions[1].reason
    assert Notification.objects.filter(user=cast.maria, verb="appeal_decided").exists()


def test_a_rejected_appeal_leaves_the_list_as_it_is(cast: Cast, approved: YearList) -> None:
    appeal = appeals.appeal_file(actor=cast.maria, school=cast.s2, year=approved.year, kind=AppealKind.INCLUSION,
                                 reasons="Не согласны")
    appeal = appeals.appeal_decide(actor=cast.rita, appeal=appeal, lock_version=appeal.lock_version,
                                   outcome=AppealOutcome.REJECTED, decision="Критерии выполнены два года подряд.")
    assert ListEntry.objects.filter(year_list=approved, school=cast.s2).exists()
    assert approved.versions.count() == 1 and appeal.list_version is None


def test_an_appeal_against_the_exclusion_puts_the_school_on_the_list(cast: Cast, approved: YearList) -> None:
    appeal = appeals.appeal_file(actor=cast.sam, school=cast.s1, year=approved.year, kind=AppealKind.EXCLUSION,
                                 reasons="Школа просит включить её в проект «500+».")
    appeals.appeal_decide(actor=cast.rita, appeal=appeal, lock_version=appeal.lock_version,
                          outcome=AppealOutcome.UPHELD, decision="Высокая доля обучающихся с ОВЗ.")
    entry = ListEntry.objects.get(year_list=approved, school=cast.s1)
    assert entry.manual and str(appeal.pk) in entry.reason


def test_what_may_be_appealed_and_when(cast: Cast, approved: YearList, federal_run: Run) -> None:
    year = approved.year
    with pytest.raises(ValidationFailed):  # s1 is not on the list
        appeals.appeal_file(actor=cast.sam, school=cast.s1, year=year, kind=AppealKind.INCLUSION, reasons="…")
    with pytest.raises(ValidationFailed):  # s2 is on it
        appeals.appeal_file(actor=cast.maria, school=cast.s2, year=year, kind=AppealKind.EXCLUSION, reasons="…")
    with pytest.raises(ValidationFailed):
        appeals.appeal_file(actor=cast.sam, school=cast.s1, year=year, kind=AppealKind.FLAG, flag="nonsense",
                            reasons="…")
    with pytest.raises(ValidationFailed):  # no list of the next year
        appeals.appeal_file(actor=cast.sam, school=cast.s1, year=year + 1, kind=AppealKind.FLAG,
                            flag="decline_risk", reasons="…")
    flag = appeals.appeal_file(actor=cast.sam, school=cast.s1, year=year, kind=AppealKind.FLAG,
                               flag="decline_risk", reasons="Спад объясняется сменой программы")
    with pytest.raises(ValidationFailed):  # the same appeal twice
        appeals.appeal_file(actor=cast.sam, school=cast.s1, year=year, kind=AppealKind.FLAG, flag="decline_risk",
                            reasons="Ещё раз")
    assert flag.decision_due == timezone.localdate() + timedelta(days=appeals.DECISION_DAYS)

    closes = appeals.period_closes(cast.r10, year)
    assert closes == timezone.localdate() + timedelta(days=appeals.APPEAL_DAYS)
    appeals.period_set(actor=cast.rita, region=cast.r10, year=year, closes_on=timezone.localdate() + timedelta(days=5))
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        with pytest.raises(ValidationFailed):
            appeals.appeal_file(actor=cast.maria, school=cast.s2, year=year, kind=AppealKind.INCLUSION, reasons="…")
        assert appeals.appeal_overdue(flag, timezone.localdate()) is False
    with pytest.raises(AccessDenied):
        appeals.period_set(actor=cast.maria, region=cast.r10, year=year, closes_on=timezone.localdate())


def test_who_may_file_and_decide(cast: Cast, approved: YearList) -> None:
    year = approved.year
    for user in (cast.vera, cast.kate, cast.tom, cast.rita, cast.olga):
        with pytest.raises(AccessDenied):
            appeals.appeal_file(actor=user, school=cast.s2, year=year, kind=AppealKind.INCLUSION, reasons="…")
    appeal = appeals.appeal_file(actor=cast.maria, school=cast.s2, year=year, kind=AppealKind.INCLUSION,
                                 reasons="Не согласны")
    for user in (cast.maria, cast.sam, cast.alice, cast.zoe):
        with pytest.raises(AccessDenied):
            appeals.appeal_decide(actor=user, appeal=appeal, lock_version=appeal.lock_version,
                                  outcome=AppealOutcome.UPHELD, decision="…")
    stale = appeal.lock_version
    appeals.appeal_ask(actor=cast.rita, appeal=appeal, lock_version=stale, question="Документы?")
    with pytest.raises(Conflict):
        appeals.appeal_decide(actor=cast.rita, appeal=appeal, lock_version=stale, outcome=AppealOutcome.UPHELD,
                              decision="…")
    # Seen by the school's people and the region, not by another school.
    assert appeal.pk in set(appeals.appeals_for(cast.maria).values_list("pk", flat=True))
    assert appeal.pk in set(appeals.appeals_for(cast.rita).values_list("pk", flat=True))
    assert not appeals.appeals_for(cast.vera).exists()
    assert not appeals.appeals_for(cast.zoe).exists()
