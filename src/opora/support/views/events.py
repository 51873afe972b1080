"""Pages of the plan of events: the plan (XLSX), an event with its invitations, registration and
participation rates, attendance on the day (htmx) or from a file, the schools' participation."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import ValidationFailed
from opora.core.imports.upload import UploadForm, upload_save
from opora.core.models import Municipality, Region, School
from opora.core.service_errors import form_service_errors, message_service_errors
from opora.core.xlsx import xlsx_response
from opora.core.years import is_valid_year
from opora.jobs.models import Job
from opora.jobs.services import job_create, job_enqueue
from opora.staff.models import StaffMember
from opora.support import import_kinds  # noqa: F401 (declares the imports the mapping page may map)
from opora.support import selectors_events as selectors
from opora.support.forms_events import REGION, EventForm, WalkInForm, event_initial
from opora.support.imports_attendance import IMPORT_JOB_KIND, attendance_template
from opora.support.models import Event, EventKind, EventStatus, Participant
from opora.support.services import events as services
from opora.support.tasks import import_attendance_task

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_view(request: HttpRequest) -> None:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_SUPPORT):
        raise PermissionDenied


def _event(request: HttpRequest, pk: int) -> Event:
    _require_view(request)
    event = selectors.event_for(request.user, pk)
    if event is None:
        raise Http404
    return event


def _managed(request: HttpRequest, pk: int) -> Event:
    event = _event(request, pk)
    if not selectors.can_manage(request.user, event):
        raise PermissionDenied
    return event


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() else 0
    return year if is_valid_year(year) else timezone.localdate().year


def _years(user: Any, year: int) -> list[int]:
    now = timezone.localdate().year
    stored = selectors.events_for(user).dates("starts_on", "year")
    return sorted({now - 1, now, now + 1, year, *(d.year for d in stored)}, reverse=True)


def _municipalities(user: Any) -> QuerySet[Municipality]:
    return access.visible_municipalities(user).order_by("name")


def _period(event: Event) -> str:
    if event.period_text:
        return event.period_text
    start = event.starts_on.strftime("%d.%m.%Y")
    return f"{start} – {event.ends_on.strftime('%d.%m.%Y')}" if event.ends_on else start


def _filters(request: HttpRequest) -> dict[str, Any]:
    kinds, statuses = set(EventKind.values), set(EventStatus.values)
    return {"year": _year(request), "municipality": request.GET.get("municipality", "")[:20],
            "kind": request.GET.get("kind", "") if request.GET.get("kind") in kinds else "",
            "status": request.GET.get("status", "") if request.GET.get("status") in statuses else "",
            "school": request.GET.get("school", "")[:32]}


def _query(chosen: dict[str, Any], **extra: str) -> str:
    return urlencode({**{k: v for k, v in chosen.items() if v}, **extra})


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The plan of events (seed 004's columns), filtered; XLSX with ?format=xlsx."""
    _require_view(request)
    chosen = _filters(request)
    events = selectors.plan_events(request.user, **chosen)
    if request.GET.get("format") == "xlsx":
        return _plan_xlsx(events, chosen["year"])
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    start = (page.number - 1) * PAGE_SIZE
    rows = [{"n": start + i + 1, "event": e, "period": _period(e), "rates": selectors.rates_of(e)}
            for i, e in enumerate(page.object_list)]
    return render(request, "support/events/home.html", {
        "rows": rows, "page": page, "chosen": chosen, "years": _years(request.user, chosen["year"]),
        "municipalities": _municipalities(request.user), "kinds": EventKind.choices, "statuses": EventStatus.choices,
        "query": _query(chosen), "xlsx_query": _query(chosen, format="xlsx"),
        "can_create": selectors.can_create_events(request.user)})


def _plan_xlsx(events: QuerySet[Event], year: int) -> HttpResponse:
    headers = [_("No."), _("Title"), _("Kind"), _("Period"), _("Responsible"), _("Expected result"), _("Status"),
               _("Municipality"), _("Host school"), _("Schools invited"), _("Schools came"), _("Registered"),
               _("Registered and came"), _("Came in all")]

    def rows() -> Any:
        for n, e in enumerate(events, start=1):
            r = selectors.rates_of(e)
            yield [n, e.title, e.get_kind_display(), _period(e), e.responsible, e.expected_result,
                   e.get_status_display(), e.municipality.name if e.municipality else _("region"),
                   e.venue_school.name if e.venue_school else "", r.invited, r.schools_came, r.registered,
                   r.registered_came, r.came]

    return xlsx_response(filename=f"opora-events-{year}.xlsx", title=_("Plan of events"), headers=headers,
                         rows=rows())


# --- An event ------------------------------------------------------------------------------------


def event_territories(user: Any) -> list[tuple[str, str]]:
    out = [(f"m{m.pk}", m.name) for m in selectors.managed_municipalities(user)]
    out += [(f"r{r.pk}", _("Region: %(name)s") % {"name": r.name}) for r in selectors.managed_regions(user)]
    return out


def _form_schools(user: Any, event: Event | None) -> QuerySet[School]:
    if event is not None:
        return selectors.territory_schools(event).order_by("name")
    return School.objects.filter(Q(municipality__in=selectors.managed_municipalities(user))
                                 | Q(municipality__region__in=selectors.managed_regions(user))).order_by("name")


def _data(form: EventForm) -> services.EventData:
    d = form.cleaned_data
    return services.EventData(
        title=d["title"], kind=d["kind"], starts_on=d["starts_on"], ends_on=d.get("ends_on"),
        period_text=d.get("period_text", ""), venue_school=d.get("venue_school"), place=d.get("place", ""),
        responsible=d.get("responsible", ""), expected_result=d.get("expected_result", ""),
        description=d.get("description", ""), capacity=d.get("capacity"),
        registration_open=bool(d.get("registration_open")))


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    if not selectors.can_create_events(request.user):
        raise PermissionDenied
    territories = event_territories(request.user)
    schools = _form_schools(request.user, None)
    form = EventForm(request.POST or None, territories=territories, schools=schools,
                     initial={"registration_open": True})
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["territory"]
        municipality = region = None
        if code.startswith("m"):
            municipality = Municipality.objects.select_related("region").filter(pk=code[1:]).first()
        else:
            region = Region.objects.filter(pk=code[1:]).first()
        with form_service_errors(form) as refused:
            event = services.event_create(actor=request.user, data=_data(form), municipality=municipality,  # type: ignore[arg-type]
                                          region=region, responsible_users=[request.user])  # type: ignore[list-item]
        if not refused.failed:
            messages.success(request, _("The event is added to the plan."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "support/events/form.html", {"form": form, "event": None, "regional": REGION})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    form = EventForm(request.POST or None, territories=[], schools=_form_schools(request.user, event), event=event,
                     initial=event_initial(event))
    if request.method == "POST" and form.is_valid():
        with form_service_errors(form) as refused:
            services.event_update(actor=request.user, event=event, data=_data(form))  # type: ignore[arg-type]
        if not refused.failed:
            messages.success(request, _("The event is saved."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "support/events/form.html", {"form": form, "event": event})


def _school_rows(event: Event, participants: list[Participant], names: set[int] | None) -> list[dict[str, Any]]:
    by_school: dict[int | None, list[Participant]] = {}
    for p in participants:
        by_school.setdefault(p.school_id, []).append(p)
    rows = []
    for inv in event.invitations.select_related("school").order_by("school__name"):
        people = by_school.pop(inv.school_id, [])
        rows.append({"school": inv.school, "invited": True, "people": people,
                     "registered": sum(1 for p in people if p.source == "registration"),
                     "came": sum(1 for p in people if p.attended),
                     "names": names is None or inv.school_id in names})
    for school_id, people in by_school.items():
        school = people[0].school
        rows.append({"school": school, "invited": False, "people": people, "registered": 0,
                     "came": sum(1 for p in people if p.attended),
                     "names": names is None or (school_id is not None and school_id in names)})
    return rows


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    user = request.user
    manage = selectors.can_manage(user, event)
    participants = services.participants_of(event)
    names = selectors.names_visible_for(user, event)
    registrable = selectors.registrable_schools(user, event) if event.status == EventStatus.PLANNED else []
    if not event.registration_open and not manage:
        registrable = []
    staff: dict[int, list[StaffMember]] = {}
    visible_staff = set(access.staff_schools_for(user).filter(pk__in=[s.pk for s in registrable])
                        .values_list("pk", flat=True))
    for member in StaffMember.objects.filter(school_id__in=visible_staff, is_active=True).order_by("full_name"):
        staff.setdefault(member.school_id, []).append(member)
    registered_ids = {p.staff_id for p in participants if p.staff_id}
    forms = [{"school": s, "staff": [m for m in staff.get(s.pk, []) if m.pk not in registered_ids]}
             for s in registrable]
    today = timezone.localdate()
    return render(request, "support/events/detail.html", {
        "event": event, "period": _period(event), "rates": selectors.rates_of(event), "manage": manage,
        "rows": _school_rows(event, participants, names), "register_forms": forms,
        "free": (event.capacity - len(participants)) if event.capacity is not None else None,
        "can_take_attendance": manage and event.status != EventStatus.CANCELLED and event.starts_on <= today,
        "statuses": EventStatus.choices, "responsible_users": list(event.responsible_users.all()),
        "typed": request.session.pop("events_names", "")})


@login_required
@require_POST
def event_status(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    with message_service_errors(request) as refused:
        services.event_set_status(actor=request.user, event=event, status=request.POST.get("status", ""))  # type: ignore[arg-type]
    if not refused.failed:
        messages.success(request, _("The status is changed."))
    return redirect("events:detail", pk=event.pk)


# --- Invitations ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    if request.method == "POST":
        try:
            if "year_list" in request.POST:
                count = services.invitations_add_year_list(actor=request.user, event=event)  # type: ignore[arg-type]
            else:
                ids = [int(v) for v in request.POST.getlist("school") if v.isdigit()]
                if not ids:
                    raise ValidationFailed(_("Choose at least one school."))
                count = services.invitations_add(actor=request.user, event=event,  # type: ignore[arg-type]
                                                 schools=list(School.objects.filter(pk__in=ids)))
        except ValidationFailed as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("events:invite", pk=event.pk)
        messages.success(request, _("Schools invited: %(n)s.") % {"n": count})
        return redirect("events:detail", pk=event.pk)
    invited = set(event.invitations.values_list("school_id", flat=True))
    listed = set(selectors.year_list_schools(event).values_list("pk", flat=True))
    schools = [{"school": s, "invited": s.pk in invited, "listed": s.pk in listed}
               for s in selectors.territory_schools(event).select_related("municipality").order_by("municipality__name",
                                                                                                      "name")]
    return render(request, "support/events/invite.html", {"event": event, "schools": schools,
                                                          "listed_count": len(listed - invited)})


@login_required
@require_POST
def uninvite(request: HttpRequest, pk: int, school: str) -> HttpResponse:
    event = _managed(request, pk)
    target = School.objects.filter(code=school, event_invitations__event=event).first()
    if target is None:
        raise Http404
    with message_service_errors(request) as refused:
        services.invitation_remove(actor=request.user, event=event, school=target)  # type: ignore[arg-type]
    if not refused.failed:
        messages.success(request, _("The invitation is withdrawn."))
    return redirect("events:detail", pk=event.pk)


# --- Registration --------------------------------------------------------------------------------


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    school = next((s for s in selectors.registrable_schools(request.user, event)
                   if str(s.pk) == request.POST.get("school")), None)
    if school is None:
        raise PermissionDenied
    ids = [int(v) for v in request.POST.getlist("staff") if v.isdigit()]
    staff = list(StaffMember.objects.filter(pk__in=ids, school=school)) if ids else []
    if staff and not access.staff_schools_for(request.user).filter(pk=school.pk).exists() \
            and not selectors.can_manage(request.user, event):
        raise PermissionDenied
    try:
        added = services.participants_register(actor=request.user, event=event, school=school, staff=staff,  # type: ignore[arg-type]
                                               typed=services.parse_people(request.POST.get("names", "")))
    except ValidationFailed as error:
        for message in error.messages:
            messages.error(request, message)
        request.session["events_names"] = request.POST.get("names", "")[:5000]
    else:
        messages.success(request, _("Registered: %(n)s.") % {"n": len(added)})
    return redirect(f"{reverse('events:detail', args=[event.pk])}#school-{school.code}")


@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int, participant: int) -> HttpResponse:
    event = _event(request, pk)
    target = event.participants.select_related("school", "event").filter(pk=participant).first()
    if target is None:
        raise Http404
    with message_service_errors(request) as refused:
        services.participant_remove(actor=request.user, participant=target)  # type: ignore[arg-type]
    if not refused.failed:
        messages.success(request, _("The participant is removed."))
    return redirect("events:detail", pk=event.pk)


# --- Attendance ----------------------------------------------------------------------------------


def _attendance_context(request: HttpRequest, event: Event, form: WalkInForm | None = None) -> dict[str, Any]:
    return {"event": event, "period": _period(event), "rates": selectors.rates_of(event),
            "participants": services.participants_of(event),
            "form": form or WalkInForm(schools=selectors.territory_schools(event).order_by("name")),
            "open": event.status != EventStatus.CANCELLED and event.starts_on <= timezone.localdate()}


@login_required
@require_GET
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    return render(request, "support/events/attendance.html", _attendance_context(request, event))


@login_required
@require_POST
def mark(request: HttpRequest, pk: int, participant: int) -> HttpResponse:
    """Toggle one person's presence; htmx gets the row back and the rates (out of band)."""
    event = _managed(request, pk)
    target = event.participants.select_related("school", "event").filter(pk=participant).first()
    if target is None:
        raise Http404
    error = ""
    try:
        services.attendance_mark(actor=request.user, participant=target,  # type: ignore[arg-type]
                                 attended=request.POST.get("attended") in ("1", "on", "true"))
    except ValidationFailed as failure:
        error = " ".join(failure.messages)
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return redirect("events:attendance", pk=event.pk)
    return render(request, "support/events/_mark_row.html", {
        "event": event, "p": target, "error": error, "rates": selectors.rates_of(event), "oob": True,
        "open": True})


@login_required
@require_POST
def walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    form = WalkInForm(request.POST, schools=selectors.territory_schools(event).order_by("name"))
    if form.is_valid():
        with form_service_errors(form) as refused:
            services.walk_in_add(actor=request.user, event=event, full_name=form.cleaned_data["full_name"],  # type: ignore[arg-type]
                                 position=form.cleaned_data["position"], school=form.cleaned_data["school"])
        if not refused.failed:
            messages.success(request, _("%(name)s is recorded as present.") % {"name": form.cleaned_data["full_name"]})
            return redirect("events:attendance", pk=event.pk)
    return render(request, "support/events/attendance.html", _attendance_context(request, event, form), status=200)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_import(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    form = UploadForm(request.POST or None, request.FILES or None, prefix="attendance")
    if request.method == "POST" and form.is_valid():
        path, shown = upload_save(form.cleaned_data["file"])
        job = job_create(kind=IMPORT_JOB_KIND, user=request.user,  # type: ignore[arg-type]
                         title=_("Attendance of «%(event)s»: %(file)s") % {"event": event.title, "file": shown},
                         params={"path": str(path), "filename": shown, "event": event.pk})
        job_enqueue(job, import_attendance_task)
        return redirect(f"{reverse('events:attendance_import', args=[event.pk])}?job={job.pk}")
    jobs = Job.objects.filter(kind=IMPORT_JOB_KIND, params__event=event.pk).select_related("created_by") \
        .order_by("-created_at")[:10]
    current = None
    job_id = request.GET.get("job", "")
    if job_id:
        current = next((j for j in jobs if str(j.pk) == job_id and j.created_by_id == request.user.pk), None)
    return render(request, "support/events/import.html", {"event": event, "form": form, "jobs": jobs,
                                                          "current": current})


@login_required
@require_GET
def attendance_template_download(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    response = HttpResponse(attendance_template(event), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="opora-attendance-{event.pk}.xlsx"'
    return response


# --- Participation of schools --------------------------------------------------------------------


@login_required
@require_GET
def participation(request: HttpRequest) -> HttpResponse:
    """«Участие школ»: per school, events invited to (past) vs attended; XLSX with ?format=xlsx."""
    _require_view(request)
    year = _year(request)
    municipality = request.GET.get("municipality", "")[:20]
    schools = selectors.school_participation(request.user, year=year, municipality=municipality,
                                             today=timezone.localdate())
    rows = [selectors.SchoolParticipation(school=s, invited=s.p_invited, attended=s.p_attended, people=s.p_people,
                                          upcoming=s.p_upcoming) for s in schools]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename=f"opora-participation-{year}.xlsx", title=_("Participation of schools"),
            headers=[_("School code"), _("School"), _("Municipality"), _("Invited to (held)"), _("Attended"),
                     _("Share attended") + ", %", _("People present"), _("Upcoming invitations")],
            rows=([r.school.code, r.school.name, r.school.municipality.name, r.invited, r.attended, r.percent,
                   r.people, r.upcoming] for r in rows))
    chosen = {"year": year, "municipality": municipality}
    return render(request, "support/events/participation.html", {
        "rows": rows, "chosen": chosen, "years": _years(request.user, year),
        "municipalities": _municipalities(request.user), "xlsx_query": _query(chosen, format="xlsx")})
