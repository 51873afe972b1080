"""Visits and consultations: the list (filters, pages, XLSX), one visit with its follow-ups, the forms,
and a school's visits.

No `VIEW_SUPPORT` anywhere → 403; a visit or school outside the user's scope → 404; recording
without `RECORD_VISITS` on the school → 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import ValidationFailed
from opora.core.http import UserRequest
from opora.core.models import Municipality, School, User
from opora.core.service_errors import form_service_errors, message_service_errors
from opora.core.xlsx import xlsx_response
from opora.support import selectors_visits as selectors
from opora.support.forms_visits import FollowUpForm, VisitFilterForm, VisitForm
from opora.support.models import FollowUp, Visit, VisitKind
from opora.support.services import visits as services


def _require_view(request: UserRequest) -> None:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_SUPPORT):
        raise PermissionDenied


def _visit_or_404(request: UserRequest, pk: int) -> Visit:
    _require_view(request)
    visit = selectors.visit_get(request.user, pk)
    if visit is None:
        raise Http404
    return visit


def _filters(request: UserRequest) -> tuple[selectors.VisitFilters, dict[str, str]]:
    form = VisitFilterForm(request.GET)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    filters = selectors.VisitFilters(municipality=data.get("municipality") or "", school=data.get("school") or "",
                                     kind=data.get("kind") or "", date_from=data.get("date_from"),
                                     date_to=data.get("date_to"))
    chosen = {"municipality": filters.municipality, "school": filters.school, "kind": filters.kind,
              "date_from": filters.date_from.isoformat() if filters.date_from else "",
              "date_to": filters.date_to.isoformat() if filters.date_to else ""}
    return filters, chosen


def _names(visit: Visit) -> str:
    people = [str(p) for p in visit.participants.all()]
    if visit.participants_text:
        people.append(visit.participants_text)
    return "; ".join(people)


def _export(visits: Any) -> HttpResponse:
    headers = [_("Date"), _("Municipality"), _("School code"), _("School"), _("Kind"), _("Who"), _("Purpose"),
               _("Findings"), _("Recommendations"), _("Follow-up measures"), _("In the roadmap")]
    rows = ([formats.date_format(v.held_on, "d.m.Y"), v.school.municipality.name, v.school.code, v.school.name,
             v.get_kind_display(), _names(v), v.purpose, v.findings, v.recommendations, v.follow_up_count,
             v.in_roadmap_count] for v in visits.prefetch_related("participants").iterator(chunk_size=500))
    return xlsx_response(filename="visits.xlsx", title=_("Visits"), headers=headers, rows=rows)


@login_required
@require_GET
def visit_list(request: UserRequest) -> HttpResponse:
    _require_view(request)
    filters, chosen = _filters(request)
    visits = selectors.visits_for(request.user, filters)
    query = urlencode({k: v for k, v in chosen.items() if v})
    if request.GET.get("format") == "xlsx":
        return _export(visits)
    page = Paginator(visits.prefetch_related("participants"), settings.OPORA_PAGE_SIZE).get_page(
        request.GET.get("page"))
    seen = access.schools_for(request.user, Perm.VIEW_SUPPORT)
    municipalities = Municipality.objects.filter(pk__in=seen.values("municipality_id")).order_by("name")
    schools = seen.order_by("name").only("code", "name")
    if chosen["municipality"]:
        schools = schools.filter(municipality__code=chosen["municipality"])
    return render(request, "support/visits/list.html", {
        "page": page, "chosen": chosen, "query": query, "kinds": VisitKind.choices,
        "municipalities": municipalities, "schools": schools[:500],
        "can_record": access.has_perm_anywhere(request.user, Perm.RECORD_VISITS)})


def _form_page(request: UserRequest, form: VisitForm, visit: Visit | None) -> HttpResponse:
    return render(request, "support/visits/form.html", {"form": form, "visit": visit})


def _save(request: UserRequest, form: VisitForm, visit: Visit | None) -> HttpResponse | None:
    """Call the service with the form's data; None when the form is to be shown again."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    fields = {"kind": data["kind"], "held_on": data["held_on"], "purpose": data["purpose"],
              "findings": data["findings"], "recommendations": data["recommendations"],
              "participants": list(data["participants"]), "participants_text": data["participants_text"]}
    with form_service_errors(form) as call:
        if visit is None:
            visit = services.visit_create(actor=request.user, school=data["school"], **fields)
            messages.success(request, _("The visit is recorded. Add its follow-up measures below."))
        else:
            visit = services.visit_update(actor=request.user, visit=visit, **fields)
            messages.success(request, _("The visit is saved."))
    if call.failed:
        return None
    return redirect("visits:detail", pk=visit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: UserRequest) -> HttpResponse:
    _require_view(request)
    if not access.has_perm_anywhere(request.user, Perm.RECORD_VISITS):
        raise PermissionDenied
    schools = selectors.recordable_schools(request.user)
    people = selectors.participant_candidates(request.user)
    if request.method == "POST":
        form = VisitForm(request.POST, schools=schools, people=people)
        response = _save(request, form, None)
        if response is not None:
            return response
    else:
        initial: dict[str, Any] = {"participants": [request.user.pk]}
        chosen = schools.filter(code=request.GET.get("school", "")).first()
        if chosen is not None:
            initial["school"] = chosen.pk
        form = VisitForm(initial=initial, schools=schools, people=people)
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: UserRequest, pk: int) -> HttpResponse:
    visit = _visit_or_404(request, pk)
    if not selectors.may_record(request.user, visit.school):
        raise PermissionDenied
    schools = School.objects.filter(pk=visit.school_id).select_related("municipality")
    people = User.objects.filter(Q(pk__in=selectors.participant_candidates(request.user).values("pk"))
                                 | Q(pk__in=visit.participants.values("pk"))).order_by("full_name", "username")
    if request.method == "POST":
        data = request.POST.copy()
        data["school"] = str(visit.school_id)
        form = VisitForm(data, schools=schools, people=people, fixed_school=True,
                         initial={"school": visit.school_id})
        response = _save(request, form, visit)
        if response is not None:
            return response
    else:
        form = VisitForm(initial={
            "school": visit.school_id, "kind": visit.kind, "held_on": visit.held_on, "purpose": visit.purpose,
            "participants": [p.pk for p in visit.participants.all()], "participants_text": visit.participants_text,
            "findings": visit.findings, "recommendations": visit.recommendations,
        }, schools=schools, people=people, fixed_school=True)
    return _form_page(request, form, visit)


@login_required
@require_POST
def visit_delete(request: UserRequest, pk: int) -> HttpResponse:
    visit = _visit_or_404(request, pk)
    try:
        services.visit_delete(actor=request.user, visit=visit)
    except ValidationFailed as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("visits:detail", pk=visit.pk)
    messages.success(request, _("The visit is deleted."))
    return redirect("visits:home")


def _detail(request: UserRequest, visit: Visit, follow_up_form: FollowUpForm | None = None,
            status: int = 200) -> HttpResponse:
    roadmaps: dict[int, Any] = {}
    follow_ups = []
    for f in visit.follow_ups.all():
        year = services.roadmap_year(f)
        if year not in roadmaps:
            roadmaps[year] = services.roadmap_for(f)
        follow_ups.append({"item": f, "state": services.roadmap_note(request.user, f, roadmaps[year])})
    can_record = selectors.may_record(request.user, visit.school)
    return render(request, "support/visits/detail.html", {
        "visit": visit, "follow_ups": follow_ups, "can_record": can_record,
        "form": follow_up_form or FollowUpForm()}, status=status)


@login_required
@require_GET
def visit_detail(request: UserRequest, pk: int) -> HttpResponse:
    return _detail(request, _visit_or_404(request, pk))


@login_required
@require_POST
def follow_up_add(request: UserRequest, pk: int) -> HttpResponse:
    visit = _visit_or_404(request, pk)
    if not selectors.may_record(request.user, visit.school):
        raise PermissionDenied
    form = FollowUpForm(request.POST)
    if form.is_valid():
        with form_service_errors(form) as refused:
            services.follow_up_add(actor=request.user, visit=visit, **form.cleaned_data)
        if not refused.failed:
            messages.success(request, _("The follow-up measure is added."))
            return redirect("visits:detail", pk=visit.pk)
    return _detail(request, visit, form, status=400)


def _follow_up_or_404(request: UserRequest, pk: int) -> FollowUp:
    _require_view(request)
    follow_up = (FollowUp.objects.select_related("visit__school__municipality")
                 .filter(pk=pk, visit__school__in=access.schools_for(request.user, Perm.VIEW_SUPPORT)).first())
    if follow_up is None:
        raise Http404
    return follow_up


@login_required
@require_POST
def follow_up_delete(request: UserRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up_or_404(request, pk)
    with message_service_errors(request) as refused:
        services.follow_up_delete(actor=request.user, follow_up=follow_up)
    if not refused.failed:
        messages.success(request, _("The follow-up measure is deleted."))
    return redirect("visits:detail", pk=follow_up.visit_id)


@login_required
@require_POST
def follow_up_to_roadmap(request: UserRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up_or_404(request, pk)
    with message_service_errors(request) as refused:
        services.follow_up_to_roadmap(actor=request.user, follow_up=follow_up)
    if not refused.failed:
        messages.success(request, _("The measure is added to the school's roadmap."))
    return redirect("visits:detail", pk=follow_up.visit_id)


@login_required
@require_GET
def school_visits(request: UserRequest, code: str) -> HttpResponse:
    """The school's visits with their recommendations (linked from the school's support card)."""
    _require_view(request)
    school = School.objects.select_related("municipality").filter(code=code).first()
    if school is None or not access.can_on_school(request.user, Perm.VIEW_SUPPORT, school):
        raise Http404
    visits = selectors.school_visits(request.user, school)
    if request.GET.get("format") == "xlsx":
        return _export(selectors.visits_for(request.user, selectors.VisitFilters(school=school.code)))
    return render(request, "support/visits/school.html", {
        "school": school, "school_visits": visits, "can_record": selectors.may_record(request.user, school)})
