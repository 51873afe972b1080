"""The list of meetings and one meeting: create, edit, show with its decisions, delete, the
protocol as DOCX."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.http import UserRequest
from opora.core.models import User
from opora.core.service_errors import form_service_errors
from opora.core.xlsx import xlsx_response
from opora.plans.views.attachments import content_disposition
from opora.support import selectors_meetings as selectors
from opora.support.forms_meetings import REGIONAL, AgendaFormSet, MeetingForm
from opora.support.models import DecisionStatus, Meeting
from opora.support.selectors_meetings import DecisionFilter
from opora.support.services import meetings as services
from opora.support.views.meetings.lookups import (
    DOCX,
    PAGE,
    meeting_or_404,
    owners_form,
    require_manage,
    require_view,
    territory_people,
)

# --- the list of meetings ------------------------------------------------------------------------


@login_required
@require_GET
def home(request: UserRequest) -> HttpResponse:
    require_view(request)
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
    people = territory_people(region, meeting.municipality if meeting else None, request.user)
    kwargs: dict[str, Any] = {"municipalities": municipalities, "regional": regional, "people": people,
                              "fixed_unit": meeting is not None}
    if request.method == "POST":
        form = MeetingForm(request.POST, **kwargs)
        agenda = AgendaFormSet(request.POST, prefix="agenda")
        if form.is_valid() and agenda.is_valid():
            items = [f.cleaned_data for f in agenda.forms if f.cleaned_data]
            with form_service_errors(form) as refused:
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
            if not refused.failed:
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
    require_view(request)
    return _meeting_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: UserRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    require_manage(request, meeting)
    return _meeting_form_page(request, meeting)



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
    meeting = meeting_or_404(request, pk)
    manager = selectors.may_manage(request.user, meeting)
    form = None
    status = 200
    if manager:
        if request.method == "POST":
            form = owners_form(request, meeting, request.POST, with_decision=True)
            if form.is_valid():
                data = form.cleaned_data
                with form_service_errors(form) as refused:
                    services.decision_add(
                        actor=request.user, meeting=meeting, number=data["number"], text=data["text"],
                        due_on=data["due_on"], owners_text=data["owners_text"], users=list(data["users"]),
                        schools=list(data["schools"]), year_list=bool(data.get("year_list")))
                if not refused.failed:
                    messages.success(request, _("The decision is added."))
                    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#decisions")
            status = 400
        else:
            form = owners_form(request, meeting, with_decision=True)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "support/meetings/meeting.html", {
        "meeting": meeting, "manager": manager, "form": form,
        "attendees": meeting.attendees.order_by("full_name"),
        "rows": _decision_rows(request.user, meeting, manager)}, status=status)


@login_required
@require_POST
def meeting_delete(request: UserRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    services.meeting_delete(actor=request.user, meeting=meeting)
    messages.success(request, _("The meeting is deleted."))
    return redirect("meetings:home")


@login_required
@require_GET
def protocol(request: UserRequest, pk: int) -> HttpResponse:
    from opora.support.protocol_docx import protocol_docx

    meeting = meeting_or_404(request, pk)
    response = HttpResponse(protocol_docx(meeting), content_type=DOCX)
    readable = f"Протокол {meeting.number} {meeting.held_on:%d.%m.%Y}.docx".replace("  ", " ")
    response["Content-Disposition"] = content_disposition(f"protocol-{meeting.pk}.docx", readable)
    return response
