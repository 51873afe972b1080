"""Pages of the teachers' development: the year's figures (aggregates for everyone who sees
schools), the teachers by name with their deficits and plans (school and municipality roles),
a teacher's card, a plan (ИОМ) with its items and completed courses, a teacher's own plans, and
the import of deficit diagnostics.

No right at all → 403; a teacher or plan outside the user's scope → 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import ValidationFailed
from opora.core.http import UserRequest
from opora.core.imports.pages import ImportKind, import_sections, recent_imports, template_response
from opora.core.imports.pages import import_upload as start_import
from opora.core.imports.upload import UploadForm
from opora.core.models import Municipality, School
from opora.core.service_errors import form_service_errors
from opora.core.xlsx import xlsx_response
from opora.core.years import YEAR_RANGE, is_valid_year
from opora.staff import selectors_development as sel
from opora.staff.development_figures import DevelopmentFigures, development_figures
from opora.staff.forms_development import CompleteForm, CourseForm, GoalsForm, ItemForm, PlanForm
from opora.staff.imports_deficits import COLUMNS as DEFICIT_COLUMNS
from opora.staff.imports_deficits import column_help, template_workbook
from opora.staff.models import CourseCompletion, DeficitDiagnostic, DevelopmentPlan, PlanItem, StaffMember
from opora.staff.services import development as services
from opora.staff.tasks_development import import_deficits_task

PAGE_SIZE = 50
IMPORT_KIND = ImportKind(
    kind="deficits", heading=gettext_lazy("Deficit diagnostics"),
    job_title=gettext_lazy("Import of deficit diagnostics: %(file)s"), task=import_deficits_task,
    action="development:import_upload", template_url="development:import_template", columns=column_help,
    workbook=template_workbook, known=lambda: DEFICIT_COLUMNS,
)


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _year(request: UserRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and is_valid_year(int(raw)) else sel.current_year()


def _errors(request: UserRequest, error: ValidationFailed) -> None:
    for message in error.messages:
        messages.error(request, message)


def _status_choices() -> list[tuple[str, str]]:
    s = sel.TeacherStatus
    return [(s.NEEDS_PLAN, _("needs a development plan")), (s.DEFICITS, _("with deficits")),
            (s.WITH_PLAN, _("with a plan")), (s.TRAINED, _("plan carried out")),
            (s.DIAGNOSED, _("diagnosed")), (s.NOT_DIAGNOSED, _("not diagnosed"))]


# --- the year's figures ---------------------------------------------------------------------------


def _figure_row(label: str, f: DevelopmentFigures) -> dict[str, Any]:
    return {"label": label, "f": f, "diagnosed_share": _share(f.diagnosed, f.teachers),
            "trained_share": _share(f.trained, f.with_plans), "plans_share": _share(f.with_plans, f.with_deficits)}


def _sum(figures: list[DevelopmentFigures]) -> DevelopmentFigures:
    return DevelopmentFigures(*(sum(getattr(f, name) for f in figures) for name in
                                ("teachers", "diagnosed", "with_deficits", "with_plans", "trained", "needs_plan")))


@login_required
@require_GET
def home(request: UserRequest) -> HttpResponse:
    """Share diagnosed, with deficits, with plans and trained per municipality and school."""
    if not access.has_perm_anywhere(request.user, Perm.VIEW_SCHOOL):
        if sel.own_plans(request.user).exists():
            return redirect("development:mine")
        raise PermissionDenied
    year = _year(request)
    schools = access.schools_for(request.user, Perm.VIEW_SCHOOL).select_related("municipality")
    municipalities = Municipality.objects.filter(pk__in=schools.values("municipality_id")).order_by("name")
    chosen = request.GET.get("municipality", "")
    if chosen:
        schools = schools.filter(municipality__code=chosen)
    school_list = list(schools.order_by("municipality__name", "name"))
    figures = development_figures(school_ids=[s.pk for s in school_list], year=year)
    names_ids = set(sel.names_schools(request.user).values_list("pk", flat=True))
    rows = [{**_figure_row(s.name, figures[s.pk]), "school": s, "names": s.pk in names_ids}
            for s in school_list if s.pk in figures]
    by_municipality: dict[int, list[DevelopmentFigures]] = {}
    for s in school_list:
        if s.pk in figures:
            by_municipality.setdefault(s.municipality_id, []).append(figures[s.pk])
    mun_rows = [_figure_row(m.name, _sum(by_municipality[m.pk])) for m in municipalities if m.pk in by_municipality]
    total = _figure_row(_("Total"), _sum(list(figures.values())))
    if request.GET.get("format") == "xlsx":
        headers = [_("Municipality"), _("School"), _("Teachers"), _("Diagnosed"), _("Diagnosed, %"),
                   _("With deficits"), _("Need a plan"), _("With plans"), _("Plans carried out"),
                   _("Carried out, % of plans")]
        data = [[r["school"].municipality.name, r["school"].name, r["f"].teachers, r["f"].diagnosed,
                 r["diagnosed_share"], r["f"].with_deficits, r["f"].needs_plan, r["f"].with_plans, r["f"].trained,
                 r["trained_share"]] for r in rows]
        return xlsx_response(filename=f"development-{year}.xlsx", title=_("Development %(year)d") % {"year": year},
                             headers=headers, rows=data)
    context = {
        "year": year, "years": sel.years_known(access.schools_for(request.user, Perm.VIEW_SCHOOL)),
        "municipalities": municipalities, "chosen": chosen, "rows": rows, "mun_rows": mun_rows, "total": total,
        "names": bool(names_ids), "may_import": sel.import_schools(request.user).exists(),
        "has_own": sel.own_plans(request.user).exists(),
        "xlsx_query": urlencode({"year": year, "municipality": chosen, "format": "xlsx"}),
    }
    return render(request, "staff/development/home.html", context)


# --- teachers by name -----------------------------------------------------------------------------


def _names_scope(request: UserRequest) -> QuerySet[School]:
    schools = sel.names_schools(request.user)
    if not schools.exists():
        raise PermissionDenied
    return schools


@login_required
@require_GET
def teachers(request: UserRequest) -> HttpResponse:
    schools = _names_scope(request).select_related("municipality")
    year = _year(request)
    chosen = {k: request.GET.get(k, "").strip() for k in ("municipality", "school", "status", "q")}
    scoped = schools
    if chosen["municipality"]:
        scoped = scoped.filter(municipality__code=chosen["municipality"])
    if chosen["school"]:
        scoped = scoped.filter(code=chosen["school"])
    found = sel.filter_status(sel.teachers_for_year(scoped, year), chosen["status"])
    if chosen["q"]:
        found = found.filter(full_name__icontains=chosen["q"])
    if request.GET.get("format") == "xlsx":
        rows = sel.teacher_rows(list(found), year)
        headers = [_("School"), _("Teacher"), _("Staff number"), _("Diagnosed"), _("Deficit areas"),
                   _("Development plan"), _("Items done"), _("Items in the plan")]
        data = [[r.staff.school.name, r.staff.full_name, r.staff.external_id,
                 _("yes") if r.staff.diagnosed else _("no"),  # type: ignore[attr-defined]  # annotated by teachers_for
                 ", ".join(r.areas),
                 _("needs a plan") if r.needs_plan else (_("yes") if r.plan else _("no")), r.items_done,
                 r.items_total] for r in rows]
        return xlsx_response(filename=f"teachers-development-{year}.xlsx", title=_("Teachers"), headers=headers,
                             rows=data)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({"year": year, **chosen})
    context = {
        "year": year, "years": sel.years_known(schools), "chosen": chosen, "page": page, "query": query,
        "rows": sel.teacher_rows(list(page.object_list), year), "statuses": _status_choices(),
        "municipalities": Municipality.objects.filter(pk__in=schools.values("municipality_id")).order_by("name"),
        "schools": schools.order_by("name"), "xlsx_query": query + "&format=xlsx",
    }
    return render(request, "staff/development/teachers.html", context)


def _staff_or_404(request: UserRequest, pk: int) -> StaffMember:
    staff = sel.staff_get(request.user, pk)
    if staff is None:
        raise Http404
    return staff


@login_required
@require_GET
def teacher(request: UserRequest, pk: int) -> HttpResponse:
    staff = _staff_or_404(request, pk)
    year = _year(request)
    may_manage = sel.may_manage(request.user, staff.school)
    plans = list(DevelopmentPlan.objects.filter(staff=staff).prefetch_related("items").order_by("-year"))
    context = {
        "staff": staff, "year": year, "may_manage": may_manage, "plans": plans,
        "may_see_names": sel.may_see_names(request.user, staff.school),
        "diagnostics": DeficitDiagnostic.objects.filter(staff=staff).order_by("-year", "source", "area"),
        "courses": CourseCompletion.objects.filter(staff=staff).select_related("plan_item__plan"),
        "needs_plan": bool(sel.deficit_areas(staff, year)) and not any(p.year == year for p in plans),
        "plan_form": PlanForm(initial={"year": year}) if may_manage else None,
        "course_form": CourseForm(staff=staff, initial={"completed_on": timezone.localdate()})
        if may_manage else None,
    }
    return render(request, "staff/development/teacher.html", context)


def _require_manage(request: UserRequest, staff: StaffMember) -> None:
    if not sel.may_manage(request.user, staff.school):
        raise PermissionDenied


@login_required
@require_POST
def plan_new(request: UserRequest, pk: int) -> HttpResponse:
    staff = _staff_or_404(request, pk)
    _require_manage(request, staff)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the year of the plan (%(range)s).") % {"range": YEAR_RANGE})
        return redirect("development:teacher", pk=staff.pk)
    try:
        plan = services.development_plan_create(actor=request.user, staff=staff, **form.cleaned_data)
    except ValidationFailed as error:
        _errors(request, error)
        return redirect("development:teacher", pk=staff.pk)
    messages.success(request, _("The development plan is created: add its items."))
    return redirect("development:plan", pk=plan.pk)


# --- a plan ------------------------------------------------------------------------------------------


def _plan_or_404(request: UserRequest, pk: int) -> DevelopmentPlan:
    plan = sel.plan_get(request.user, pk)
    if plan is None:
        raise Http404
    return plan


def _plan_page(request: UserRequest, plan: DevelopmentPlan, *, item_form: ItemForm | None = None,
               course_form: CourseForm | None = None, status: int = 200) -> HttpResponse:
    may_manage = sel.may_manage(request.user, plan.staff.school)
    items = list(plan.items.select_related("event", "mentoring__mentor").prefetch_related("completions"))
    done = sum(1 for i in items if i.completed_on)
    if may_manage:
        item_form = item_form or ItemForm(plan=plan)
        course_form = course_form or CourseForm(staff=plan.staff,
                                                initial={"completed_on": timezone.localdate()})
    context = {
        "plan": plan, "staff": plan.staff, "items": items, "done": done, "may_manage": may_manage,
        "share": _share(done, len(items)), "areas": sel.deficit_areas(plan.staff, plan.year),
        "item_form": item_form if may_manage else None, "course_form": course_form if may_manage else None,
        "goals_form": GoalsForm(initial={"goals": plan.goals}) if may_manage else None,
        "may_see_teacher": sel.may_see_names(request.user, plan.staff.school),
    }
    return render(request, "staff/development/plan.html", context, status=status)


@login_required
@require_GET
def plan(request: UserRequest, pk: int) -> HttpResponse:
    development_plan = _plan_or_404(request, pk)
    if request.GET.get("format") == "xlsx":
        headers = [_("Kind"), _("What"), _("Competence area"), _("Hours"), _("Start"), _("Deadline"),
                   _("Completed on")]
        data = [[i.get_kind_display(), i.title, i.area, i.hours, i.starts_on, i.due_on, i.completed_on]
                for i in development_plan.items.all()]
        return xlsx_response(filename=f"plan-{development_plan.pk}.xlsx", title=_("Development plan"),
                             headers=headers, rows=data)
    return _plan_page(request, development_plan)


@login_required
@require_POST
def plan_goals(request: UserRequest, pk: int) -> HttpResponse:
    development_plan = _plan_or_404(request, pk)
    _require_manage(request, development_plan.staff)
    form = GoalsForm(request.POST)
    if form.is_valid():
        services.development_plan_update(actor=request.user, plan=development_plan, goals=form.cleaned_data["goals"])
        messages.success(request, _("The goals are saved."))
    return redirect("development:plan", pk=development_plan.pk)


@login_required
@require_POST
def plan_delete(request: UserRequest, pk: int) -> HttpResponse:
    development_plan = _plan_or_404(request, pk)
    _require_manage(request, development_plan.staff)
    try:
        services.development_plan_delete(actor=request.user, plan=development_plan)
    except ValidationFailed as error:
        _errors(request, error)
        return redirect("development:plan", pk=development_plan.pk)
    messages.success(request, _("The development plan is deleted."))
    return redirect("development:teacher", pk=development_plan.staff_id)


@login_required
@require_POST
def item_new(request: UserRequest, pk: int) -> HttpResponse:
    development_plan = _plan_or_404(request, pk)
    _require_manage(request, development_plan.staff)
    form = ItemForm(request.POST, plan=development_plan)
    if not form.is_valid():
        return _plan_page(request, development_plan, item_form=form, status=400)
    try:
        services.plan_item_add(actor=request.user, plan=development_plan, **form.item())
    except ValidationFailed as error:
        for message in error.messages:
            form.add_error(None, message)
        return _plan_page(request, development_plan, item_form=form, status=400)
    messages.success(request, _("The item is added."))
    return redirect("development:plan", pk=development_plan.pk)


def _item_or_404(plan: DevelopmentPlan, item_id: int) -> PlanItem:
    item = plan.items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    item.plan = plan
    return item


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: UserRequest, pk: int, item_id: int) -> HttpResponse:
    development_plan = _plan_or_404(request, pk)
    _require_manage(request, development_plan.staff)
    item = _item_or_404(development_plan, item_id)
    if request.method != "POST":
        form = ItemForm(plan=development_plan, initial=ItemForm.initial_for(item))
        return render(request, "staff/development/item_form.html", {"plan": development_plan, "item": item,
                                                                     "form": form})
    form = ItemForm(request.POST, plan=development_plan)
    if form.is_valid():
        with form_service_errors(form) as refused:
            services.plan_item_update(actor=request.user, item=item, **form.item())
        if not refused.failed:
            messages.success(request, _("The item is saved."))
            return redirect("development:plan", pk=development_plan.pk)
    return render(request, "staff/development/item_form.html", {"plan": development_plan, "item": item,
                                                                 "form": form}, status=400)


@login_required
@require_POST
def item_delete(request: UserRequest, pk: int, item_id: int) -> HttpResponse:
    development_plan = _plan_or_404(request, pk)
    _require_manage(request, development_plan.staff)
    try:
        services.plan_item_delete(actor=request.user, item=_item_or_404(development_plan, item_id))
    except ValidationFailed as error:
        _errors(request, error)
    else:
        messages.success(request, _("The item is deleted."))
    return redirect("development:plan", pk=development_plan.pk)


@login_required
@require_POST
def item_complete(request: UserRequest, pk: int, item_id: int) -> HttpResponse:
    """Mark an item done (with a date, today by default) or open it again (empty `reopen`)."""
    development_plan = _plan_or_404(request, pk)
    _require_manage(request, development_plan.staff)
    item = _item_or_404(development_plan, item_id)
    form = CompleteForm(request.POST)
    when = None
    if "reopen" not in request.POST:
        when = (form.cleaned_data.get("completed_on") if form.is_valid() else None) or timezone.localdate()
    try:
        services.plan_item_complete(actor=request.user, item=item, completed_on=when)
    except ValidationFailed as error:
        _errors(request, error)
    if request.htmx:
        return _plan_page(request, development_plan)
    return redirect("development:plan", pk=development_plan.pk)


# --- courses -----------------------------------------------------------------------------------------


@login_required
@require_POST
def course_new(request: UserRequest, pk: int) -> HttpResponse:
    staff = _staff_or_404(request, pk)
    _require_manage(request, staff)
    form = CourseForm(request.POST, staff=staff)
    back_plan = request.POST.get("plan", "")
    plan_obj = DevelopmentPlan.objects.filter(pk=back_plan, staff=staff).first() if back_plan.isdigit() else None
    if form.is_valid():
        with form_service_errors(form) as refused:
            services.course_completion_record(actor=request.user, staff=staff, **form.cleaned_data)
        if not refused.failed:
            messages.success(request, _("The course is recorded."))
            if plan_obj is not None:
                return redirect("development:plan", pk=plan_obj.pk)
            return redirect("development:teacher", pk=staff.pk)
    if plan_obj is not None:
        plan_obj.staff = staff
        return _plan_page(request, plan_obj, course_form=form, status=400)
    for field, errors in form.errors.items():
        for problem in errors:
            messages.error(request, f"{form.fields[field].label}: {problem}" if field in form.fields else str(problem))
    return redirect("development:teacher", pk=staff.pk)


@login_required
@require_POST
def course_delete(request: UserRequest, pk: int) -> HttpResponse:
    course = CourseCompletion.objects.select_related("staff__school").filter(pk=pk).first()
    if course is None or not sel.may_see_names(request.user, course.staff.school):
        raise Http404
    _require_manage(request, course.staff)
    services.course_completion_delete(actor=request.user, course=course)
    messages.success(request, _("The course record is deleted."))
    return redirect("development:teacher", pk=course.staff_id)


# --- the teacher's own plans -------------------------------------------------------------------------


@login_required
@require_GET
def mine(request: UserRequest) -> HttpResponse:
    plans = list(sel.own_plans(request.user))
    courses = CourseCompletion.objects.filter(staff__user=request.user)
    return render(request, "staff/development/mine.html", {"plans": plans, "courses": courses})


# --- diagnostics: results and import -------------------------------------------------------------------


@login_required
@require_GET
def diagnostics_xlsx(request: UserRequest) -> HttpResponse:
    """Every diagnostic result of the year in the schools whose teachers the user sees by name."""
    schools = _names_scope(request)
    year = _year(request)
    rows = (DeficitDiagnostic.objects.filter(staff__school__in=schools, year=year)
            .select_related("staff__school").order_by("staff__school__name", "staff__full_name", "area"))
    headers = [_("School code"), _("School"), _("Teacher"), _("Staff number"), _("Competence area"), _("Score"),
               _("Maximum score"), _("Deficit"), _("Date"), _("Diagnostic")]
    data = ([d.staff.school.code, d.staff.school.name, d.staff.full_name, d.staff.external_id, d.area, d.score,
             d.max_score, _("yes") if d.has_deficit else _("no"), d.held_on, d.source] for d in rows.iterator())
    return xlsx_response(filename=f"deficits-{year}.xlsx", title=_("Deficits %(year)d") % {"year": year},
                         headers=headers, rows=data)


def _require_import(request: UserRequest) -> None:
    if not sel.import_schools(request.user).exists():
        raise PermissionDenied


def _import_page(request: UserRequest, form: UploadForm | None = None) -> HttpResponse:
    context = {"sections": import_sections([IMPORT_KIND], {"deficits": form} if form else None),
               "jobs": recent_imports(request, [IMPORT_KIND])}
    return render(request, "staff/development/import.html", context)


@login_required
@require_GET
def import_page(request: UserRequest) -> HttpResponse:
    _require_import(request)
    return _import_page(request)


@login_required
@require_POST
def import_upload(request: UserRequest) -> HttpResponse:
    _require_import(request)
    outcome = start_import(request, IMPORT_KIND)
    return _import_page(request, outcome) if isinstance(outcome, UploadForm) else outcome


@login_required
@require_GET
def import_template(request: UserRequest, kind: str) -> HttpResponse:
    _require_import(request)
    if kind != IMPORT_KIND.kind:
        raise Http404
    return template_response(IMPORT_KIND)
