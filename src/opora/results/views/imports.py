"""The results imports page: upload pupil results or school aggregates; each runs as a job."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.imports.upload import UploadForm, upload_save
from opora.jobs.selectors import jobs_for_user
from opora.jobs.services import job_create, job_enqueue
from opora.results.imports import result_templates, templates
from opora.results.imports.common import may_import_reference
from opora.results.tasks import (
    import_aggregates_task,
    import_results_task,
    import_scales_task,
    import_tasks_task,
)

# Scales and tasks (reference data) first: results cannot be read without them.
REFERENCE_KINDS = templates.KINDS  # scales, tasks
KINDS = (*REFERENCE_KINDS, *result_templates.KINDS)
IMPORT_JOB_KINDS = tuple(f"import_{kind}" for kind in KINDS)
TASKS = {
    "scales": import_scales_task,
    "tasks": import_tasks_task,
    "results": import_results_task,
    "aggregates": import_aggregates_task,
}


def _module(kind: str):  # type: ignore[no-untyped-def]
    return templates if kind in REFERENCE_KINDS else result_templates


def _allowed(request: HttpRequest, kind: str) -> bool:
    return kind not in REFERENCE_KINDS or may_import_reference(request.user)  # type: ignore[arg-type]


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
            "columns": _module(kind).column_help(kind),
            "action": f"import_{kind}",
        }
        for kind in KINDS
        if _allowed(request, kind)
    ]
    jobs = jobs_for_user(request.user).filter(kind__in=IMPORT_JOB_KINDS)
    if access.is_superuser(request.user):
        jobs = jobs.filter(created_by=request.user)
    return render(request, "results/imports.html", {"sections": sections, "jobs": jobs[:10]})


@login_required
@require_GET
def results_imports(request: HttpRequest) -> HttpResponse:
    return _page(request)


TITLES = {
    "scales": _lazy("Import of scales: %(file)s"),
    "tasks": _lazy("Import of tasks: %(file)s"),
    "results": _lazy("Import of pupil results: %(file)s"),
    "aggregates": _lazy("Import of school aggregates: %(file)s"),
}


def _upload(request: HttpRequest, kind: str) -> HttpResponse:
    _require(request)
    if not _allowed(request, kind):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES, prefix=kind)
    if not form.is_valid():
        return _page(request, {kind: form})
    path, shown = upload_save(form.cleaned_data["file"])
    title, task = str(TITLES[kind]) % {"file": shown}, TASKS[kind]
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
def import_scales(request: HttpRequest) -> HttpResponse:
    return _upload(request, "scales")


@login_required
@require_POST
def import_tasks(request: HttpRequest) -> HttpResponse:
    return _upload(request, "tasks")


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
        _module(kind).template_workbook(kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="opora-{kind}.xlsx"'
    return response
