"""Creating and saving documents: the head writes, a stale form never overwrites silently, a
returned document only lets the returned sections change, anti-risk programmes follow the factors
selected in the verified risk profile."""

from __future__ import annotations

import pytest
from django.utils import timezone

from opora.core.errors import AccessDenied, Conflict, ValidationFailed
from opora.core.models import School
from opora.diagnostics.models import CampaignSchool, Profile, ProfileFactor, ProfileStatus
from opora.plans.models import DocState, Document, DocumentKind
from opora.plans.services.documents import antirisk_ensure, document_create, document_save
from tests.conftest import Cast
from tests.diagnostics.builders import make_campaign
from tests.plans.builders import YEAR, make_document

pytestmark = pytest.mark.django_db


def verified_profile(school: School, factors: dict[str, bool], *, year: int = YEAR,
                     status: str = ProfileStatus.VERIFIED) -> Profile:
    """A profile of the school in a new campaign of the year: {factor code: selected}."""
    campaign = make_campaign(municipality=school.municipality, schools=[school], year=year)
    cs = CampaignSchool.objects.get(campaign=campaign, school=school)
    profile = Profile.objects.create(campaign_school=cs, version=campaign.version, status=status,
                                     computed_at=timezone.now())
    for n, (code, selected) in enumerate(factors.items()):
        ProfileFactor.objects.create(profile=profile, factor=code, name=f"Фактор {code}", position=n,
                                     level="high", selected=selected)
    return profile


def test_the_head_creates_an_empty_concept_titled_in_russian(cast: Cast) -> None:
    document = document_create(actor=cast.sam, school=cast.s1, year=YEAR, kind=DocumentKind.CONCEPT)
    assert document.title == f"Концепция развития {cast.s1.name} на {YEAR} год"
    assert document.state == DocState.DRAFT
    assert document.content["goals"] == [] and document.content["analysis"] == ""


def test_a_second_concept_of_the_same_year_is_refused(cast: Cast) -> None:
    document_create(actor=cast.sam, school=cast.s1, year=YEAR, kind=DocumentKind.CONCEPT)
    with pytest.raises(ValidationFailed, match="уже есть"):
        document_create(actor=cast.sam, school=cast.s1, year=YEAR, kind=DocumentKind.CONCEPT)
    assert document_create(actor=cast.sam, school=cast.s1, year=YEAR + 1, kind=DocumentKind.CONCEPT).pk


@pytest.mark.parametrize("who", ["kate", "maria", "vera", "alice"])
def test_nobody_but_the_schools_head_creates_its_documents(cast: Cast, who: str) -> None:
    with pytest.raises(AccessDenied):
        document_create(actor=getattr(cast, who), school=cast.s1, year=YEAR, kind=DocumentKind.CONCEPT)
    assert not Document.objects.exists()


def test_saving_keeps_a_half_filled_draft_and_records_who_saved(cast: Cast) -> None:
    document = document_create(actor=cast.sam, school=cast.s1, year=YEAR, kind=DocumentKind.CONCEPT)
    saved = document_save(actor=cast.sam, document=document, lock_version=document.lock_version, content={
        "analysis": "  Результаты ниже средних.  ",
        "indicators": [{"name": "Доля выпускников", "baseline": "", "target": "", "target_date": "2026-12-31"},
                       {"name": "", "baseline": "", "target": "", "target_date": ""}]})
    assert saved.content["analysis"] == "Результаты ниже средних."
    assert saved.content["indicators"] == [{"name": "Доля выпускников", "unit": "", "baseline": "", "target": "",
                                            "target_date": "2026-12-31"}]
    assert saved.content["mission"] == ""  # untouched sections keep their value
    assert saved.updated_by == cast.sam and saved.lock_version == document.lock_version + 1


def test_a_date_that_is_not_a_date_is_refused_naming_the_row(cast: Cast) -> None:
    document = make_document(cast.s1, DocumentKind.CONCEPT)
    before = dict(document.content)
    with pytest.raises(ValidationFailed) as error:
        document_save(actor=cast.sam, document=document, lock_version=document.lock_version,
                      content={"indicators": [{"name": "A", "target_date": "2026-12-31"},
                                              {"name": "B", "target_date": "31.12.2026"}]})
    assert "Целевые показатели" in error.value.messages[0] and "строка 2" in error.value.messages[0]
    document.refresh_from_db()
    assert document.content == before


def test_two_saves_from_the_same_version_the_second_is_refused_and_the_first_survives(cast: Cast) -> None:
    document = make_document(cast.s1, DocumentKind.CONCEPT)
    opened = document.lock_version
    document_save(actor=cast.sam, document=document, lock_version=opened, content={"analysis": "Первый текст"})
    with pytest.raises(Conflict, match="ваши изменения не сохранены"):
        document_save(actor=cast.sam, document=document, lock_version=opened, content={"analysis": "Второй текст"})
    document.refresh_from_db()
    assert document.content["analysis"] == "Первый текст"


@pytest.mark.parametrize("state", [DocState.SUBMITTED, DocState.APPROVED])
def test_a_submitted_or_approved_document_cannot_be_changed(cast: Cast, state: str) -> None:
    document = make_document(cast.s1, DocumentKind.CONCEPT, state=state)
    with pytest.raises(ValidationFailed):
        document_save(actor=cast.sam, document=document, lock_version=document.lock_version,
                      content={"analysis": "Новое"})
    document.refresh_from_db()
    assert document.content["analysis"] != "Новое"


def test_a_returned_document_lets_only_the_returned_sections_change(cast: Cast) -> None:
    document = make_document(cast.s1, DocumentKind.CONCEPT, state=DocState.RETURNED)
    document.returned_sections = ["expected"]
    document.save()
    saved = document_save(actor=cast.sam, document=document, lock_version=document.lock_version,
                          content={"expected": "Переписанные результаты"})
    assert saved.content["expected"] == "Переписанные результаты"
    with pytest.raises(ValidationFailed, match="не возвращался на доработку"):
        document_save(actor=cast.sam, document=saved, lock_version=saved.lock_version,
                      content={"analysis": "Другой анализ"})
    saved.refresh_from_db()
    assert saved.content["analysis"] != "Другой анализ"


def test_one_anti_risk_programme_per_selected_factor_of_the_verified_profile(cast: Cast) -> None:
    verified_profile(cast.s1, {"f_motivation": True, "f_staff": False, "f_climate": True})
    documents = antirisk_ensure(actor=cast.sam, school=cast.s1, year=YEAR)
    assert [d.factor for d in documents] == ["f_motivation", "f_climate"]
    assert documents[0].title.startswith("Антирисковая программа") and "Фактор f_motivation" in documents[0].title
    again = antirisk_ensure(actor=cast.sam, school=cast.s1, year=YEAR)
    assert [d.pk for d in again] == [d.pk for d in documents]  # no duplicates


def test_no_anti_risk_programme_without_a_verified_profile(cast: Cast) -> None:
    verified_profile(cast.s1, {"f_motivation": True}, status=ProfileStatus.COMPUTED)
    with pytest.raises(ValidationFailed, match="нет подтверждённого профиля"):
        antirisk_ensure(actor=cast.sam, school=cast.s1, year=YEAR)
    with pytest.raises(ValidationFailed):
        document_create(actor=cast.sam, school=cast.s1, year=YEAR, kind=DocumentKind.ANTIRISK, factor="f_motivation")
    assert not Document.objects.exists()
