"""Hand-made campaigns and answers for the risk-profile tests (direct rows, no services)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from opora.analytics.risk_definition import Definition
from opora.core.models import Municipality, School, User
from opora.diagnostics.models import (
    Campaign,
    CampaignSchool,
    InstrumentVersion,
    ResponseSource,
    ResponseStatus,
    SurveyLink,
    SurveyResponse,
)
from opora.diagnostics.services.instruments import SHIPPED_CODE


def shipped_version() -> InstrumentVersion:
    return InstrumentVersion.objects.filter(instrument__code=SHIPPED_CODE).order_by("-number").first()  # type: ignore[return-value]


def make_campaign(*, municipality: Municipality, schools: Iterable[School], year: int = 2026, wave: str = "entry",
                  version: InstrumentVersion | None = None, status: str = "open", created_by: User | None = None,
                  max_responses: int = 1000) -> Campaign:
    version = version or shipped_version()
    campaign = Campaign.objects.create(
        region=municipality.region, municipality=municipality, year=year, wave=wave, status=status,
        title=f"Анкетирование {year} ({wave})", version=version, created_by=created_by)
    groups = version.parsed().groups_used()
    for school in schools:
        cs = CampaignSchool.objects.create(campaign=campaign, school=school)
        for group in groups:
            SurveyLink.objects.create(campaign_school=cs, group=group, token=secrets.token_urlsafe(9),
                                      max_responses=max_responses)
    return campaign


def link(campaign: Campaign, school: School, group: str) -> SurveyLink:
    return SurveyLink.objects.get(campaign_school__campaign=campaign, campaign_school__school=school, group=group)


def answers_at(definition: Definition, group: str, risk: float | dict[str, float]) -> dict[str, int]:
    """Answers of one respondent of `group` whose every indicator scores as close as the scale
    allows to `risk` (0..1 in the risk direction); a dict gives the risk per factor (others 0.5)."""
    out: dict[str, int] = {}
    by_question = {i.question: i for i in definition.indicators}
    for q in definition.questions_for(group):
        indicator = by_question.get(q.code)
        target = risk if isinstance(risk, float | int) else risk.get(indicator.factor if indicator else "", 0.5)
        scale = definition.scale(q.scale)
        wanted = target if indicator is None or indicator.direction == 1 else 1 - target
        out[q.code] = min(scale.values(), key=lambda v: (abs(scale.normalised(v) - wanted), v))
    return out


def add_response(survey_link: SurveyLink, answers: dict[str, int], *, seconds: float | None = 300.0,
                 client: str = "", respondent: User | None = None, status: str = ResponseStatus.SUBMITTED,
                 source: str = ResponseSource.WEB) -> SurveyResponse:
    now = timezone.now()
    return SurveyResponse.objects.create(
        link=survey_link, answers=answers, seconds=seconds, client_hash=client, respondent=respondent,
        status=status, source=source, submitted_at=now if status == ResponseStatus.SUBMITTED else None,
        screen_shown_at=now - timedelta(seconds=30))


def add_responses(survey_link: SurveyLink, answers: dict[str, int], count: int, **kwargs: object) -> None:
    for n in range(count):
        add_response(survey_link, answers, client=f"client-{survey_link.pk}-{n}", **kwargs)  # type: ignore[arg-type]
