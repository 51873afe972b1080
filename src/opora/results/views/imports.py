"""The results imports page: scales, tasks, pupil results and school aggregates; each file runs
as a background job."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.imports.pages import (
    ImportKind,
    ImportPage,
)
from opora.results.imports import result_templates, templates
from opora.results.imports.aggregates import AGGREGATE_COLUMNS
from opora.results.imports.common import may_import_reference
from opora.results.imports.result_checks import RESULT_COLUMNS
from opora.results.imports.tasks import TASK_COLUMNS
from opora.results.tasks import (
    import_aggregates_task,
    import_results_task,
    import_scales_task,
    import_tasks_task,
)

_KNOWN = {
    "results": (lambda: RESULT_COLUMNS, "task_{n}"),
    "aggregates": (lambda: AGGREGATE_COLUMNS, "task_{n}_pct"),
    "tasks": (lambda: TASK_COLUMNS, ""),
}


def _kind(kind: str, heading: object, job_title: object, task: object, module: object) -> ImportKind:
    known, tasks = _KNOWN.get(kind, (None, ""))
    return ImportKind(
        known=known, tasks=tasks,
        one_sheet=kind != "scales",
        kind=kind, heading=heading, job_title=job_title, task=task, action=f"import_{kind}",
        template_url="results_template",
        columns=partial(module.column_help, kind),  # type: ignore[attr-defined]
        workbook=partial(module.template_workbook, kind),  # type: ignore[attr-defined]
    )


# Scales and tasks (reference data) first: results cannot be read without them.
KINDS = {
    "scales": _kind("scales", _("Scales"), _("Import of scales: %(file)s"), import_scales_task, templates),
    "tasks": _kind("tasks", _("Tasks of the works"), _("Import of tasks: %(file)s"), import_tasks_task, templates),
    "results": _kind("results", _("Pupil results"), _("Import of pupil results: %(file)s"), import_results_task,
                     result_templates),
    "aggregates": _kind("aggregates", _("School aggregates"), _("Import of school aggregates: %(file)s"),
                        import_aggregates_task, result_templates),
}
REFERENCE_KINDS = ("scales", "tasks")


def _allowed(request: HttpRequest) -> list[ImportKind]:
    if not access.has_perm_anywhere(request.user, Perm.IMPORT_RESULTS):
        raise PermissionDenied
    reference = may_import_reference(request.user)  # type: ignore[arg-type]
    return [k for name, k in KINDS.items() if reference or name not in REFERENCE_KINDS]


PAGE = ImportPage(KINDS, _allowed, "results/imports.html")


@login_required
@require_GET
def results_imports(request: HttpRequest) -> HttpResponse:
    return PAGE.render(request)


@login_required
@require_POST
def import_scales(request: HttpRequest) -> HttpResponse:
    return PAGE.upload(request, "scales")


@login_required
@require_POST
def import_tasks(request: HttpRequest) -> HttpResponse:
    return PAGE.upload(request, "tasks")


@login_required
@require_POST
def import_results(request: HttpRequest) -> HttpResponse:
    return PAGE.upload(request, "results")


@login_required
@require_POST
def import_aggregates(request: HttpRequest) -> HttpResponse:
    return PAGE.upload(request, "aggregates")


@login_required
@require_GET
def results_template(request: HttpRequest, kind: str) -> HttpResponse:
    return PAGE.template_download(request, kind)
