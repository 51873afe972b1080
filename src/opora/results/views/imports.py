"""The results imports page: upload pupil results or school aggregates; each runs as a job."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.imports.upload import UploadForm, upload_save
from opora.jobs.selectors import jobs_for_user
from opora.jobs.services import job_create, job_enqueue
from opora.results.imports.result_templates import KINDS, column_help, template_workbook
from opora.results.tasks import import_aggregates_task, import_results_task

IMPORT_JOB_KINDS = ("import_results", "import_aggregates")


def _require(request: HttpRequest) -> None:
    if not access.has_perm_anywhere(request.user, Perm.IMPORT_SCHOOLS):
        raise PermissionDenied


def _page(request: HttpRequest, forms: dict[str, UploadForm] | None = None) -> HttpResponse:
    _require(request)
    forms = forms or {}
    sections = [
        {
            "kind": kind,
            "form": forms.get(kind) or UploadForm(prefix=kind),
            "columns": column_help(kind),
            "action": f"import_{kind}",
        }
        for kind in KINDS
    ]
    jobs = jobs_for_user(request.user).filter(kind__in=IMPORT_JOB_KINDS)
    if access.is_superuser(request.user):
        jobs = jobs.filter(created_by=request.user)
    return render(request, "results/imports.html", {"sections": sections, "jobs": jobs[:10]})


@login_required
@require_GET
def results_imports(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _upload(request: HttpRequest, kind: str) -> HttpResponse:
    _require(request)
    form = UploadForm(request.POST, request.FILES, prefix=kind)
    if not form.is_valid():
        return _page(request, {kind: form})
    path, shown = upload_save(form.cleaned_data["file"])
    if kind == "results":
        title, task = _("Import of pupil results: %(file)s") % {"file": shown}, import_results_task
    else:
        title, task = (
            _("Import of school aggregates: %(file)s") % {"file": shown},
            import_aggregates_task,
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
def import_results(request: HttpRequest) -> HttpResponse:
    return _upload(request, "results")


@login_required
@require_POST
def import_aggregates(request: HttpRequest) -> HttpResponse:
    return _upload(request, "aggregates")


@login_required
@require_GET
def results_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    _require(request)
    response = HttpResponse(
        template_workbook(kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="opora-{kind}.xlsx"'
    return response
