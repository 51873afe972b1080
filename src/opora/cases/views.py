"""The pages of the objectivity cases: the list with its overview, opening cases from a run, one
case with its evidence, history and the forms of whoever may act on it now, the answer's files and
the enhanced-control list as XLSX.

No case visible anywhere → 403 from the list; a case outside the user's scope → 404 (the
middleware answers AccessDenied from the selectors with 403/404 as the rest of the site does).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.cases import selectors, services
from opora.cases.control import control_rows, control_workbook
from opora.cases.forms import (
    AnswerForm,
    CaseFilterForm,
    DecisionForm,
    FileForm,
    OpenForm,
    OpinionForm,
    ReopenForm,
    SendForm,
    TakeForm,
)
from opora.cases.models import CaseFile, CaseState, ObjectivityCase, Outcome
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.http import UserRequest
from opora.core.service_errors import form_service_errors
from opora.identification.explain.why import objectivity_item
from opora.identification.models import Run, RunStatus
from opora.identification.selectors import display_names


def require_view(request: UserRequest) -> None:
    """403 unless the user sees identification somewhere (cases and appeals are seen alike)."""
    if not access.has_perm_anywhere(request.user, Perm.VIEW_IDENTIFICATION):
        raise PermissionDenied


def _case_or_404(request: UserRequest, pk: int) -> ObjectivityCase:
    require_view(request)
    try:
        return selectors.case_get(request.user, pk)
    except AccessDenied:
        raise Http404 from None


@login_required
@require_GET
def case_list(request: UserRequest) -> HttpResponse:
    require_view(request)
    visible = selectors.cases_for(request.user)
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    municipalities = sorted({(c.school.municipality.code, c.school.municipality.name) for c in visible},
                            key=lambda m: m[1])
    form = CaseFilterForm(request.GET or None, years=years, municipalities=municipalities)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or (years[0] if years else None)
    today = timezone.localdate()
    cases = visible if year is None else visible.filter(year=year)
    if data.get("municipality"):
        cases = cases.filter(school__municipality__code=data["municipality"])
    state = data.get("state") or ""
    overview = _overview(list(cases), today)
    if state == "overdue":
        cases = cases.filter(selectors.overdue_filter(today))
    elif state:
        cases = cases.filter(state=state)
    rows = [{"case": c, "overdue": selectors.overdue(c, today)} for c in cases]
    repeated = _repeated(visible)
    regions = [r for r in access.regions_for(request.user, Perm.DECIDE_CASES)]
    runs = (Run.objects.filter(region__in=regions, preview=False, status=RunStatus.DONE).order_by("-year", "-pk")[:10]
            if regions else [])
    query = urlencode({"year": year or ""})
    return render(request, "cases/list.html", {
        "form": form, "rows": rows, "year": year, "overview": overview, "repeated": repeated, "runs": runs,
        "export_query": query, "states": CaseState.choices,
    })


def _overview(cases: list[ObjectivityCase], today: Any) -> list[dict[str, Any]]:
    """Per municipality: cases by status, overdue answers and decisions, confirmed cases."""
    by: dict[str, dict[str, Any]] = {}
    for case in cases:
        name = case.school.municipality.name
        row = by.setdefault(name, {"municipality": name, "states": Counter(), "overdue_answer": 0,
                                   "overdue_decision": 0, "confirmed": 0, "total": 0})
        row["states"][case.state] += 1
        row["total"] += 1
        late = selectors.overdue(case, today)
        if late:
            row[f"overdue_{late}"] += 1
        row["confirmed"] += case.confirmed
    return [{**row, "cells": [row["states"].get(s, 0) for s, _label in CaseState.choices]}
            for _name, row in sorted(by.items())]


def _repeated(visible: Any) -> list[dict[str, Any]]:
    """Schools with confirmed cases in two or more years."""
    years: dict[int, set[int]] = {}
    schools: dict[int, Any] = {}
    for case in selectors.confirmed(visible):
        years.setdefault(case.school_id, set()).add(case.year)
        schools[case.school_id] = case.school
    return [{"school": schools[pk], "years": sorted(ys)} for pk, ys in years.items() if len(ys) > 1]


def _open_choices(run: Run) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    names = display_names()
    procedures: set[str] = set()
    schools: list[tuple[str, str]] = []
    for row in run.schools.select_related("school").order_by("school__name"):
        present = ((row.evidence or {}).get("objectivity") or {}).get("present") or []
        procedures |= {str(r["procedure"]) for r in present if isinstance(r, dict) and r.get("procedure")}
        if present:
            schools.append((str(row.school_id), f"{row.school.name} — {_('index')} {row.objectivity_index or 0:.2f}"))
    procedures |= set(names.procedures)
    return [(p, names.procedure(p)) for p in sorted(procedures)], schools


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: UserRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(Run, pk=run_id, preview=False, status=RunStatus.DONE)
    if not selectors.may_open(request.user, run.region):
        raise PermissionDenied
    procedures, schools = _open_choices(run)
    initial = {"answer_due": timezone.localdate() + timedelta(days=services.ANSWER_DAYS)}
    form = OpenForm(request.POST or None, initial=initial, procedures=procedures, schools=schools)
    if request.method == "POST" and form.is_valid():
        chosen = run.schools.filter(school_id__in=form.cleaned_data["schools"] or [])
        with form_service_errors(form) as call:
            opened = services.cases_open(
                actor=request.user, run=run, procedure=form.cleaned_data["procedure"],
                schools=[r.school for r in chosen.select_related("school__municipality")],
                min_index=form.cleaned_data["min_index"] if not form.cleaned_data["schools"] else None,
                answer_due=form.cleaned_data["answer_due"])
        if not call.failed:
            n = len(opened.created)
            messages.success(request, ngettext("%(n)s case opened and sent to the school.",
                                               "%(n)s cases opened and sent to the schools.", n) % {"n": n})
            if opened.skipped:
                messages.info(request, _("Already have a case: %(names)s.") % {"names": ", ".join(opened.skipped)})
            return redirect(f"{_list_url()}?{urlencode({'year': run.year})}")
    return render(request, "cases/open.html", {"run": run, "form": form, "has_signs": bool(schools)})


def _list_url() -> str:
    return reverse("cases:list")


def _forms(request: UserRequest, case: ObjectivityCase, bound: dict[str, Any]) -> dict[str, Any]:
    """The forms the user may use on the case in its state (a bound one keeps what was typed)."""
    v = {"lock_version": case.lock_version}
    out: dict[str, Any] = {}
    if case.state == CaseState.WAITING and selectors.may_answer(request.user, case):
        out["answer"] = bound.get("answer") or AnswerForm(initial=v)
        out["file"] = bound.get("file") or FileForm()
    if case.state == CaseState.WAITING and selectors.may_decide(request.user, case):
        out["take"] = bound.get("take") or TakeForm(initial=v)
    if case.state == CaseState.OPEN and selectors.may_decide(request.user, case):
        due = timezone.localdate() + timedelta(days=services.ANSWER_DAYS)
        out["send"] = bound.get("send") or SendForm(initial={**v, "answer_due": due})
    if case.state == CaseState.REVIEW and selectors.may_review(request.user, case):
        out["opinion"] = bound.get("opinion") or OpinionForm(
            initial={**v, "outcome": case.municipal_outcome, "reason": case.municipal_reason})
    if case.state == CaseState.REVIEW and selectors.may_decide(request.user, case):
        out["decision"] = bound.get("decision") or DecisionForm(initial=v)
    if case.state == CaseState.DECIDED and selectors.may_decide(request.user, case):
        out["reopen"] = bound.get("reopen") or ReopenForm(initial=v)
    return out


def _render_case(request: UserRequest, case: ObjectivityCase, bound: dict[str, Any] | None = None,
                 status: int = 200) -> HttpResponse:
    names = display_names()
    item = objectivity_item(case.objectivity_index, sorted({str(s.get("sign")) for s in case.signs}),
                            case.statuses or {}, case.signs, names)
    today = timezone.localdate()
    forms = _forms(request, case, bound or {})
    # A refused step whose form no longer applies (the case moved on): its reason goes on top.
    stale = [str(e) for name, form in (bound or {}).items() if name not in forms for e in form.non_field_errors()]
    return render(request, "cases/case.html", {
        "case": case, "item": item, "works": services.works_label(case), "overdue": selectors.overdue(case, today),
        "events": case.events.select_related("actor"), "files": case.files.all(),
        "forms": forms, "stale_errors": stale,
        "procedure": names.procedure(case.procedure), "outcomes": Outcome,
    }, status=status)


@login_required
@require_GET
def case_detail(request: UserRequest, pk: int) -> HttpResponse:
    return _render_case(request, _case_or_404(request, pk))


def _done(request: UserRequest, case: ObjectivityCase, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("cases:case", pk=case.pk)


@login_required
@require_POST
def case_act(request: UserRequest, pk: int, action: str) -> HttpResponse:
    """Every step on a case: the form of `action` is validated, the service called; a refusal keeps
    what was typed and shows the reason on the form."""
    case = _case_or_404(request, pk)
    form_class = {"answer": AnswerForm, "file": FileForm, "take": TakeForm, "send": SendForm,
                  "opinion": OpinionForm, "decision": DecisionForm, "reopen": ReopenForm}.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        data, user = form.cleaned_data, request.user
        with form_service_errors(form) as call:
            if action == "answer":
                uploads = [data["file"]] if data.get("file") else []
                services.case_answer(actor=user, case=case, lock_version=data["lock_version"], text=data["text"],
                                     uploads=uploads)
                text = _("The answer is sent; the case is under review.")
            elif action == "file":
                services.case_file_add(actor=user, case=case, upload=data["file"])
                text = _("The file is attached.")
            elif action == "take":
                services.case_take(actor=user, case=case, lock_version=data["lock_version"], comment=data["comment"])
                text = _("The case is taken for review.")
            elif action == "send":
                services.case_send(actor=user, case=case, lock_version=data["lock_version"],
                                   answer_due=data["answer_due"])
                text = _("The case is sent to the school.")
            elif action == "opinion":
                services.case_municipal_opinion(actor=user, case=case, lock_version=data["lock_version"],
                                                outcome=data["outcome"], reason=data["reason"])
                text = _("The municipality's opinion is recorded.")
            elif action == "decision":
                services.case_decide(actor=user, case=case, lock_version=data["lock_version"],
                                     outcome=data["outcome"], reason=data["reason"],
                                     mark_results=data["mark_results"], low_results_effect=data["low_results_effect"],
                                     enhanced_control=data["enhanced_control"])
                text = _("The decision is recorded.")
            else:
                services.case_reopen(actor=user, case=case, lock_version=data["lock_version"], reason=data["reason"])
                text = _("The case is reopened.")
        if not call.failed:
            return _done(request, case, text)
    case.refresh_from_db()
    return _render_case(request, case, {action: form}, status=400)


@login_required
@require_GET
def case_file(request: UserRequest, pk: int, file_id: int) -> FileResponse:
    case = _case_or_404(request, pk)
    item = get_object_or_404(CaseFile, pk=file_id, case=case)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type)


@login_required
@require_GET
def control_export(request: UserRequest) -> HttpResponse:
    require_view(request)
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    if not year:
        raise Http404
    rows = control_rows(selectors.cases_for(request.user), year)
    body = control_workbook(rows, year)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="enhanced-control-{year + 1}.xlsx"'
    return response

