"""Curators, partner schools and mentoring pairs: the network page, a school's support card with
suggestions, the lists with XLSX, and the small edit/end forms.

No VIEW_SUPPORT anywhere → 403; a school outside the user's scope → 404; a forbidden action → 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import ValidationFailed
from opora.core.http import UserRequest
from opora.core.models import Municipality, School
from opora.core.xlsx import xlsx_response
from opora.staff.models import StaffMember
from opora.support import selectors_network as sel
from opora.support.forms_network import CuratorForm, EditForm, EndForm, MentoringForm, PartnerForm
from opora.support.models import Mentoring, Partnership
from opora.support.selectors_visits import school_visits
from opora.support.services import network as services
from opora.support.suggestions import listed_school_ids, school_suggestions


def _require_view(request: UserRequest) -> None:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_SUPPORT):
        raise PermissionDenied


def _school_or_404(request: UserRequest, code: str) -> School:
    _require_view(request)
    school = sel.school_for(request.user, code)
    if school is None:
        raise Http404
    return school


def _errors(request: UserRequest, error: ValidationFailed) -> None:
    for message in error.messages:
        messages.error(request, message)


def _card(school: School) -> str:
    return reverse("network:school", args=[school.code])


def _d(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _listed_for(user: Any) -> set[int]:
    regions = set(sel.support_schools(user).values_list("municipality__region_id", flat=True).distinct())
    return listed_school_ids(regions)


# --- the network page ------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: UserRequest) -> HttpResponse:
    _require_view(request)
    user = request.user
    municipalities = sel.municipalities_of(user)
    code = request.GET.get("municipality", "")
    municipality = municipalities.filter(code=code).first() if code else None
    show = "all" if request.GET.get("show") == "all" else "supported"
    listed = _listed_for(user)
    schools = sel.network_schools(user, municipality=municipality, listed=listed, show=show)
    if request.GET.get("format") == "xlsx":
        rows = sel.network_rows(user, schools=schools, listed=listed)
        return xlsx_response(
            filename="support-network.xlsx", title=_("Curators and partners"),
            headers=[_("School code"), _("School"), _("Municipality"), _("On the year's list"), _("Curators"),
                     _("Partner schools"), _("Supports schools"), _("Mentoring pairs")],
            rows=([r.school.code, r.school.name, r.school.municipality.name, _("yes") if r.listed else "",
                   "; ".join(str(c.curator) for c in r.curators),
                   "; ".join(p.partner.name for p in r.partners),
                   "; ".join(p.school.name for p in r.supports), r.mentoring] for r in rows))
    page = Paginator(schools, settings.OPORA_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = sel.network_rows(user, schools=page.object_list, listed=listed)
    query = urlencode({k: v for k, v in {"municipality": code, "show": show if show == "all" else ""}.items() if v})
    return render(request, "support/network/home.html", {
        "rows": rows, "page": page, "query": query, "municipalities": municipalities, "chosen": code,
        "show": show, "without_curator": sum(1 for r in rows if r.needs_curator),
        "may_manage": access.has_perm_anywhere(user, Perm.MANAGE_SUPPORT),
    })


# --- a school's support card -------------------------------------------------------------------------


def _curator_form(school: School, data: Any = None) -> CuratorForm:
    choices = [(c.user.pk, c.label) for c in sel.curator_choices(school)]
    return CuratorForm(data, choices=choices)


def _school_context(request: UserRequest, school: School, **forms: Any) -> dict[str, Any]:
    user = request.user
    may_manage = access.can_on_school(user, Perm.MANAGE_SUPPORT, school)
    curatorships = list(sel.curatorships_for(user, school=school))
    partnerships = list(sel.partnerships_for(user, school=school))
    today = timezone.localdate()

    def live(x: Any) -> bool:
        return x.ends_on is None or x.ends_on > today

    context: dict[str, Any] = {
        "school": school, "may_manage": may_manage,
        "curators": [c for c in curatorships if live(c)], "past_curators": [c for c in curatorships if not live(c)],
        "partners": [p for p in partnerships if p.school_id == school.pk and live(p)],
        "supports": [p for p in partnerships if p.partner_id == school.pk and live(p)],
        "past_partners": [p for p in partnerships if not live(p)],
        "mentoring": sel.current(Mentoring.objects.filter(mentee__school=school)).count(),
        "listed": school.pk in listed_school_ids({school.municipality.region_id}),
        "today": today,
        "school_visits": school_visits(user, school)[:5],
    }
    if may_manage:
        context["curator_form"] = forms.get("curator_form") or _curator_form(school)
        context["partner_form"] = forms.get("partner_form") or PartnerForm()
        context["suggestions"] = school_suggestions(school=school, with_people=True)
        taken = {c.curator_id for c in context["curators"]}
        partnered = {p.partner_id for p in context["partners"]}
        for item in context["suggestions"].items:
            item.people = [u for u in item.people if u.pk not in taken]
            item.partnered = item.school.pk in partnered
    return context


@login_required
@require_GET
def school(request: UserRequest, code: str) -> HttpResponse:
    school = _school_or_404(request, code)
    return render(request, "support/network/school.html", _school_context(request, school))


@login_required
@require_POST
def curator_assign(request: UserRequest, code: str) -> HttpResponse:
    school = _school_or_404(request, code)
    if not access.can_on_school(request.user, Perm.MANAGE_SUPPORT, school):
        raise PermissionDenied
    form = _curator_form(school, request.POST)
    if form.is_valid():
        curator = next((c.user for c in sel.curator_choices(school) if c.user.pk == form.cleaned_data["curator"]),
                       None)
        try:
            if curator is None:
                raise ValidationFailed(_("Choose a curator from the list."))
            services.curatorship_assign(actor=request.user, school=school, curator=curator,
                                        starts_on=form.cleaned_data["starts_on"], goals=form.cleaned_data["goals"])
        except ValidationFailed as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("%(name)s is now a curator of the school.") % {"name": curator})
            return redirect(_card(school))
    return render(request, "support/network/school.html", _school_context(request, school, curator_form=form),
                  status=400)


@login_required
@require_POST
def partner_add(request: UserRequest, code: str) -> HttpResponse:
    school = _school_or_404(request, code)
    if not access.can_on_school(request.user, Perm.MANAGE_SUPPORT, school):
        raise PermissionDenied
    form = PartnerForm(request.POST)
    if form.is_valid():
        partner = (School.objects.select_related("municipality")
                   .filter(code=form.cleaned_data["partner"].strip(),
                           municipality__region_id=school.municipality.region_id).first())
        try:
            if partner is None:
                raise ValidationFailed(_("No school with this code in the region."))
            services.partnership_create(actor=request.user, school=school, partner=partner,
                                        starts_on=form.cleaned_data["starts_on"], ends_on=form.cleaned_data["ends_on"],
                                        goals=form.cleaned_data["goals"])
        except ValidationFailed as error:
            form.add_error("partner", error.messages)
        else:
            messages.success(request, _("%(name)s is now a partner school.") % {"name": partner.name})
            return redirect(_card(school))
    return render(request, "support/network/school.html", _school_context(request, school, partner_form=form),
                  status=400)


# --- lists -------------------------------------------------------------------------------------------


def _list_filters(request: UserRequest) -> tuple[Municipality | None, str, bool]:
    municipalities = sel.municipalities_of(request.user)
    code = request.GET.get("municipality", "")
    municipality = municipalities.filter(code=code).first() if code else None
    current_only = request.GET.get("all") != "1"
    return municipality, code, current_only


@login_required
@require_GET
def curatorships(request: UserRequest) -> HttpResponse:
    _require_view(request)
    municipality, code, current_only = _list_filters(request)
    qs = sel.curatorships_for(request.user)
    if municipality is not None:
        qs = qs.filter(school__municipality=municipality)
    if current_only:
        qs = sel.current(qs)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename="curators.xlsx", title=_("Curators"),
            headers=[_("School code"), _("School"), _("Municipality"), _("Curator"), _("Curator's school"),
                     _("Start"), _("End"), _("Goals")],
            rows=([c.school.code, c.school.name, c.school.municipality.name, str(c.curator),
                   c.curator_school.name if c.curator_school else "", _d(c.starts_on), _d(c.ends_on), c.goals]
                  for c in qs.iterator()))
    page = Paginator(qs, settings.OPORA_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in {"municipality": code, "all": "" if current_only else "1"}.items() if v})
    return render(request, "support/network/curatorships.html", {
        "page": page, "query": query, "municipalities": sel.municipalities_of(request.user), "chosen": code,
        "current_only": current_only})


@login_required
@require_GET
def partnerships(request: UserRequest) -> HttpResponse:
    _require_view(request)
    municipality, code, current_only = _list_filters(request)
    qs = sel.partnerships_for(request.user)
    if municipality is not None:
        qs = qs.filter(school__municipality=municipality)
    if current_only:
        qs = sel.current(qs)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename="partnerships.xlsx", title=_("Partner schools"),
            headers=[_("School code"), _("Supported school"), _("Partner code"), _("Partner school"), _("Start"),
                     _("End"), _("Goals")],
            rows=([p.school.code, p.school.name, p.partner.code, p.partner.name, _d(p.starts_on), _d(p.ends_on),
                   p.goals] for p in qs.iterator()))
    page = Paginator(qs, settings.OPORA_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in {"municipality": code, "all": "" if current_only else "1"}.items() if v})
    return render(request, "support/network/partnerships.html", {
        "page": page, "query": query, "municipalities": sel.municipalities_of(request.user), "chosen": code,
        "current_only": current_only})


# --- mentoring -----------------------------------------------------------------------------------------


def _mentoring_form(request: UserRequest, school: School, data: Any = None) -> MentoringForm:
    staff = list(sel.mentoring_staff_choices(request.user))
    mentees = [(m.pk, m.full_name) for m in staff if m.school_id == school.pk]
    mentors = [(m.pk, f"{m.full_name} — {m.school.name}") for m in staff]
    partnerships = [(p.pk, f"{p.school.name} ↔ {p.partner.name}")
                    for p in sel.current(sel.partnerships_for(request.user, school=school))]
    return MentoringForm(data, mentees=mentees, mentors=mentors, partnerships=partnerships)


def _mentoring_context(request: UserRequest, school: School, form: MentoringForm | None = None) -> dict[str, Any]:
    names = sel.may_see_names(request.user, school)
    pairs = list(sel.mentoring_for_school(school)) if names else []
    today = timezone.localdate()
    may_manage = access.staff_schools_for(request.user, Perm.MANAGE_MENTORING).filter(pk=school.pk).exists()
    return {
        "school": school, "names": names, "pairs": pairs, "today": today, "may_manage": may_manage,
        "count": sel.current(Mentoring.objects.filter(mentee__school=school)).count(),
        "form": (form or _mentoring_form(request, school)) if may_manage else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def mentoring(request: UserRequest, code: str) -> HttpResponse:
    school = _school_or_404(request, code)
    if request.method == "GET":
        context = _mentoring_context(request, school)
        if request.GET.get("format") == "xlsx":
            if not context["names"]:
                raise PermissionDenied
            return xlsx_response(
                filename=f"mentoring-{school.code}.xlsx", title=_("Mentoring pairs"),
                headers=[_("Mentee"), _("Mentor"), _("Mentor's school"), _("Partnership"), _("Start"), _("End"),
                         _("Goals")],
                rows=([m.mentee.full_name, m.mentor.full_name, m.mentor.school.name,
                       m.partnership.partner.name if m.partnership else "", _d(m.starts_on), _d(m.ends_on), m.goals]
                      for m in context["pairs"]))
        return render(request, "support/network/mentoring.html", context)
    if not access.staff_schools_for(request.user, Perm.MANAGE_MENTORING).filter(pk=school.pk).exists():
        raise PermissionDenied
    form = _mentoring_form(request, school, request.POST)
    if form.is_valid():
        staff = {m.pk: m for m in StaffMember.objects.filter(
            pk__in=[form.cleaned_data["mentor"], form.cleaned_data["mentee"]])}
        partnership = None
        if form.cleaned_data["partnership"]:
            partnership = sel.partnerships_for(request.user, school=school).filter(
                pk=form.cleaned_data["partnership"]).first()
        try:
            services.mentoring_create(actor=request.user, mentor=staff[form.cleaned_data["mentor"]],
                                      mentee=staff[form.cleaned_data["mentee"]],
                                      starts_on=form.cleaned_data["starts_on"], ends_on=form.cleaned_data["ends_on"],
                                      goals=form.cleaned_data["goals"], partnership=partnership)
        except ValidationFailed as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The mentoring pair is recorded."))
            return redirect("network:mentoring", code=school.code)
    return render(request, "support/network/mentoring.html", _mentoring_context(request, school, form), status=400)


# --- edit and end ----------------------------------------------------------------------------------------


def _record(request: UserRequest, kind: str, pk: int) -> tuple[Any, School]:
    """The curatorship, partnership or mentoring pair the user sees, and its school (404 if none)."""
    _require_view(request)
    user = request.user
    if kind == "curatorship":
        curatorship = sel.curatorships_for(user).filter(pk=pk).first()
        if curatorship is None:
            raise Http404
        return curatorship, curatorship.school
    if kind == "partnership":
        partnership = Partnership.objects.select_related("school__municipality", "partner").filter(
            pk=pk, school__in=sel.support_schools(user)).first()
        if partnership is None:
            raise Http404
        return partnership, partnership.school
    mentoring = (Mentoring.objects.select_related("mentee__school__municipality", "mentor__school")
                 .filter(pk=pk, mentee__school__in=access.staff_schools_for(user, Perm.VIEW_STAFF)).first())
    if mentoring is None:
        raise Http404
    return mentoring, mentoring.mentee.school


_UPDATE: dict[str, Callable[..., object]] = {
    "curatorship": services.curatorship_update, "partnership": services.partnership_update,
    "mentoring": services.mentoring_update}
_END: dict[str, Callable[..., object]] = {
    "curatorship": services.curatorship_end, "partnership": services.partnership_end,
    "mentoring": services.mentoring_end}


def _after(kind: str, school: School) -> str:
    return reverse("network:mentoring", args=[school.code]) if kind == "mentoring" else _card(school)


def _title(kind: str, record: Any) -> str:
    if kind == "curatorship":
        return _("Curatorship: %(curator)s → %(school)s") % {"curator": record.curator, "school": record.school.name}
    if kind == "partnership":
        return _("Partnership: %(school)s ↔ %(partner)s") % {"school": record.school.name,
                                                             "partner": record.partner.name}
    return _("Mentoring: %(mentor)s → %(mentee)s") % {"mentor": record.mentor.full_name,
                                                      "mentee": record.mentee.full_name}


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: UserRequest, kind: str, pk: int) -> HttpResponse:
    record, school = _record(request, kind, pk)
    if request.method == "POST":
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                _UPDATE[kind](actor=request.user, **{kind: record}, **form.cleaned_data)
            except ValidationFailed as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Saved."))
                return redirect(_after(kind, school))
        status = 400
    else:
        form = EditForm(initial={"starts_on": record.starts_on, "goals": record.goals})
        status = 200
    return render(request, "support/network/edit.html", {
        "form": form, "title": _title(kind, record), "record": record, "kind": kind, "school": school,
        "back": _after(kind, school), "end_form": EndForm(initial={"ends_on": timezone.localdate()})},
        status=status)


@login_required
@require_POST
def end(request: UserRequest, kind: str, pk: int) -> HttpResponse:
    record, school = _record(request, kind, pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect(_after(kind, school))
    try:
        _END[kind](actor=request.user, **{kind: record}, ends_on=form.cleaned_data["ends_on"])
    except ValidationFailed as error:
        _errors(request, error)
    else:
        messages.success(request, _("Ended on %(date)s.") % {"date": _d(record.ends_on)})
    return redirect(_after(kind, school))

