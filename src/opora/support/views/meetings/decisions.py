"""Decisions: edit, close or reopen, delete; an owner's part closed with evidence; the decisions
across meetings (filters, XLSX) and a school's decisions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import ValidationFailed
from opora.core.http import UserRequest
from opora.core.models import School
from opora.core.service_errors import form_service_errors
from opora.core.xlsx import xlsx_response
from opora.plans.views.attachments import content_disposition
from opora.support import selectors_meetings as selectors
from opora.support.forms_meetings import DecisionCloseForm, DecisionForm, PartCloseForm
from opora.support.models import DecisionStatus
from opora.support.selectors_meetings import DecisionFilter
from opora.support.services import meetings as services
from opora.support.views.meetings.lookups import (
    PAGE,
    add_errors,
    decision_or_404,
    owners_form,
    part_or_404,
    require_manage,
    require_view,
)

# --- decisions -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request: UserRequest, pk: int) -> HttpResponse:
    decision = decision_or_404(request, pk)
    meeting = decision.meeting
    require_manage(request, meeting)
    form = DecisionForm(initial={"number": decision.number, "text": decision.text, "due_on": decision.due_on,
                                 "owners_text": decision.owners_text})
    owners = owners_form(request, meeting)
    status = 200
    if request.method == "POST":
        status = 400
        if request.POST.get("action") == "owners":
            owners = owners_form(request, meeting, request.POST)
            if owners.is_valid():
                with form_service_errors(owners) as refused:
                    added = services.owners_add(actor=request.user, decision=decision,
                                                users=list(owners.cleaned_data["users"]),
                                                schools=list(owners.cleaned_data["schools"]),
                                                year_list=bool(owners.cleaned_data.get("year_list")))
                if not refused.failed:
                    messages.success(request, _("Owners added: %(n)d.") % {"n": added})
                    return redirect("meetings:decision_edit", decision.pk)
        else:
            form = DecisionForm(request.POST)
            if form.is_valid():
                with form_service_errors(form) as refused:
                    services.decision_update(actor=request.user, decision=decision, **form.cleaned_data)
                if not refused.failed:
                    messages.success(request, _("The decision is saved."))
                    return redirect(reverse("meetings:detail", args=[meeting.pk]) + f"#decision-{decision.pk}")
    parts = selectors.parts_of([decision.pk])[decision.pk]
    return render(request, "support/meetings/decision_form.html", {
        "decision": decision, "meeting": meeting, "form": form, "owners": owners, "parts": parts}, status=status)


@login_required
@require_POST
def decision_status(request: UserRequest, pk: int) -> HttpResponse:
    decision = decision_or_404(request, pk)
    require_manage(request, decision.meeting)
    form = DecisionCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the decision."))
    else:
        try:
            if form.cleaned_data["status"] == DecisionStatus.OPEN:
                services.decision_reopen(actor=request.user, decision=decision)
                messages.success(request, _("The decision is open again."))
            else:
                services.decision_close(actor=request.user, decision=decision, status=form.cleaned_data["status"],
                                        note=form.cleaned_data["note"])
                messages.success(request, _("The decision is closed."))
        except ValidationFailed as error:
            add_errors(request, error)
    return redirect(reverse("meetings:detail", args=[decision.meeting_id]) + f"#decision-{decision.pk}")


@login_required
@require_POST
def decision_delete(request: UserRequest, pk: int) -> HttpResponse:
    decision = decision_or_404(request, pk)
    services.decision_delete(actor=request.user, decision=decision)
    messages.success(request, _("The decision is deleted."))
    return redirect(reverse("meetings:detail", args=[decision.meeting_id]) + "#decisions")


# --- an owner's part ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def part_detail(request: UserRequest, pk: int) -> HttpResponse:
    part = part_or_404(request, pk)
    decision = part.decision
    manager = selectors.may_manage(request.user, decision.meeting)
    may_close = selectors.may_close_part(request.user, part, manager=manager)
    form = PartCloseForm()
    status = 200
    if request.method == "POST":
        if not may_close:
            raise PermissionDenied
        form = PartCloseForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            with form_service_errors(form) as refused:
                services.part_close(actor=request.user, part=part, evidence=form.cleaned_data["evidence"],
                                    upload=form.cleaned_data["file"])
            if not refused.failed:
                messages.success(request, _("Your part of the decision is reported as done."))
                return redirect("meetings:part", part.pk)
    today = timezone.localdate()
    overdue = decision.status == DecisionStatus.OPEN and bool(decision.due_on and decision.due_on < today)
    return render(request, "support/meetings/part.html", {
        "part": part, "decision": decision, "meeting": decision.meeting, "form": form, "may_close": may_close,
        "manager": manager, "overdue": overdue,
        "may_reopen": part.status == DecisionStatus.DONE and (
            manager or (may_close and decision.status == DecisionStatus.OPEN))}, status=status)


@login_required
@require_POST
def part_reopen(request: UserRequest, pk: int) -> HttpResponse:
    part = part_or_404(request, pk)
    try:
        services.part_reopen(actor=request.user, part=part)
    except ValidationFailed as error:
        add_errors(request, error)
    else:
        messages.success(request, _("The part is open again."))
    return redirect("meetings:part", part.pk)


@login_required
@require_POST
def part_remove(request: UserRequest, pk: int) -> HttpResponse:
    part = part_or_404(request, pk)
    decision_id = part.decision_id
    services.owner_remove(actor=request.user, part=part)
    messages.success(request, _("The owner is removed from the decision."))
    return redirect("meetings:decision_edit", decision_id)


@login_required
@require_GET
def part_file(request: UserRequest, pk: int) -> FileResponse:
    part = part_or_404(request, pk)
    if not part.evidence_file:
        raise Http404
    try:
        handle = part.evidence_file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    name = part.evidence_name or "evidence"
    response = FileResponse(handle, content_type="application/octet-stream")
    suffix = name.rpartition(".")[2] if "." in name else "bin"
    response["Content-Disposition"] = content_disposition(f"evidence-{part.pk}.{suffix}", name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- decisions across meetings ------------------------------------------------------------------------


STATUS_CHOICES = [("", "all"), *DecisionStatus.choices]


def _filter_from(request: UserRequest, school: School | None = None) -> tuple[DecisionFilter, dict[str, str]]:
    get = request.GET
    status = get.get("status") or ""
    if status not in DecisionStatus.values:
        status = ""
    municipality = None
    mid = get.get("municipality") or ""
    if mid.isdigit():
        municipality = access.visible_municipalities(request.user).filter(pk=int(mid)).first()
    if school is None and (code := (get.get("school") or "").strip()):
        school = access.schools_for(request.user, Perm.VIEW_SUPPORT).filter(code=code).first()
        if school is None:
            raise Http404
    owner_user = None
    oid = get.get("owner") or ""
    if oid.isdigit():
        owner_user = access.users_for(request.user, Perm.VIEW_PEOPLE).filter(pk=int(oid)).first()
    f = DecisionFilter(status=status, overdue=get.get("overdue") == "1", mine=get.get("mine") == "1",
                       school=school, municipality=municipality, owner_user=owner_user)
    query = {"status": status, "overdue": "1" if f.overdue else "", "mine": "1" if f.mine else "",
             "municipality": str(municipality.pk) if municipality else "",
             "school": get.get("school", "") if school and "school" in get else "",
             "owner": str(owner_user.pk) if owner_user else ""}
    return f, {k: v for k, v in query.items() if v}




def _decisions_page(request: UserRequest, school: School | None = None) -> HttpResponse:
    require_view(request)
    f, query = _filter_from(request, school)
    qs = selectors.decisions_for(request.user, f)
    if request.GET.get("format") == "xlsx":
        decisions: list[Any] = list(qs)  # annotated: parts_done, parts_total, is_overdue
        parts = selectors.parts_of([d.pk for d in decisions])
        status_names = dict(DecisionStatus.choices)
        return xlsx_response(
            filename="decisions.xlsx", title=_("Decisions"),
            headers=[_("meeting"), _("date"), _("protocol number"), _("item"), _("decision"), _("deadline"),
                     _("responsible (as in the protocol)"), _("owners"), _("parts done"), _("status"),
                     _("overdue")],
            rows=([d.meeting.title, d.meeting.held_on, d.meeting.number, d.number, d.text, d.due_on, d.owners_text,
                   "; ".join(f"{p.owner_name()} — {status_names[p.status]}" for p in parts[d.pk]),
                   f"{d.parts_done}/{d.parts_total}", str(status_names[d.status]),
                   _("yes") if d.is_overdue else ""] for d in decisions))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    page_parts = selectors.parts_of([d.pk for d in page.object_list])
    rows = [{"decision": d, "parts": page_parts[d.pk]} for d in page.object_list]
    return render(request, "support/meetings/decisions.html", {
        "page": page, "rows": rows, "f": f, "school": school, "query": urlencode(query),
        "statuses": DecisionStatus.choices,
        "municipalities": access.visible_municipalities(request.user).order_by("name"),
        "params": query})


@login_required
@require_GET
def decisions(request: UserRequest) -> HttpResponse:
    return _decisions_page(request)


@login_required
@require_GET
def school_decisions(request: UserRequest, code: str) -> HttpResponse:
    require_view(request)
    school = access.schools_for(request.user, Perm.VIEW_SUPPORT).filter(code=code).first()
    if school is None:
        raise Http404
    return _decisions_page(request, school)
