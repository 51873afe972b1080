"""Profile pages: computing a campaign's profiles (a background job with a progress bar), one
school's profile (answers' quality, factors as bars, indicators, entry against exit, verification,
selection, history) and a school's profiles over years and waves.

Only aggregates are shown: never a pupil's or a parent's individual answers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opora.core.http import UserRequest
from opora.core.service_errors import form_service_errors, message_service_errors
from opora.diagnostics import selectors
from opora.diagnostics.models import Profile, ProfileFactor, ProfileStatus
from opora.diagnostics.profile_forms import LevelForm, SelectForm
from opora.diagnostics.reasons import group_name, is_note, level_name, note_text, reason_text
from opora.diagnostics.services import profiles as services
from opora.diagnostics.views.common import campaign_or_404, profile_or_404, require_view
from opora.jobs.models import Job

LEVEL_RANK = {"low": 0, "medium": 1, "high": 2}


# --- computing ---------------------------------------------------------------------------------


@login_required
@require_POST
def compute_start(request: UserRequest, pk: int) -> HttpResponse:
    campaign = campaign_or_404(request, pk)
    job = services.profiles_compute_start(actor=request.user, campaign=campaign)
    return redirect("diagnostics:compute_progress", pk=campaign.pk, job_id=job.pk)


@login_required
@require_GET
def compute_progress(request: UserRequest, pk: int, job_id: Any) -> HttpResponse:
    """The job's progress; htmx polls the bar until it is finished, then a link to the campaign."""
    campaign = campaign_or_404(request, pk)
    if not selectors.may_manage_campaign(request.user, campaign):
        raise PermissionDenied
    job = Job.objects.filter(pk=job_id, kind="risk_profiles", params__campaign=campaign.pk).first()
    if job is None:
        raise Http404
    context = {"campaign": campaign, "job": job}
    if request.htmx:
        return render(request, "diagnostics/compute_bar.html", context)
    return render(request, "diagnostics/compute_progress.html", context)


# --- one profile -------------------------------------------------------------------------------


def _pct(score: float | None) -> int | None:
    return None if score is None else max(0, min(100, round(score * 100)))


def _change(before: str, after: str) -> str:
    if not before or not after or before == after:
        return "same" if before and before == after else ""
    return "up" if LEVEL_RANK[after] > LEVEL_RANK[before] else "down"


def _factors(profile: Profile, definition: Any, paired: Profile | None) -> list[dict[str, Any]]:
    texts = {q.code: q.text for q in definition.questions}
    other: dict[str, ProfileFactor] = {}
    if paired is not None:
        other = {f.factor: f for f in paired.factors.all()}
    entry_first = profile.campaign_school.campaign.wave == "entry"
    out = []
    for row in profile.factors.all():
        indicators = sorted(row.indicators or [], key=lambda i: (str(i.get("group", "")), str(i.get("question", ""))))
        twin = other.get(row.factor)
        pair = None
        if twin is not None:
            before, after = (row.final_level, twin.final_level) if entry_first else (twin.final_level, row.final_level)
            pair = {"row": twin, "pct": _pct(twin.score), "change": _change(before, after),
                    "before": before, "after": after}
        out.append({
            "row": row, "pct": _pct(row.score), "notes": [note_text(n) for n in row.notes or []],
            "indicators": [{"text": texts.get(i.get("question", ""), i.get("text", "")) or i.get("question", ""),
                            "group": group_name(str(i.get("group", ""))), "pct": _pct(i.get("score")),
                            "score": i.get("score"), "n": i.get("n"), "counted": i.get("counted", True) is not False}
                           for i in indicators],
            "pair": pair,
        })
    return out


def _quality(profile: Profile, definition: Any) -> list[dict[str, Any]]:
    rows = []
    for group in definition.groups_used():
        q = (profile.quality or {}).get(group) or {}
        rate = q.get("rate")
        rows.append({"group": group_name(group), "respondents": q.get("respondents", 0), "used": q.get("used", 0),
                     "too_fast": q.get("too_fast", 0), "straightlining": q.get("straightlining", 0),
                     "duplicate": q.get("duplicate", 0), "expected": q.get("expected"),
                     "rate": None if rate is None else round(rate * 100), "enough": q.get("enough")})
    return rows


def _events(profile: Profile, names: dict[str, str]) -> list[dict[str, Any]]:
    return [{"event": e, "factor": names.get(e.factor, e.factor), "old": level_name(e.old_level) if e.old_level else "",
             "new": level_name(e.new_level) if e.new_level else ""}
            for e in profile.events.select_related("actor")[:200]]


def _detail(request: UserRequest, profile: Profile, *, level_form: LevelForm | None = None, level_factor: str = "",
            select_form: SelectForm | None = None, status: int = 200) -> HttpResponse:
    definition = profile.version.parsed()
    paired = selectors.paired_profile(profile)
    factors = _factors(profile, definition, paired)
    names = {f["row"].factor: f["row"].name for f in factors}
    can_verify = selectors.may_verify(request.user, profile)
    can_select = selectors.may_select(request.user, profile)
    verified = profile.status == ProfileStatus.VERIFIED
    if can_verify:
        for f in factors:
            code = f["row"].factor
            f["level_form"] = level_form if code == level_factor and level_form else LevelForm(auto_id=_auto_id(code))
    rows = [f["row"] for f in factors]
    if can_select and verified and select_form is None:
        select_form = SelectForm(choices=_select_choices(rows),
                                 initial={"factors": [r.factor for r in rows if r.selected]})
    levels = definition.levels
    reasons = profile.weak_reasons or []
    context = {
        "profile": profile, "campaign": profile.campaign_school.campaign, "school": profile.campaign_school.school,
        "factors": factors, "paired": paired, "quality": _quality(profile, definition),
        "reasons": [reason_text(r, names) for r in reasons if not is_note(r)],
        "notes": [reason_text(r, names) for r in reasons if is_note(r)],
        "cutoffs": ({"high": round(levels.high * 100), "medium": round(levels.medium * 100)}
                    if levels.method == "cutoffs" else None),
        "can_verify": can_verify, "can_select": can_select, "verified": verified,
        "level_factor": level_factor,
        "select_form": select_form if can_select and verified else None,
        "events": _events(profile, names), "max_factors": _max_factors(),
    }
    return render(request, "diagnostics/profile.html", context, status=status)


def _auto_id(factor: str) -> str:
    """Field ids unique on the page (one level form per factor)."""
    return f"id_{factor}_%s"


def _select_choices(rows: list[ProfileFactor]) -> list[tuple[str, str]]:
    return [(r.factor, f"{r.name} — {level_name(r.final_level)}") for r in rows]


def _max_factors() -> int:
    from django.conf import settings

    return settings.RISK_FACTORS_MAX


def _with_factors(profile: Profile) -> Profile:
    """The profile with its factors prefetched (with who verified them) and who verified it."""
    factors = Prefetch("factors", queryset=ProfileFactor.objects.select_related("verified_by").order_by("position"))
    return (Profile.objects.select_related("campaign_school__school__municipality", "campaign_school__campaign",
                                           "version", "verified_by")
            .prefetch_related(factors).get(pk=profile.pk))


@login_required
@require_GET
def profile_detail(request: UserRequest, pk: int) -> HttpResponse:
    return _detail(request, _with_factors(profile_or_404(request, pk)))


@login_required
@require_POST
def profile_confirm(request: UserRequest, pk: int) -> HttpResponse:
    profile = profile_or_404(request, pk)
    with message_service_errors(request) as refused:
        services.profile_confirm(actor=request.user, profile=profile)
    if not refused.failed:
        messages.success(request, _("The profile is verified."))
    return redirect("diagnostics:profile", pk=profile.pk)


@login_required
@require_POST
def factor_level(request: UserRequest, pk: int, factor: str) -> HttpResponse:
    profile = profile_or_404(request, pk)
    if not selectors.may_verify(request.user, profile):
        raise PermissionDenied
    form = LevelForm(request.POST, auto_id=_auto_id(factor))
    if form.is_valid():
        with form_service_errors(form) as refused:
            services.factor_level_set(actor=request.user, profile=profile, factor=factor,
                                      level=form.cleaned_data["level"], reason=form.cleaned_data["reason"])
        if not refused.failed:
            messages.success(request, _("The level is changed."))
            return redirect(reverse("diagnostics:profile", kwargs={"pk": profile.pk}) + f"#factor-{factor}")
    return _detail(request, _with_factors(profile), level_form=form, level_factor=factor, status=400)


@login_required
@require_POST
def factors_select(request: UserRequest, pk: int) -> HttpResponse:
    profile = _with_factors(profile_or_404(request, pk))
    if not selectors.may_select(request.user, profile):
        raise PermissionDenied
    form = SelectForm(request.POST, choices=_select_choices(list(profile.factors.all())))
    if form.is_valid():
        with form_service_errors(form) as refused:
            services.factors_select(actor=request.user, profile=profile, factors=form.cleaned_data["factors"])
        if not refused.failed:
            messages.success(request, _("The choice of risk factors is saved."))
            return redirect("diagnostics:profile", pk=profile.pk)
    if profile.status != ProfileStatus.VERIFIED:
        for problem in form.non_field_errors():
            messages.error(request, str(problem))
        return redirect("diagnostics:profile", pk=profile.pk)
    return _detail(request, profile, select_form=form, status=400)


# --- a school's profiles -----------------------------------------------------------------------


@login_required
@require_GET
def school_profiles(request: UserRequest, code: str) -> HttpResponse:
    require_view(request)
    school = selectors.visible_schools(request.user).select_related("municipality").filter(code=code).first()
    if school is None:
        raise Http404
    factors = Prefetch("factors", queryset=ProfileFactor.objects.order_by("position"))
    profiles = list(selectors.profiles_for(request.user).filter(campaign_school__school=school)
                    .select_related("campaign_school__campaign").prefetch_related(factors)
                    .order_by("-campaign_school__campaign__year", "-campaign_school__campaign__wave",
                              "-campaign_school__campaign__created_at"))
    rows = []
    for profile in profiles:
        items = list(profile.factors.all())
        counts = {level: sum(1 for f in items if f.final_level == level) for level in ("high", "medium", "low")}
        counts["none"] = sum(1 for f in items if not f.final_level)
        rows.append({"profile": profile, "campaign": profile.campaign_school.campaign, "factors": items,
                     "counts": counts, "selected": [f for f in items if f.selected]})
    return render(request, "diagnostics/school_profiles.html", {"school": school, "rows": rows})
