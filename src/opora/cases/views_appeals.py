"""The appeals pages: the list with timings (the region sees all, a school its own), filing an
appeal, one appeal with the school's numbers and the rule that placed it, the versions of the list,
and the forms of whoever may act now."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.cases import appeals
from opora.cases.forms_appeals import AppealForm, AskForm, JudgeForm, PeriodForm, ReplyForm
from opora.cases.models import Appeal, AppealFile, AppealState
from opora.cases.views import require_view
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.http import UserRequest
from opora.core.service_errors import form_service_errors
from opora.identification.explain.summary import summary_sentences
from opora.identification.models import ListVersion, RunSchool, YearList
from opora.identification.selectors import display_names


def _appeal_or_404(request: UserRequest, pk: int) -> Appeal:
    require_view(request)
    try:
        return appeals.appeal_get(request.user, pk)
    except AccessDenied:
        raise Http404 from None


@login_required
@require_GET
def appeal_list(request: UserRequest) -> HttpResponse:
    require_view(request)
    visible = appeals.appeals_for(request.user)
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else (years[0] if years else None)
    today = timezone.localdate()
    rows = []
    for appeal in visible.filter(year=year) if year else visible:
        decided_on = timezone.localdate(appeal.decided_at) if appeal.decided_at else None
        took = ((decided_on or today) - timezone.localdate(appeal.filed_at)).days
        rows.append({"appeal": appeal, "overdue": appeals.appeal_overdue(appeal, today), "days": took})
    regions = list(access.regions_for(request.user, Perm.DECIDE_CASES))
    periods = [{"region": r, "closes": appeals.period_closes(r, year)} for r in regions] if year else []
    can_file = access.has_perm_anywhere(request.user, Perm.FILE_APPEALS)
    return render(request, "cases/appeals/list.html", {
        "rows": rows, "year": year, "years": years, "can_file": can_file, "periods": periods,
        "period_form": PeriodForm() if regions and year else None,
    })


@login_required
@require_POST
def period_set(request: UserRequest, region_code: str, year: int) -> HttpResponse:
    region = get_object_or_404(access.regions_for(request.user, Perm.DECIDE_CASES), code=region_code)
    form = PeriodForm(request.POST)
    if form.is_valid():
        with form_service_errors(form) as call:
            appeals.period_set(actor=request.user, region=region, year=year, closes_on=form.cleaned_data["closes_on"])
        if not call.failed:
            messages.success(request, _("The period of appeals is set."))
            return redirect(f"{_list_url()}?year={year}")
    for error in [*form.non_field_errors(), *(e for f in form for e in f.errors)]:
        messages.error(request, str(error))
    return redirect(f"{_list_url()}?year={year}")


def _list_url() -> str:
    return reverse("cases:appeals")


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request: UserRequest) -> HttpResponse:
    schools = appeals.filing_schools(request.user)
    if not schools.exists():
        raise PermissionDenied
    choices = [(str(s.pk), s.name) for s in schools]
    years = sorted(set(YearList.objects.filter(region__in={s.municipality.region for s in schools})
                       .values_list("year", flat=True)), reverse=True)
    form = AppealForm(request.POST or None, request.FILES or None, schools=choices, years=years,
                      initial={"school": request.GET.get("school", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school = schools.get(pk=data["school"])
        with form_service_errors(form) as call:
            appeal = appeals.appeal_file(actor=request.user, school=school, year=data["year"], kind=data["kind"],
                                         flag=data.get("flag") or "", reasons=data["reasons"],
                                         uploads=[data["file"]] if data.get("file") else [])
        if not call.failed:
            messages.success(request, _("The appeal is filed; the region decides by %(day)s.")
                             % {"day": appeal.decision_due.strftime("%d.%m.%Y")})
            return redirect("cases:appeal", pk=appeal.pk)
    return render(request, "cases/appeals/new.html", {"form": form}, status=400 if form.errors else 200)


def _forms(request: UserRequest, appeal: Appeal, bound: dict[str, Any]) -> dict[str, Any]:
    v = {"lock_version": appeal.lock_version}
    out: dict[str, Any] = {}
    decider = access.can_on_region(request.user, Perm.DECIDE_CASES, appeal.region)
    if appeal.state == AppealState.FILED and decider:
        out["ask"] = bound.get("ask") or AskForm(initial=v)
    if appeal.state != AppealState.DECIDED and decider:
        out["decide"] = bound.get("decide") or JudgeForm(initial=v)
    if appeal.state == AppealState.INFO and appeals.may_reply(request.user, appeal):
        out["reply"] = bound.get("reply") or ReplyForm(initial=v)
    return out


def _render(request: UserRequest, appeal: Appeal, bound: dict[str, Any] | None = None,
            status: int = 200) -> HttpResponse:
    year_list = YearList.objects.filter(region=appeal.region, year=appeal.year).select_related("run").first()
    row = (RunSchool.objects.filter(run=year_list.run, school=appeal.school).select_related("school").first()
           if year_list else None)
    forms = _forms(request, appeal, bound or {})
    stale = [str(e) for name, form in (bound or {}).items() if name not in forms for e in form.non_field_errors()]
    versions = list(year_list.versions.select_related("created_by")) if year_list else []
    code = appeal.school.code
    return render(request, "cases/appeals/appeal.html", {
        "appeal": appeal, "row": row,
        "sentences": summary_sentences(row, display_names(), year=appeal.year) if row else [],
        "rule_set": year_list.run.rule_set if year_list else None, "files": appeal.files.all(),
        "events": appeal.events.select_related("actor"), "forms": forms, "stale_errors": stale,
        "overdue": appeals.appeal_overdue(appeal, timezone.localdate()),
        "versions": [{"v": v, "listed": any(e.get("school") == code for e in v.entries), "size": len(v.entries)}
                     for v in versions],
    }, status=status)


@login_required
@require_GET
def appeal_detail(request: UserRequest, pk: int) -> HttpResponse:
    return _render(request, _appeal_or_404(request, pk))


@login_required
@require_POST
def appeal_act(request: UserRequest, pk: int, action: str) -> HttpResponse:
    appeal = _appeal_or_404(request, pk)
    form_class = {"ask": AskForm, "reply": ReplyForm, "decide": JudgeForm}.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        with form_service_errors(form) as call:
            if action == "ask":
                appeals.appeal_ask(actor=request.user, appeal=appeal, lock_version=data["lock_version"],
                                   question=data["question"])
                text = _("The question is sent.")
            elif action == "reply":
                appeals.appeal_reply(actor=request.user, appeal=appeal, lock_version=data["lock_version"],
                                     reply=data["reply"], uploads=[data["file"]] if data.get("file") else [])
                text = _("The information is sent.")
            else:
                appeals.appeal_decide(actor=request.user, appeal=appeal, lock_version=data["lock_version"],
                                      outcome=data["outcome"], decision=data["decision"])
                text = _("The decision is recorded.")
        if not call.failed:
            messages.success(request, text)
            return redirect("cases:appeal", pk=appeal.pk)
    appeal.refresh_from_db()
    return _render(request, appeal, {action: form}, status=400)


@login_required
@require_GET
def appeal_file_download(request: UserRequest, pk: int, file_id: int) -> FileResponse:
    appeal = _appeal_or_404(request, pk)
    item = get_object_or_404(AppealFile, pk=file_id, appeal=appeal)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type)


@login_required
@require_GET
def list_version(request: UserRequest, pk: int) -> HttpResponse:
    """One version of an approved list as it was: the schools the user sees, with their reasons."""
    require_view(request)
    version = get_object_or_404(ListVersion.objects.select_related("year_list__region", "created_by"), pk=pk)
    visible = set(access.schools_for(request.user, Perm.VIEW_IDENTIFICATION)
                  .filter(municipality__region=version.year_list.region).values_list("code", flat=True))
    if not visible:
        raise Http404
    entries = [e for e in version.entries if e.get("school") in visible]
    return render(request, "cases/appeals/version.html", {"version": version, "entries": entries,
                                                          "hidden": len(version.entries) - len(entries)})
