"""Answering a questionnaire through a campaign link (`/s/<token>/`), one section per screen.

Pupils and parents answer anonymously: their response row is found again only through the hash
of a random resume key kept in the browser, and the client (address + browser) is kept only as a
salted hash, for the flood limit and the duplicate check. Heads and teachers answer signed in, one
response per person and link, editable until the campaign closes.

Time spent is measured here, on the server: the moment a screen is shown is stored, and the
answer of that screen adds the time elapsed (capped, so a phone left on the table does not count
for hours).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.analytics.risk_definition import Definition, Question
from opora.core.errors import AccessDenied
from opora.core.models import Role, RoleAssignment, User
from opora.diagnostics.models import (
    ANONYMOUS_GROUPS,
    CampaignStatus,
    RespondentGroup,
    ResponseSource,
    ResponseStatus,
    SurveyLink,
    SurveyResponse,
)

# A screen left open longer than this counts for this much (the person was away).
MAX_SECONDS_PER_SCREEN = 600.0
CLIENT_WINDOW = timedelta(hours=1)
ROLE_OF_GROUP = {RespondentGroup.HEAD: Role.SCHOOL_HEAD, RespondentGroup.TEACHER: Role.TEACHER}


class SurveyUnavailable(Exception):
    """The link does not take this answer: `reason` is a `link_state` code or "too_many"."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass
class ScreenOutcome:
    """What answering one screen did: the errors by question code (the screen stays), and the
    answers to show again (the saved ones with the ones just chosen)."""

    errors: dict[str, str] = field(default_factory=dict)
    shown: dict[str, int] = field(default_factory=dict)
    submitted: bool = False


# --- the link ---------------------------------------------------------------------------------


def link_by_token(token: str) -> SurveyLink | None:
    return (SurveyLink.objects.select_related("campaign_school__school", "campaign_school__campaign__version")
            .filter(token=token).first())


def link_state(link: SurveyLink) -> str | None:
    """None while the link accepts answers; else why not: closed | expired | inactive | full."""
    campaign = link.campaign_school.campaign
    if campaign.status == CampaignStatus.CLOSED:
        return "closed"
    if campaign.closes_on is not None and campaign.closes_on < timezone.localdate():
        return "expired"
    if not link.is_active:
        return "inactive"
    if submitted_count(link) >= link.max_responses:
        return "full"
    return None


def submitted_count(link: SurveyLink) -> int:
    return link.responses.filter(status=ResponseStatus.SUBMITTED).count()


def is_anonymous(link: SurveyLink) -> bool:
    return link.group in ANONYMOUS_GROUPS


def definition_of(link: SurveyLink) -> Definition:
    return link.campaign_school.campaign.version.parsed()


def screens(link: SurveyLink, definition: Definition | None = None) -> list[tuple[str, list[Question]]]:
    return (definition or definition_of(link)).sections_for(link.group)


def may_answer(user: User, link: SurveyLink) -> bool:
    """A signed-in group is answered by the school's head (head) or its teachers (teacher)."""
    role = ROLE_OF_GROUP.get(link.group)  # type: ignore[call-overload]
    if role is None or not user.is_authenticated or not user.is_active:
        return False
    return RoleAssignment.objects.filter(user=user, role=role, school_id=link.campaign_school.school_id).exists()


# --- who is answering -------------------------------------------------------------------------


def hashed(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def client_hash(*, token: str, remote_addr: str, user_agent: str) -> str:
    """The client as a salted hash (never the address itself)."""
    return hashed(f"{settings.SECRET_KEY}{token}{remote_addr}{user_agent}")


def response_for_key(link: SurveyLink, resume_key: str | None) -> SurveyResponse | None:
    """The anonymous response this browser started through the link (latest first)."""
    if not resume_key:
        return None
    return (SurveyResponse.objects.filter(link=link, resume_hash=hashed(resume_key), respondent__isnull=True,
                                          source=ResponseSource.WEB).order_by("-started_at", "-pk").first())


def response_for_user(link: SurveyLink, user: User) -> SurveyResponse | None:
    return SurveyResponse.objects.filter(link=link, respondent=user).first()


# --- starting, answering, submitting ----------------------------------------------------------


@transaction.atomic
def response_start_anonymous(*, link: SurveyLink, client: str) -> tuple[SurveyResponse, str]:
    """A new anonymous response and its resume key (the caller keeps the key in the browser)."""
    if not is_anonymous(link):
        raise AccessDenied()
    _check_accepting(link)
    since = timezone.now() - CLIENT_WINDOW
    started = link.responses.filter(client_hash=client, started_at__gte=since).count()
    if started >= settings.SURVEY_CLIENT_LIMIT:
        raise SurveyUnavailable("too_many")
    key = secrets.token_urlsafe(24)
    response = SurveyResponse.objects.create(link=link, resume_hash=hashed(key), client_hash=client)
    return response, key


@transaction.atomic
def response_start_signed(*, link: SurveyLink, user: User, client: str) -> SurveyResponse:
    """The user's response through the link: the existing one (back to its first screen when it
    was sent, to change it) or a new one."""
    if is_anonymous(link) or not may_answer(user, link):
        raise AccessDenied()
    existing = response_for_user(link, user)
    if existing is None:
        _check_accepting(link)
        try:
            with transaction.atomic():
                return SurveyResponse.objects.create(link=link, respondent=user, client_hash=client)
        except IntegrityError:  # a double click: the other request made it
            existing = SurveyResponse.objects.get(link=link, respondent=user)
    _check_accepting(link, allow_full=True)
    if existing.status == ResponseStatus.SUBMITTED:
        existing.step = 0
        existing.save(update_fields=["step"])
    return existing


def _check_accepting(link: SurveyLink, *, allow_full: bool = False) -> None:
    state = link_state(link)
    if state is not None and not (allow_full and state == "full"):
        raise SurveyUnavailable(state)


def screen_shown(*, response: SurveyResponse) -> None:
    """Remember when the screen was shown (the time on it is counted when it is answered)."""
    response.screen_shown_at = timezone.now()
    response.save(update_fields=["screen_shown_at"])


def _add_time(response: SurveyResponse) -> None:
    now = timezone.now()
    if response.screen_shown_at is not None:
        spent = min(max((now - response.screen_shown_at).total_seconds(), 0.0), MAX_SECONDS_PER_SCREEN)
        response.seconds = (response.seconds or 0.0) + spent
    elif response.seconds is None:
        response.seconds = 0.0
    response.screen_shown_at = None


def _parse(questions: list[Question], definition: Definition,
           data: Mapping[str, str]) -> tuple[dict[str, int], list[str]]:
    """The valid answers of the screen's questions and the codes left unanswered (or tampered)."""
    valid: dict[str, int] = {}
    missing: list[str] = []
    for q in questions:
        raw = (data.get(f"q-{q.code}") or "").strip()
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is not None and value in definition.scale(q.scale).values():
            valid[q.code] = value
        else:
            missing.append(q.code)
    return valid, missing


@transaction.atomic
def screen_answer(*, response: SurveyResponse, data: Mapping[str, str], back: bool = False) -> ScreenOutcome:
    """Answer the response's current screen. Forward needs every question answered (the screen
    stays with errors, the chosen answers kept); the last screen submits. Back keeps what was
    chosen and goes one screen back."""
    response = SurveyResponse.objects.select_for_update().select_related(
        "link__campaign_school__campaign__version").get(pk=response.pk)
    link = response.link
    was_submitted = response.status == ResponseStatus.SUBMITTED
    _check_accepting(link, allow_full=True)  # a full link still lets a started response move on
    definition = definition_of(link)
    sections = screens(link, definition)
    step = min(response.step, len(sections) - 1)
    valid, missing = _parse(sections[step][1], definition, data)
    response.answers = {**response.answers, **valid}
    _add_time(response)
    outcome = ScreenOutcome(shown=dict(response.answers))
    if back:
        response.step = max(step - 1, 0)
    elif missing:
        outcome.errors = {code: _("Choose one of the answers.") for code in missing}
        response.step = step
    elif step + 1 < len(sections):
        response.step = step + 1
    else:
        if not was_submitted:
            _check_accepting(link)  # the link may have filled up meanwhile
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = timezone.now()
        outcome.submitted = True
    response.save(update_fields=["answers", "seconds", "screen_shown_at", "step", "status", "submitted_at"])
    return outcome
