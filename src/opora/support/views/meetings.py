"""Meetings and decisions: the list of meetings, a meeting's protocol (edit, DOCX), its decisions
with their owners, each owner's part closed with evidence, the decisions across meetings (filters,
XLSX) and a school's decisions.

No VIEW_SUPPORT anywhere → 403; a meeting, decision or part outside the user's scope → 404; an
action the user may not take → 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.http import UserRequest
from opora.core.models import Municipality, Region, School, User
from opora.core.xlsx import xlsx_response
from opora.plans.views.attachments import content_disposition
from opora.support import selectors_meetings as selectors
from opora.support.forms_meetings import (
    REGIONAL,
    AgendaFormSet,
    DecisionCloseForm,
    DecisionForm,
    DecisionOwnersForm,
    MeetingForm,
    OwnersForm,
    PartCloseForm,
)
from opora.support.models import Decision, DecisionOwner, DecisionStatus, Meeting
from opora.support.selectors_meetings import DecisionFilter
from opora.support.services import meetings as services

PAGE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- lookups -------------------------------------------------------------------------------------


def _require_view(request: UserRequest) -> None:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_SUPPORT):
        raise PermissionDenied


def _meeting_or_404(request: UserRequest, pk: int) -> Meeting:
    _require_view(request)
    meeting = selectors.meeting_get(request.user, pk)
    if meeting is None:
        raise Http404
    return meeting


def _decision_or_404(request: UserRequest, pk: int) -> Decision:
    _require_view(request)
    decision = selectors.decision_get(request.user, pk)
    if decision is None:
        raise Http404
    return decision


def _part_or_404(request: UserRequest, pk: int) -> DecisionOwner:
    if not request.user.is_authenticated:
        raise PermissionDenied
    part = selectors.part_get(request.user, pk)
    if part is None:
        if not access.has_perm_anywhere(request.user, Perm.VIEW_SUPPORT):
            raise PermissionDenied
        raise Http404
    return part


def _require_manage(request: UserRequest, meeting: Meeting) -> None:
    if not selectors.may_manage(request.user, meeting):
        raise PermissionDenied


def _errors(request: UserRequest, error: ValidationFailed) -> None:
    for text in error.messages:
        messages.error(request, text)


def _people(meeting_or_region: Meeting | Region, municipality: Municipality | None, user: User) -> QuerySet[User]:
    """People of the meeting's territory the organiser may name (attendees, owners)."""
    region_id = meeting_or_region.region_id if isinstance(meeting_or_region, Meeting) else meeting_or_region.pk
    inside = (Q(role_assignments__region_id=region_id) | Q(role_assignments__municipality__region_id=region_id)
              | Q(role_assignments__school__municipality__region_id=region_id))
    if municipality is not None:
        inside = (Q(role_assignments__municipality=municipality)
                  | Q(role_assignments__school__municipality=municipality)
                  | Q(role_assignments__schools__municipality=municipality)
                  | Q(role_assignments__region_id=region_id))
    visible = access.users_for(user, Perm.VIEW_PEOPLE).values("pk")
    return User.objects.filter(inside, pk__in=visible, is_active=True).distinct().order_by("full_name", "username")


def _territory_schools(meeting: Meeting) -> QuerySet[School]:
    if meeting.municipality_id:
        return School.objects.filter(municipality_id=meeting.municipality_id).order_by("name")
    return School.objects.filter(municipality__region_id=meeting.region_id).order_by("name")


# --- the list of meetings ------------------------------------------------------------------------


@login_required
@require_GET
def home(request: UserRequest) -> HttpResponse:
    _require_view(request)
    qs = (selectors.meetings_for(request.user).select_related("municipality", "region")
          .annotate(n_decisions=Count("decisions", distinct=True),
                    n_open=Count("decisions", filter=Q(decisions__status=DecisionStatus.OPEN), distinct=True),
                    n_overdue=Count("decisions", filter=selectors.overdue_q(timezone.localdate(), "decisions__"),
                                    distinct=True))
          .order_by("-held_on", "-pk"))
    municipalities = list(access.visible_municipalities(request.user).order_by("name"))
    municipality_id = request.GET.get("municipality") or ""
    if municipality_id.isdigit():
        qs = qs.filter(municipality_id=int(municipality_id))
    year = request.GET.get("year") or ""
    if year.isdigit():
        qs = qs.filter(held_on__year=int(year))
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(topic__icontains=q) | Q(number__iexact=q))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename="meetings.xlsx", title=_("Meetings"),
            headers=[_("date"), _("protocol number"), _("meeting"), _("municipality"), _("place"), _("decisions"),
                     pgettext("decisions", "open"), _("overdue")],
            rows=([m.held_on, m.number, m.title, m.municipality.name if m.municipality else m.region.name,
                   m.place, m.n_decisions, m.n_open, m.n_overdue] for m in qs.iterator()))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    query = {k: v for k, v in (("municipality", municipality_id), ("year", year), ("q", q)) if v}
    creatable, regional = selectors.creatable_units(request.user)
    return render(request, "support/meetings/home.html", {
        "page": page, "municipalities": municipalities, "municipality_id": municipality_id, "year": year, "q": q,
        "query": urlencode(query), "may_create": regional or creatable.exists()})


# --- a meeting: create, edit, show, delete, DOCX ---------------------------------------------------


def _agenda_initial(meeting: Meeting | None) -> list[dict[str, str]]:
    return [dict(item) for item in (meeting.agenda if meeting else []) if isinstance(item, dict)]


def _meeting_form_page(request: UserRequest, meeting: Meeting | None) -> HttpResponse:
    municipalities, regional = selectors.creatable_units(request.user)
    if meeting is None and not regional and not municipalities.exists():
        raise PermissionDenied
    region = meeting.region if meeting else None
    if region is None:
        region = (access.regions_for(request.user, Perm.MANAGE_MEETINGS).first()
                  or (first.region if (first := municipalities.first()) is not None else None))
    if region is None:
        raise PermissionDenied
    people = _people(region, meeting.municipality if meeting else None, request.user)
    kwargs: dict[str, Any] = {"municipalities": municipalities, "regional": regional, "people": people,
                              "fixed_unit": meeting is not None}
    if request.method == "POST":
        form = MeetingForm(request.POST, **kwargs)
        agenda = AgendaFormSet(request.POST, prefix="agenda")
        if form.is_valid() and agenda.is_valid():
            items = [f.cleaned_data for f in agenda.forms if f.cleaned_data]
            try:
                if meeting is None:
                    unit = form.cleaned_data["unit"]
                    municipality = None if unit == REGIONAL else municipalities.filter(pk=unit).first()
                    target_region = municipality.region if municipality else region
                    if target_region is None:
                        raise PermissionDenied
                    meeting = services.meeting_create(
                        actor=request.user, region=target_region, municipality=municipality,
                        fields=form.meeting_fields(), attendees=list(form.cleaned_data["attendees"]), agenda=items)
                    messages.success(request, _("The meeting is recorded. Now add its decisions."))
                else:
                    services.meeting_update(actor=request.user, meeting=meeting, fields=form.meeting_fields(),
                                            attendees=list(form.cleaned_data["attendees"]), agenda=items)
                    messages.success(request, _("The protocol is saved."))
            except AccessDenied as error:
                raise PermissionDenied from error
            except ValidationFailed as error:
                for text in error.messages:
                    form.add_error(None, text)
            else:
                return redirect("meetings:detail", meeting.pk)
        status = 400
    else:
        initial: dict[str, Any] = {}
        if meeting is not None:
            initial = {k: getattr(meeting, k) for k in services.MEETING_FIELDS}
            initial["unit"] = str(meeting.municipality_id) if meeting.municipality_id else REGIONAL
            initial["attendees"] = list(meeting.attendees.values_list("pk", flat=True))
        else:
            initial = {"held_on": timezone.localdate()}
        form = MeetingForm(initial=initial, **kwargs)
        agenda = AgendaFormSet(initial=_agenda_initial(meeting), prefix="agenda")
        status = 200
    return render(request, "support/meetings/meeting_form.html",
                  {"form": form, "agenda": agenda, "meeting": meeting}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: UserRequest) -> HttpResponse:
    _require_view(request)
    return _meeting_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: UserRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    _require_manage(request, meeting)
    return _meeting_form_page(request, meeting)


def _owners_form(request: UserRequest, meeting: Meeting, data: Any = None, *, with_decision: bool = False
                 ) -> OwnersForm:
    list_year, _schools = services.year_list_schools(meeting)
    cls = DecisionOwnersForm if with_decision else OwnersForm
    return cls(data, people=_people(meeting, meeting.municipality, request.user),
               schools=_territory_schools(meeting), list_year=list_year)


def _decision_rows(user: User, meeting: Meeting, manager: bool) -> list[dict[str, Any]]:
    decisions = list(selectors.decisions_for(user, DecisionFilter(meeting=meeting))
                     .order_by("position", "pk"))
    parts = selectors.parts_of([d.pk for d in decisions])
    heads = selectors.head_school_ids(user)
    rows = []
    for d in decisions:
        rows.append({"decision": d, "parts": [
            {"part": p, "may_close": manager or p.user_id == user.pk or p.school_id in heads}
            for p in parts[d.pk]]})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: UserRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    manager = selectors.may_manage(request.user, meeting)
    form = None
    status = 200
    if manager:
        if request.method == "POST":
            form = _owners_form(request, meeting, request.POST, with_decision=True)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.decision_add(
                        actor=request.user, meeting=meeting, number=data["number"], text=data["text"],
                        due_on=data["due_on"], owners_text=data["owners_text"], users=list(data["users"]),
                        schools=list(data["schools"]), year_list=bool(data.get("year_list")))
                except AccessDenied as error:
                    raise PermissionDenied from error
                except ValidationFailed as error:
                    for text in error.messages:
                        form.add_error(None, text)
                else:
                    messages.success(request, _("The decision is added."))
                    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#decisions")
            status = 400
        else:
            form = _owners_form(request, meeting, with_decision=True)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "support/meetings/meeting.html", {
        "meeting": meeting, "manager": manager, "form": form,
        "attendees": meeting.attendees.order_by("full_name"),
        "rows": _decision_rows(request.user, meeting, manager)}, status=status)


@login_required
@require_POST
def meeting_delete(request: UserRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    try:
        services.meeting_delete(actor=request.user, meeting=meeting)
    except AccessDenied as error:
        raise PermissionDenied from error
    messages.success(request, _("The meeting is deleted."))
    return redirect("meetings:home")


@login_required
@require_GET
def protocol(request: UserRequest, pk: int) -> HttpResponse:
    from opora.support.protocol_docx import protocol_docx

    meeting = _meeting_or_404(request, pk)
    response = HttpResponse(protocol_docx(meeting), content_type=DOCX)
    readable = f"Протокол {meeting.number} {meeting.held_on:%d.%m.%Y}.docx".replace("  ", " ")
    response["Content-Disposition"] = content_disposition(f"protocol-{meeting.pk}.docx", readable)
    return response


# --- decisions -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request: UserRequest, pk: int) -> HttpResponse:
    decision = _decision_or_404(request, pk)
    meeting = decision.meeting
    _require_manage(request, meeting)
    form = DecisionForm(initial={"number": decision.number, "text": decision.text, "due_on": decision.due_on,
                                 "owners_text": decision.owners_text})
    owners = _owners_form(request, meeting)
    status = 200
    if request.method == "POST":
        status = 400
        if request.POST.get("action") == "owners":
            owners = _owners_form(request, meeting, request.POST)
            if owners.is_valid():
                try:
                    added = services.owners_add(actor=request.user, decision=decision,
                                                users=list(owners.cleaned_data["users"]),
                                                schools=list(owners.cleaned_data["schools"]),
                                                year_list=bool(owners.cleaned_data.get("year_list")))
                except ValidationFailed as error:
                    for text in error.messages:
                        owners.add_error(None, text)
                else:
                    messages.success(request, _("Owners added: %(n)d.") % {"n": added})
                    return redirect("meetings:decision_edit", decision.pk)
        else:
            form = DecisionForm(request.POST)
            if form.is_valid():
                try:
                    services.decision_update(actor=request.user, decision=decision, **form.cleaned_data)
                except ValidationFailed as error:
                    for text in error.messages:
                        form.add_error(None, text)
                else:
                    messages.success(request, _("The decision is saved."))
                    return redirect(reverse("meetings:detail", args=[meeting.pk]) + f"#decision-{decision.pk}")
    parts = selectors.parts_of([decision.pk])[decision.pk]
    return render(request, "support/meetings/decision_form.html", {
        "decision": decision, "meeting": meeting, "form": form, "owners": owners, "parts": parts}, status=status)


@login_required
@require_POST
def decision_status(request: UserRequest, pk: int) -> HttpResponse:
    decision = _decision_or_404(request, pk)
    _require_manage(request, decision.meeting)
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
            _errors(request, error)
    return redirect(reverse("meetings:detail", args=[decision.meeting_id]) + f"#decision-{decision.pk}")


@login_required
@require_POST
def decision_delete(request: UserRequest, pk: int) -> HttpResponse:
    decision = _decision_or_404(request, pk)
    try:
        services.decision_delete(actor=request.user, decision=decision)
    except AccessDenied as error:
        raise PermissionDenied from error
    messages.success(request, _("The decision is deleted."))
    return redirect(reverse("meetings:detail", args=[decision.meeting_id]) + "#decisions")


# --- an owner's part ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def part_detail(request: UserRequest, pk: int) -> HttpResponse:
    part = _part_or_404(request, pk)
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
            try:
                services.part_close(actor=request.user, part=part, evidence=form.cleaned_data["evidence"],
                                    upload=form.cleaned_data["file"])
            except AccessDenied as error:
                raise PermissionDenied from error
            except ValidationFailed as error:
                for text in error.messages:
                    form.add_error(None, text)
            else:
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
    part = _part_or_404(request, pk)
    try:
        services.part_reopen(actor=request.user, part=part)
    except AccessDenied as error:
        raise PermissionDenied from error
    except ValidationFailed as error:
        _errors(request, error)
    else:
        messages.success(request, _("The part is open again."))
    return redirect("meetings:part", part.pk)


@login_required
@require_POST
def part_remove(request: UserRequest, pk: int) -> HttpResponse:
    part = _part_or_404(request, pk)
    decision_id = part.decision_id
    try:
        services.owner_remove(actor=request.user, part=part)
    except AccessDenied as error:
        raise PermissionDenied from error
    messages.success(request, _("The owner is removed from the decision."))
    return redirect("meetings:decision_edit", decision_id)


@login_required
@require_GET
def part_file(request: UserRequest, pk: int) -> FileResponse:
    part = _part_or_404(request, pk)
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
    _require_view(request)
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
    _require_view(request)
    school = access.schools_for(request.user, Perm.VIEW_SUPPORT).filter(code=code).first()
    if school is None:
        raise Http404
    return _decisions_page(request, school)
