"""The staff registry of a school by name (only inside the school and its municipality), people's
records, leaving, vacancies, and the registry import (a background job)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.imports.pages import ImportKind
from opora.core.imports.upload import upload_save
from opora.core.models import School
from opora.core.service_errors import form_service_errors, message_service_errors
from opora.core.xlsx import xlsx_response
from opora.jobs.models import Job
from opora.jobs.services import job_create, job_enqueue
from opora.results.models import Subject
from opora.staff import imports_registry
from opora.staff.forms_registry import LeaveForm, MemberForm, RegistryUploadForm, VacancyForm
from opora.staff.models import PositionKind, StaffMember, Vacancy
from opora.staff.services import registry as services
from opora.staff.tasks import import_registry_task
from opora.staff.views.staffing import visible_school

# Declared so that a registry file whose header does not fit can be mapped (the upload has its own
# page, which keeps the school of a one-school file in the job's parameters).
IMPORT_KIND = ImportKind(
    kind=imports_registry.JOB_KIND.removeprefix("import_"), heading=gettext_lazy("Staff registry"),
    job_title=gettext_lazy("Import of the staff registry: %(file)s"), task=import_registry_task,
    action="staff:registry_import", template_url="staff:registry_template", columns=imports_registry.column_help,
    workbook=imports_registry.template_workbook, known=lambda: imports_registry.COLUMNS,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff_school(request: HttpRequest, code: str) -> School:
    """The school whose people the user may see by name: 404 if not visible at all, 403 if aggregates only."""
    school = visible_school(request, code)
    if not services.may_view_staff(request.user, school):  # type: ignore[arg-type]
        raise PermissionDenied
    return school


def _managed_school(request: HttpRequest, code: str) -> School:
    school = _staff_school(request, code)
    if not services.may_manage_staff(request.user, school):  # type: ignore[arg-type]
        raise PermissionDenied
    return school


def _member(request: HttpRequest, pk: int) -> StaffMember:
    member = StaffMember.objects.select_related("school__municipality", "user").filter(pk=pk).first()
    if member is None or not access.staff_schools_for(request.user, Perm.VIEW_STAFF).filter(
            pk=member.school_id).exists():
        raise Http404
    if not services.may_manage_staff(request.user, member.school):  # type: ignore[arg-type]
        raise PermissionDenied
    return member


def _subject_names() -> dict[str, str]:
    return dict(Subject.objects.values_list("code", "name"))


def _subjects_text(member: StaffMember, names: dict[str, str]) -> str:
    return ", ".join(names.get(s, s) for s in member.subjects)


@login_required
@require_GET
def registry(request: HttpRequest, code: str) -> HttpResponse:
    school = _staff_school(request, code)
    show_gone = request.GET.get("gone") == "1"
    people = StaffMember.objects.filter(school=school).select_related("user").order_by("full_name", "pk")
    if not show_gone:
        people = people.filter(is_active=True)
    names = _subject_names()
    if request.GET.get("format") == "xlsx":
        headers = [_("Staff number"), _("Full name"), _("Kind of position"), _("Position"), _("Subjects"),
                   _("Qualification category"), _("Teaching experience, years"), _("Age group"),
                   _("Works at the school"), _("Left on")]
        rows = ([m.external_id, m.full_name, m.get_position_kind_display(), m.position, _subjects_text(m, names),
                 m.get_qualification_category_display(), m.experience_years, m.get_age_group_display(),
                 _("yes") if m.is_active else _("no"), m.left_on] for m in people)
        return xlsx_response(filename=f"staff-{school.code}.xlsx", title=_("Staff"), headers=headers, rows=rows)
    people_list = list(people)
    for m in people_list:
        m.subjects_text = _subjects_text(m, names)  # type: ignore[attr-defined]
    context = {"school": school, "people": people_list, "show_gone": show_gone,
               "may_manage": services.may_manage_staff(request.user, school),  # type: ignore[arg-type]
               "leave_form": LeaveForm()}
    return render(request, "staff/registry/list.html", context)


def _form_page(request: HttpRequest, school: School, form: MemberForm, member: StaffMember | None) -> HttpResponse:
    return render(request, "staff/registry/member_form.html", {"school": school, "form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def member_new(request: HttpRequest, code: str) -> HttpResponse:
    school = _managed_school(request, code)
    if request.method == "GET":
        return _form_page(request, school, MemberForm(school=school), None)
    form = MemberForm(request.POST, school=school)
    if form.is_valid():
        with form_service_errors(form) as refused:
            member = services.staff_member_create(actor=request.user, school=school,  # type: ignore[arg-type]
                                                  data=form.data_object())
        if not refused.failed:
            messages.success(request, _("%(name)s is added to the registry.") % {"name": member.full_name})
            return redirect("staff:registry", code=school.code)
    return _form_page(request, school, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    school = member.school
    if request.method == "GET":
        form = MemberForm(school=school)
        form.initial = MemberForm.initial_of(member, form.known_codes)
        return _form_page(request, school, form, member)
    form = MemberForm(request.POST, school=school)
    if form.is_valid():
        with form_service_errors(form) as refused:
            services.staff_member_update(actor=request.user, member=member,  # type: ignore[arg-type]
                                         data=form.data_object())
        if not refused.failed:
            messages.success(request, _("The record is saved."))
            return redirect("staff:registry", code=school.code)
    return _form_page(request, school, form, member)


@login_required
@require_POST
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date of leaving."))
    else:
        with message_service_errors(request) as refused:
            services.staff_member_leave(actor=request.user, member=member,  # type: ignore[arg-type]
                                        left_on=form.cleaned_data["left_on"])
        if not refused.failed:
            messages.success(request, _("%(name)s is marked as having left the school.") % {"name": member.full_name})
    return redirect("staff:registry", code=member.school.code)


@login_required
@require_POST
def member_return(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    services.staff_member_return(actor=request.user, member=member)  # type: ignore[arg-type]
    messages.success(request, _("%(name)s works at the school again.") % {"name": member.full_name})
    return redirect(f"{reverse('staff:registry', args=[member.school.code])}?gone=1")


# --- vacancies ---------------------------------------------------------------------------------


def _vacancies_page(request: HttpRequest, school: School, form: VacancyForm | None = None) -> HttpResponse:
    vacancies = list(Vacancy.objects.filter(school=school).order_by("filled_on", "-opened_on", "pk"))
    names = _subject_names()
    for v in vacancies:
        v.subject_name = names.get(v.subject, v.subject)  # type: ignore[attr-defined]
    may_manage = services.may_manage_staff(request.user, school)  # type: ignore[arg-type]
    return render(request, "staff/registry/vacancies.html", {
        "school": school, "vacancies": vacancies, "may_manage": may_manage,
        "form": form or (VacancyForm() if may_manage else None)})


@login_required
@require_http_methods(["GET", "POST"])
def vacancies(request: HttpRequest, code: str) -> HttpResponse:
    """Vacancies are not personal data: everyone who sees the school sees them; the managers add them."""
    school = visible_school(request, code)
    if request.method == "GET":
        if request.GET.get("format") == "xlsx":
            names = _subject_names()
            rows = ([str(PositionKind(v.position_kind).label), names.get(v.subject, v.subject), v.rate, v.opened_on,
                     v.filled_on] for v in Vacancy.objects.filter(school=school).order_by("opened_on", "pk"))
            return xlsx_response(filename=f"vacancies-{school.code}.xlsx", title=_("Vacancies"),
                                 headers=[_("Position"), _("Subject"), _("Rate"), _("Open since"), _("Filled on")],
                                 rows=rows)
        return _vacancies_page(request, school)
    if not services.may_manage_staff(request.user, school):  # type: ignore[arg-type]
        raise PermissionDenied
    form = VacancyForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        with form_service_errors(form) as refused:
            services.vacancy_create(actor=request.user, school=school,  # type: ignore[arg-type]
                                    position_kind=d["position_kind"], subject=d["subject"], rate=d["rate"],
                                    opened_on=d["opened_on"])
        if not refused.failed:
            messages.success(request, _("The vacancy is added."))
            return redirect("staff:vacancies", code=school.code)
    return _vacancies_page(request, school, form)


def _vacancy(request: HttpRequest, pk: int) -> Vacancy:
    vacancy = Vacancy.objects.select_related("school__municipality").filter(pk=pk).first()
    if vacancy is None or not access.can_on_school(request.user, Perm.VIEW_SCHOOL, vacancy.school):
        raise Http404
    if not services.may_manage_staff(request.user, vacancy.school):  # type: ignore[arg-type]
        raise PermissionDenied
    return vacancy


@login_required
@require_POST
def vacancy_fill(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _vacancy(request, pk)
    with message_service_errors(request) as refused:
        services.vacancy_fill(actor=request.user, vacancy=vacancy)  # type: ignore[arg-type]
    if not refused.failed:
        messages.success(request, _("The vacancy is filled."))
    return redirect("staff:vacancies", code=vacancy.school.code)


@login_required
@require_POST
def vacancy_delete(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _vacancy(request, pk)
    with message_service_errors(request) as refused:
        services.vacancy_delete(actor=request.user, vacancy=vacancy)  # type: ignore[arg-type]
    if not refused.failed:
        messages.success(request, _("The vacancy is deleted."))
    return redirect("staff:vacancies", code=vacancy.school.code)


# --- import ------------------------------------------------------------------------------------


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _import_school(request: HttpRequest, code: str) -> School | None:
    if not code:
        return None
    school = School.objects.select_related("municipality").filter(code=code).first()
    if school is None or not services.may_manage_staff(request.user, school):  # type: ignore[arg-type]
        raise Http404
    return school


def _import_page(request: HttpRequest, school: School | None, form: RegistryUploadForm | None = None) -> HttpResponse:
    current = None
    job_id = request.GET.get("job", "")
    if job_id and _is_uuid(job_id):
        current = Job.objects.filter(pk=job_id, created_by_id=request.user.pk,
                                     kind=imports_registry.JOB_KIND).first()
    jobs = Job.objects.filter(kind=imports_registry.JOB_KIND, created_by_id=request.user.pk).order_by(
        "-created_at")[:10]
    context: dict[str, Any] = {"school": school, "form": form or RegistryUploadForm(prefix="registry"),
                               "current": current, "jobs": jobs, "columns": imports_registry.column_help()}
    return render(request, "staff/registry/import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def registry_import(request: HttpRequest) -> HttpResponse:
    """GET: the page (for one school with ?school=<code>, or a file of several schools); POST: start the job."""
    if not access.staff_schools_for(request.user, Perm.MANAGE_STAFF).exists():
        raise PermissionDenied
    code = request.GET.get("school", "") or request.POST.get("school", "")
    school = _import_school(request, code)
    if request.method == "GET":
        return _import_page(request, school)
    form = RegistryUploadForm(request.POST, request.FILES, prefix="registry")
    if not form.is_valid():
        return _import_page(request, school, form)
    path, shown = upload_save(form.cleaned_data["file"])
    title = (_("Import of the staff registry of «%(school)s»: %(file)s") % {"school": school.name, "file": shown}
             if school else _("Import of the staff registry: %(file)s") % {"file": shown})
    job = job_create(kind=imports_registry.JOB_KIND, user=request.user, title=title,  # type: ignore[arg-type]
                     params={"path": str(path), "filename": shown, "school": school.pk if school else None})
    job_enqueue(job, import_registry_task)
    query = f"?school={school.code}&job={job.pk}" if school else f"?job={job.pk}"
    return redirect(reverse("staff:registry_import") + query)


@login_required
@require_GET
def registry_template(request: HttpRequest) -> HttpResponse:
    if not access.staff_schools_for(request.user, Perm.MANAGE_STAFF).exists():
        raise PermissionDenied
    response = HttpResponse(imports_registry.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="opora-staff-registry.xlsx"'
    return response

