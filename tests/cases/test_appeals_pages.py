"""The appeals pages: filing (a refusal keeps what was typed), who sees which appeal, the region's
forms, the versions of the list and what each role sees of them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from opora.cases import appeals
from opora.cases.models import Appeal, AppealKind, AppealOutcome, AppealState
from opora.identification.models import ListVersion, Run, YearList
from opora.identification.services import list_approve
from tests.conftest import Cast


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def approved(cast: Cast, federal_run: Run) -> YearList:
    return list_approve(actor=cast.rita, run=federal_run)


@pytest.fixture
def appeal(cast: Cast, approved: YearList) -> Appeal:
    return appeals.appeal_file(actor=cast.maria, school=cast.s2, year=approved.year, kind=AppealKind.INCLUSION,
                               reasons="Три ученика с ОВЗ писали ОГЭ по особой программе.")


def test_filing_from_the_page_and_a_refusal_keeping_the_text(cast: Cast, approved: YearList) -> None:
    client = login(cast.sam)
    assert client.get(reverse("cases:appeal_new")).status_code == 200
    typed = "Школа не согласна с включением"
    refused = client.post(reverse("cases:appeal_new"), {"school": cast.s1.pk, "year": approved.year,
                                                         "kind": AppealKind.INCLUSION, "reasons": typed})
    assert refused.status_code == 400  # s1 is not on the list
    refusal = _("The school is not on the list of %(year)s.") % {"year": approved.year}
    assert typed in refused.content.decode() and refusal in refused.content.decode()
    assert not Appeal.objects.exists()
    done = client.post(reverse("cases:appeal_new"), {"school": cast.s1.pk, "year": approved.year,
                                                      "kind": AppealKind.EXCLUSION, "reasons": "Просим включить"})
    assert done.status_code == 302
    assert Appeal.objects.get().filed_by == cast.sam
    for user in (cast.kate, cast.tom, cast.rita, cast.nobody):
        assert login(user).get(reverse("cases:appeal_new")).status_code == 403, user


def test_who_sees_the_appeal_and_its_forms(cast: Cast, appeal: Appeal) -> None:
    url = reverse("cases:appeal", args=[appeal.pk])
    for user in (cast.rita, cast.maria, cast.alice):
        assert login(user).get(url).status_code == 200, user
    for user in (cast.vera, cast.zoe, cast.olga, cast.kate):  # kate curates s1 only
        assert login(user).get(url).status_code == 404, user
    assert login(cast.tom).get(url).status_code == 403
    region = login(cast.rita).get(url).content.decode()
    assert 'id="form-decide"' in region and 'id="form-ask"' in region and 'id="school-numbers"' in region
    municipality = login(cast.maria).get(url).content.decode()
    assert 'id="form-decide"' not in municipality
    listing = login(cast.vera).get(reverse("cases:appeals")).content.decode()
    assert cast.s2.name not in listing
    assert cast.s2.name in login(cast.rita).get(reverse("cases:appeals")).content.decode()


def test_the_decision_from_the_page_makes_a_version_others_see_in_part(cast: Cast, appeal: Appeal,
                                                                       approved: YearList) -> None:
    response = login(cast.rita).post(reverse("cases:appeal_act", args=[appeal.pk, "decide"]), {
        "outcome": AppealOutcome.UPHELD, "decision": "Особая программа ОГЭ", "lock_version": appeal.lock_version})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == AppealState.DECIDED and appeal.list_version == 2
    page = login(cast.maria).get(reverse("cases:appeal", args=[appeal.pk])).content.decode()
    assert 'data-version="2"' in page and 'data-version="1"' in page
    first = ListVersion.objects.get(year_list=approved, number=1)
    assert cast.s2.name in login(cast.maria).get(reverse("cases:list_version", args=[first.pk])).content.decode()
    # Another municipality's observer sees the version without the school of M1.
    other = login(cast.olga).get(reverse("cases:list_version", args=[first.pk])).content.decode()
    assert cast.s2.name not in other
    assert login(cast.zoe).get(reverse("cases:list_version", args=[first.pk])).status_code == 404


def test_a_stale_decision_is_refused_with_the_current_state(cast: Cast, appeal: Appeal) -> None:
    stale = appeal.lock_version
    appeals.appeal_ask(actor=cast.rita, appeal=appeal, lock_version=stale, question="Приложите протокол")
    page = login(cast.rita).post(reverse("cases:appeal_act", args=[appeal.pk, "decide"]), {
        "outcome": AppealOutcome.REJECTED, "decision": "Нет оснований", "lock_version": stale})
    assert page.status_code == 400
    assert "Нет оснований" in page.content.decode()  # the form still applies: what was typed stays
    reply = login(cast.maria).post(reverse("cases:appeal_act", args=[appeal.pk, "reply"]), {
        "reply": "Протокол во вложении", "lock_version": stale + 1})
    assert reply.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == AppealState.FILED and appeal.reply == "Протокол во вложении"


def test_the_region_sets_the_period(cast: Cast, appeal: Appeal, approved: YearList) -> None:
    url = reverse("cases:appeal_period", args=[cast.r10.code, approved.year])
    assert login(cast.maria).post(url, {"closes_on": "2099-01-01"}).status_code == 404
    assert login(cast.rita).post(url, {"closes_on": "2099-01-01"}).status_code == 302
    assert str(appeals.period_closes(cast.r10, approved.year)) == "2099-01-01"
