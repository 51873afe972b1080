"""The questionnaire pages reached through a campaign link (`/s/<token>/`), made for a phone:
the intro, one screen per section, the thanks; and «My questionnaires» for heads and teachers.

Pupils and parents need no account: a random resume key in a cookie scoped to the link's path
brings them back to their screen; only its hash is stored. Heads and teachers sign in.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from opora.core.errors import AccessDenied
from opora.core.models import Role, RoleAssignment, User
from opora.diagnostics.models import CampaignStatus, RespondentGroup, ResponseStatus, SurveyLink, SurveyResponse
from opora.diagnostics.services import responses as svc

COOKIE = "opora_survey"
COOKIE_AGE = int(timedelta(days=30).total_seconds())
QUESTIONNAIRE: dict[str, StrOrPromise] = {
    RespondentGroup.HEAD: _("Questionnaire for the school head"),
    RespondentGroup.TEACHER: _("Questionnaire for teachers"),
    RespondentGroup.PUPIL: _("Questionnaire for pupils"),
    RespondentGroup.PARENT: _("Questionnaire for parents"),
}
STATUS_OF_REASON = {"not_found": 404, "closed": 410, "expired": 410, "inactive": 410, "full": 410, "too_many": 429}
ENDED = ("closed", "expired", "inactive")  # nothing can be answered any more, not even a started response

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _unavailable(request: HttpRequest, reason: str, link: SurveyLink | None = None) -> HttpResponse:
    context = {"reason": reason, "link": link, "school": link.campaign_school.school if link else None}
    return render(request, "diagnostics/survey/unavailable.html", context, status=STATUS_OF_REASON[reason])


def _client(request: HttpRequest, token: str) -> str:
    return svc.client_hash(token=token, remote_addr=request.META.get("REMOTE_ADDR", ""),
                           user_agent=request.META.get("HTTP_USER_AGENT", ""))


def _open(request: HttpRequest, token: str) -> tuple[SurveyLink | None, HttpResponse | None]:
    """The link, or the page to answer instead: not found, sign in first, not yours."""
    link = svc.link_by_token(token)
    if link is None:
        return None, _unavailable(request, "not_found")
    if not svc.is_anonymous(link):
        if not request.user.is_authenticated:
            return link, redirect_to_login(request.get_full_path())
        if not svc.may_answer(request.user, link):
            return link, _forbidden(request, link)
    return link, None


def _forbidden(request: HttpRequest, link: SurveyLink) -> HttpResponse:
    context = {"link": link, "school": link.campaign_school.school, "questionnaire": QUESTIONNAIRE[link.group]}
    return render(request, "diagnostics/survey/forbidden.html", context, status=403)


def _current(request: HttpRequest, link: SurveyLink) -> SurveyResponse | None:
    if svc.is_anonymous(link):
        return svc.response_for_key(link, request.COOKIES.get(COOKIE))
    return svc.response_for_user(link, request.user)  # type: ignore[arg-type]


def _base_context(link: SurveyLink) -> dict:
    campaign = link.campaign_school.campaign
    return {"link": link, "campaign": campaign, "school": link.campaign_school.school,
            "questionnaire": QUESTIONNAIRE[link.group], "anonymous": svc.is_anonymous(link)}


@never_cache
@require_http_methods(["GET", "POST"])
def survey_start(request: HttpRequest, token: str) -> HttpResponse:
    link, page = _open(request, token)
    if page is not None or link is None:
        return page  # type: ignore[return-value]
    response = _current(request, link)
    started = response is not None and response.status == ResponseStatus.IN_PROGRESS
    if request.method == "POST":
        return _start(request, link, response if started else None)
    state = svc.link_state(link)
    mine = response is not None and not svc.is_anonymous(link)
    if state in ENDED or (state == "full" and not (started or mine)):
        return _unavailable(request, state, link)
    context = _base_context(link) | {
        "screens": len(svc.screens(link)), "response": response, "started": started,
        "sent": response is not None and response.status == ResponseStatus.SUBMITTED,
    }
    return render(request, "diagnostics/survey/intro.html", context)


def _start(request: HttpRequest, link: SurveyLink, started: SurveyResponse | None) -> HttpResponse:
    to_screen = redirect("survey:screen", token=link.token)
    if started is not None and svc.is_anonymous(link):
        return to_screen  # a second tap on «Start»: go on with the same response
    try:
        if svc.is_anonymous(link):
            _response, key = svc.response_start_anonymous(link=link, client=_client(request, link.token))
            to_screen.set_cookie(COOKIE, key, max_age=COOKIE_AGE, path=reverse("survey:start", args=[link.token]),
                                 httponly=True, samesite="Lax", secure=request.is_secure())
        else:
            svc.response_start_signed(link=link, user=request.user, client=_client(request, link.token))  # type: ignore[arg-type]
    except svc.SurveyUnavailable as error:
        return _unavailable(request, error.reason, link)
    except AccessDenied:
        return _forbidden(request, link)
    return to_screen


def _screen_page(request: HttpRequest, link: SurveyLink, response: SurveyResponse, *,
                 answers: dict[str, int], errors: dict[str, str]) -> HttpResponse:
    sections = svc.screens(link)
    step = min(response.step, len(sections) - 1)
    title, questions = sections[step]
    definition = svc.definition_of(link)
    items = [{"code": q.code, "text": q.text, "field": f"q-{q.code}", "error": errors.get(q.code),
              "value": answers.get(q.code), "options": definition.scale(q.scale).options} for q in questions]
    context = _base_context(link) | {
        "response": response, "step": step, "number": step + 1, "total": len(sections), "title": title,
        "items": items, "last": step + 1 == len(sections), "errors": errors,
        "percent": round(100 * (step + 1) / len(sections)),
    }
    return render(request, "diagnostics/survey/screen.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def survey_screen(request: HttpRequest, token: str) -> HttpResponse:
    link, page = _open(request, token)
    if page is not None or link is None:
        return page  # type: ignore[return-value]
    response = _current(request, link)
    if response is None:
        return redirect("survey:start", token=token)
    if svc.is_anonymous(link) and response.status == ResponseStatus.SUBMITTED:
        return redirect("survey:done", token=token)
    state = svc.link_state(link)
    if state in ENDED:
        return _unavailable(request, state, link)
    if request.method == "POST":
        if request.POST.get("step") != str(response.step):
            return redirect("survey:screen", token=token)  # a stale tab or a forged step: show the real one
        try:
            outcome = svc.screen_answer(response=response, data=request.POST, back="back" in request.POST)
        except svc.SurveyUnavailable as error:
            return _unavailable(request, error.reason, link)
        if outcome.submitted:
            return redirect("survey:done", token=token)
        if not outcome.errors:
            return redirect("survey:screen", token=token)
        response.refresh_from_db()
        svc.screen_shown(response=response)
        return _screen_page(request, link, response, answers=outcome.shown, errors=outcome.errors)
    svc.screen_shown(response=response)
    return _screen_page(request, link, response, answers=response.answers, errors={})


@never_cache
@require_GET
def survey_done(request: HttpRequest, token: str) -> HttpResponse:
    link, page = _open(request, token)
    if page is not None or link is None:
        return page  # type: ignore[return-value]
    response = _current(request, link)
    if response is None or response.status != ResponseStatus.SUBMITTED:
        return redirect("survey:start", token=token)
    accepting = svc.link_state(link) is None
    return render(request, "diagnostics/survey/done.html",
                  _base_context(link) | {"response": response, "accepting": accepting})


def my_links(user: User) -> list[dict]:
    """The open campaigns' links of the user's schools for the groups the user answers as."""
    today = timezone.localdate()
    wanted = Q(pk__in=[])
    for role, group in ((Role.SCHOOL_HEAD, RespondentGroup.HEAD), (Role.TEACHER, RespondentGroup.TEACHER)):
        schools = RoleAssignment.objects.filter(user=user, role=role, school__isnull=False).values("school_id")
        wanted |= Q(group=group, campaign_school__school_id__in=schools)
    links = (SurveyLink.objects.filter(wanted, is_active=True, campaign_school__campaign__status=CampaignStatus.OPEN)
             .filter(Q(campaign_school__campaign__closes_on__isnull=True)
                     | Q(campaign_school__campaign__closes_on__gte=today))
             .select_related("campaign_school__school", "campaign_school__campaign")
             .order_by("-campaign_school__campaign__year", "campaign_school__school__code", "group"))
    mine = {r.link_id: r for r in SurveyResponse.objects.filter(respondent=user, link__in=links)}
    rows = []
    for link in links:
        response = mine.get(link.pk)
        state = "new" if response is None else response.status
        rows.append({"link": link, "school": link.campaign_school.school, "campaign": link.campaign_school.campaign,
                     "questionnaire": QUESTIONNAIRE[link.group], "state": state, "response": response})
    return rows


@login_required
@require_GET
def my_surveys(request: HttpRequest) -> HttpResponse:
    return render(request, "diagnostics/survey/mine.html", {"rows": my_links(request.user)})  # type: ignore[arg-type]
