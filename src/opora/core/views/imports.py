"""The imports page: upload a file of schools or social passports; it runs as a background job."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.imports.templates import KINDS, column_help, template_workbook
from opora.core.imports.upload import UploadForm, upload_save
from opora.core.tasks import import_passports_task, import_schools_task
from opora.jobs.selectors import jobs_for_user
from opora.jobs.services import job_create, job_enqueue

IMPORT_JOB_KINDS = ("import_schools", "import_passports")
_PERMS = {"schools": Perm.IMPORT_SCHOOLS, "passports": Perm.IMPORT_PASSPORTS}


def _allowed(request: HttpRequest) -> dict[str, bool]:
    allowed = {kind: access.has_perm_anywhere(request.user, perm) for kind, perm in _PERMS.items()}
    if not any(allowed.values()):
        raise PermissionDenied
    return allowed


def _page(
    request: HttpRequest, forms: dict[str, UploadForm] | None = None, status: int = 200
) -> HttpResponse:
    allowed = _allowed(request)
    forms = forms or {}
    sections = [
        {
            "kind": kind,
            "form": forms.get(kind) or UploadForm(prefix=kind),
            "columns": column_help(kind),
            "action": "import_schools" if kind == "schools" else "import_passports",
        }
        for kind in KINDS
        if allowed[kind]
    ]
    jobs = jobs_for_user(request.user).filter(kind__in=IMPORT_JOB_KINDS)
    if access.is_superuser(request.user):
        jobs = jobs.filter(created_by=request.user)
    return render(
        request, "core/imports/page.html", {"sections": sections, "jobs": jobs[:10]}, status=status
    )


@login_required
@require_GET
def imports_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _upload(request: HttpRequest, kind: str) -> HttpResponse:
    if not _allowed(request)[kind]:
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES, prefix=kind)
    if not form.is_valid():
        return _page(request, {kind: form})
    path, shown = upload_save(form.cleaned_data["file"])
    if kind == "schools":
        title, task = _("Import of schools: %(file)s") % {"file": shown}, import_schools_task
    else:
        title, task = (
            _("Import of social passports: %(file)s") % {"file": shown},
            import_passports_task,
        )
    job = job_create(
        kind=f"import_{kind}",
        title=title,
        user=request.user,  # type: ignore[arg-type]
        params={"path": str(path), "filename": shown},
    )
    job_enqueue(job, task)
    return redirect("jobs:detail", job_id=job.pk)


@login_required
@require_POST
def import_schools(request: HttpRequest) -> HttpResponse:
    return _upload(request, "schools")


@login_required
@require_POST
def import_passports(request: HttpRequest) -> HttpResponse:
    return _upload(request, "passports")


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    if not _allowed(request)[kind]:
        raise PermissionDenied
    response = HttpResponse(
        template_workbook(kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = "opora-schools.xlsx" if kind == "schools" else "opora-passports.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
