"""The roadmap's measures: pulled from the programmes without duplicates, planned only while the
roadmap is editable, reported at any time; a report prefilled from the programmes and profiles."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from opora.core.errors import AccessDenied, Conflict, ValidationFailed
from opora.diagnostics.models import CampaignSchool, Profile, ProfileFactor
from opora.plans.models import DocState, Document, DocumentKind, MeasureStatus
from opora.plans.services import measures as services
from tests.conftest import Cast
from tests.diagnostics.builders import make_campaign
from tests.plans.builders import YEAR, add_measure, complete_content, make_document

TODAY = date(YEAR, 5, 20)


@pytest.fixture
def roadmap(cast: Cast) -> Document:
    return services.roadmap_ensure(actor=cast.sam, school=cast.s1, year=YEAR)


def test_the_head_gets_one_empty_roadmap_of_the_year_with_a_russian_title(cast: Cast, roadmap: Document) -> None:
    again = services.roadmap_ensure(actor=cast.sam, school=cast.s1, year=YEAR)
    assert again.pk == roadmap.pk
    assert roadmap.kind == DocumentKind.ROADMAP and roadmap.content == {}
    assert roadmap.title.startswith("Дорожная карта") and roadmap.title.endswith("на 2026 год")


def test_only_the_head_creates_the_roadmap(cast: Cast) -> None:
    for user in (cast.kate, cast.tom, cast.vera):
        with pytest.raises(AccessDenied):
            services.roadmap_ensure(actor=user, school=cast.s1, year=YEAR)


def test_measures_come_from_the_programme_and_anti_risk_programmes_once(cast: Cast, roadmap: Document) -> None:
    make_document(cast.s1, DocumentKind.PROGRAMME, state=DocState.APPROVED)
    make_document(cast.s1, DocumentKind.ANTIRISK, factor="motivation")
    make_document(cast.s1, DocumentKind.ANTIRISK, factor="climate")
    make_document(cast.s1, DocumentKind.PROGRAMME, year=YEAR + 1)  # another year: not pulled
    make_document(cast.s2, DocumentKind.PROGRAMME)  # another school: not pulled

    added = services.measures_pull(actor=cast.sam, roadmap=roadmap, lock_version=roadmap.lock_version)

    assert added == 6
    rows = list(roadmap.measures.order_by("position"))
    assert [(m.source, m.factor) for m in rows] == [
        ("programme", ""), ("programme", ""), ("antirisk", "climate"), ("antirisk", "climate"),
        ("antirisk", "motivation"), ("antirisk", "motivation")]
    first = rows[0]
    assert first.due_on == date(YEAR, 1, 15) and first.responsible and first.indicator and first.target

    roadmap.refresh_from_db()
    assert services.measures_pull(actor=cast.sam, roadmap=roadmap, lock_version=roadmap.lock_version) == 0
    assert roadmap.measures.count() == 6


def test_a_new_programme_measure_is_pulled_next_to_the_ones_already_there(cast: Cast, roadmap: Document) -> None:
    programme = make_document(cast.s1, DocumentKind.PROGRAMME)
    services.measures_pull(actor=cast.sam, roadmap=roadmap, lock_version=roadmap.lock_version)
    programme.content["measures"].append({"title": "Летняя школа", "due_on": f"{YEAR}-07-01", "responsible": "Директор",
                                          "indicator": "Участники", "target": "30", "starts_on": "not a date"})
    programme.save()
    roadmap.refresh_from_db()
    assert services.measures_pull(actor=cast.sam, roadmap=roadmap, lock_version=roadmap.lock_version) == 1
    summer = roadmap.measures.get(title="Летняя школа")
    assert summer.due_on == date(YEAR, 7, 1) and summer.starts_on is None and summer.source == "programme"


def test_a_stale_page_cannot_pull_or_add(cast: Cast, roadmap: Document) -> None:
    make_document(cast.s1, DocumentKind.PROGRAMME)
    stale = roadmap.lock_version
    services.measure_add(actor=cast.sam, roadmap=roadmap, lock_version=stale, title="Педсовет")
    with pytest.raises(Conflict, match="ваши изменения не сохранены"):
        services.measures_pull(actor=cast.sam, roadmap=roadmap, lock_version=stale)
    with pytest.raises(Conflict):
        services.measure_add(actor=cast.sam, roadmap=roadmap, lock_version=stale, title="Ещё один")
    assert list(roadmap.measures.values_list("title", flat=True)) == ["Педсовет"]


def test_the_head_adds_edits_and_deletes_measures_while_the_roadmap_is_a_draft(cast: Cast, roadmap: Document) -> None:
    version = roadmap.lock_version
    measure = services.measure_add(actor=cast.sam, roadmap=roadmap, lock_version=version, title="Педсовет",
                                   due_on=date(YEAR, 4, 1), responsible="Директор", factor="motivation")
    assert measure.source == "added" and measure.factor == "motivation"
    roadmap.refresh_from_db()
    assert roadmap.lock_version == version + 1 and roadmap.updated_by == cast.sam

    services.measure_update(actor=cast.sam, measure=measure, lock_version=roadmap.lock_version,
                            title="Педсовет о мотивации", due_on=date(YEAR, 4, 15))
    measure.refresh_from_db()
    assert measure.title == "Педсовет о мотивации" and measure.due_on == date(YEAR, 4, 15)

    roadmap.refresh_from_db()
    services.measure_delete(actor=cast.sam, measure=measure, lock_version=roadmap.lock_version)
    assert not roadmap.measures.exists()


def test_a_measure_needs_a_title_and_cannot_start_after_its_deadline(cast: Cast, roadmap: Document) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.measure_add(actor=cast.sam, roadmap=roadmap, lock_version=roadmap.lock_version, title=" ",
                             starts_on=date(YEAR, 5, 1), due_on=date(YEAR, 4, 1))
    assert error.value.messages == ["Укажите мероприятие.", "Мероприятие не может начинаться после своего срока."]


def test_the_curator_cannot_change_the_plan(cast: Cast, roadmap: Document) -> None:
    measure = add_measure(roadmap)
    with pytest.raises(AccessDenied):
        services.measure_add(actor=cast.kate, roadmap=roadmap, lock_version=roadmap.lock_version, title="X")
    with pytest.raises(AccessDenied):
        services.measure_report(actor=cast.kate, measure=measure, status=MeasureStatus.IN_PROGRESS, done_on=None,
                                fact="", evidence="")


@time_machine.travel(TODAY, tick=False)
def test_after_approval_the_plan_is_frozen_but_execution_is_still_reported(cast: Cast) -> None:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, state=DocState.APPROVED, content={})
    make_document(cast.s1, DocumentKind.PROGRAMME)
    measure = add_measure(roadmap, due_on=date(YEAR, 3, 1))
    with pytest.raises(ValidationFailed, match="черновик"):
        services.measure_update(actor=cast.sam, measure=measure, lock_version=roadmap.lock_version, title="Другое")
    with pytest.raises(ValidationFailed):
        services.measures_pull(actor=cast.sam, roadmap=roadmap, lock_version=roadmap.lock_version)
    with pytest.raises(ValidationFailed):
        services.measure_delete(actor=cast.sam, measure=measure, lock_version=roadmap.lock_version)

    services.measure_report(actor=cast.sam, measure=measure, status=MeasureStatus.DONE, done_on=date(YEAR, 2, 27),
                            fact="Проведён", evidence="https://school.example/news/1")
    measure.refresh_from_db()
    assert (measure.status, measure.done_on, measure.fact) == ("done", date(YEAR, 2, 27), "Проведён")
    assert measure.title == "Семинар для учителей"


@time_machine.travel(TODAY, tick=False)
def test_done_needs_a_date_that_is_not_in_the_future(cast: Cast, roadmap: Document) -> None:
    measure = add_measure(roadmap)
    with pytest.raises(ValidationFailed, match="Укажите, когда мероприятие выполнено"):
        services.measure_report(actor=cast.sam, measure=measure, status=MeasureStatus.DONE, done_on=None,
                                fact="", evidence="")
    with pytest.raises(ValidationFailed, match="будущем"):
        services.measure_report(actor=cast.sam, measure=measure, status=MeasureStatus.DONE,
                                done_on=date(YEAR, 5, 21), fact="", evidence="")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED


def test_a_returned_roadmap_is_editable_only_when_its_measures_were_returned(cast: Cast) -> None:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, state=DocState.RETURNED, content={})
    assert services.plan_editable(roadmap)
    roadmap.returned_sections = ["measures"]
    assert services.plan_editable(roadmap)
    roadmap.returned_sections = ["something-else"]
    assert not services.plan_editable(roadmap)


# --- reports -------------------------------------------------------------------------------------


def make_profile(cast: Cast, wave: str, levels: dict[str, tuple[str, str]], selected: set[str]) -> Profile:
    """A risk profile of s1 in 2026 of one wave: factor → (name, final level)."""
    campaign = make_campaign(municipality=cast.m1, schools=[cast.s1], wave=wave, status="closed")
    profile = Profile.objects.create(campaign_school=CampaignSchool.objects.get(campaign=campaign),
                                     version=campaign.version, status="verified")
    for n, (code, (name, level)) in enumerate(levels.items()):
        ProfileFactor.objects.create(profile=profile, factor=code, name=name, position=n, level="medium",
                                     verified_level=level, selected=code in selected)
    return profile


def test_a_report_takes_the_targets_as_plan_and_the_risk_levels_at_entry_and_exit(cast: Cast) -> None:
    programme = complete_content(DocumentKind.PROGRAMME)
    programme["indicators"] = [{"name": "Средний балл ОГЭ", "unit": "балл", "baseline": "3,1", "target": "3,6",
                                "target_date": f"{YEAR}-12-31"}]
    make_document(cast.s1, DocumentKind.PROGRAMME, content=programme)
    antirisk = complete_content(DocumentKind.ANTIRISK)
    antirisk["indicators"] = [{"name": "Доля мотивированных", "baseline": "40", "target": "60"}]
    make_document(cast.s1, DocumentKind.ANTIRISK, factor="motivation", content=antirisk)
    make_profile(cast, "entry", {"motivation": ("Низкая мотивация", "high"), "climate": ("Климат", "low")},
                 selected={"motivation"})
    make_profile(cast, "exit", {"motivation": ("Низкая мотивация", "medium"), "climate": ("Климат", "low")},
                 selected=set())
    report = make_document(cast.s1, DocumentKind.REPORT_HALF, content={
        "indicators": [{"name": "Средний балл ОГЭ", "plan": "старый", "fact": "3,4", "comment": "после пробника"},
                       {"name": "Своё", "plan": "1", "fact": "2", "comment": ""}],
        "conclusions": "Выводы"})

    services.report_prefill(actor=cast.sam, document=report)

    report.refresh_from_db()
    assert report.content["indicators"] == [
        {"name": "Средний балл ОГЭ", "plan": "3,6", "fact": "3,4", "comment": "после пробника"},
        {"name": "Доля мотивированных", "plan": "60", "fact": "", "comment": ""},
        {"name": "Своё", "plan": "1", "fact": "2", "comment": ""},
    ]
    assert report.content["risks"] == [{"name": "Низкая мотивация", "entry": "высокий", "exit": "средний"}]
    assert report.content["conclusions"] == "Выводы"
    assert report.lock_version == 1


def test_without_a_selection_every_factor_is_reported_and_a_missing_exit_stays_blank(cast: Cast) -> None:
    make_profile(cast, "entry", {"motivation": ("Низкая мотивация", "high"), "climate": ("Климат", "low")},
                 selected=set())
    report = make_document(cast.s1, DocumentKind.REPORT_YEAR, content={})
    services.report_prefill(actor=cast.sam, document=report)
    assert report.content["risks"] == [{"name": "Низкая мотивация", "entry": "высокий", "exit": "нет данных"},
                                       {"name": "Климат", "entry": "низкий", "exit": "нет данных"}]


def test_a_submitted_report_is_not_prefilled(cast: Cast) -> None:
    report = make_document(cast.s1, DocumentKind.REPORT_YEAR, state=DocState.SUBMITTED)
    with pytest.raises(ValidationFailed):
        services.report_prefill(actor=cast.sam, document=report)
    with pytest.raises(AccessDenied):
        services.report_prefill(actor=cast.kate, document=make_document(cast.s1, DocumentKind.REPORT_HALF))
