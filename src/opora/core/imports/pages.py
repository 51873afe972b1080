"""What every import page does: a section per kind of file (upload form, template, columns),
the upload that starts a background job, the template download and the recent imports.

The territory imports (`core/views/imports.py`) and the results imports
(`results/views/imports.py`) declare their kinds and call these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from opora.core import access
from opora.core.imports.templates import ColumnHelp
from opora.core.imports.upload import SheetUploadForm, UploadForm, upload_save
from opora.jobs.models import Job
from opora.jobs.selectors import jobs_for_user
from opora.jobs.services import job_create, job_enqueue


@dataclass(frozen=True)
class ImportKind:
    kind: str  # "schools", "results" …: the form prefix, the job kind "import_<kind>"
    heading: Any  # lazy text: the section's heading
    job_title: Any  # lazy text with %(file)s
    task: Any  # the django_tasks task run with the job id
    action: str  # URL name of the upload view
    template_url: str  # URL name of the template download, taking the kind
    columns: Callable[[], list[ColumnHelp]]
    workbook: Callable[[], bytes]
    one_sheet: bool = True  # reads one sheet, which the user may name (the scales import reads them all)

    def form(self, data: Any = None, files: Any = None) -> UploadForm:
        form_class = SheetUploadForm if self.one_sheet else UploadForm
        return form_class(data, files, prefix=self.kind)


def import_sections(kinds: Sequence[ImportKind], forms: dict[str, UploadForm] | None = None) -> list[dict[str, Any]]:
    forms = forms or {}
    return [
        {"kind": k, "form": forms.get(k.kind) or k.form(), "columns": k.columns()}
        for k in kinds
    ]


def recent_imports(request: HttpRequest, kinds: Sequence[ImportKind]) -> QuerySet[Job]:
    """The user's own recent import jobs of these kinds (the superuser's too: only their own)."""
    jobs = jobs_for_user(request.user).filter(kind__in=[f"import_{k.kind}" for k in kinds])
    if access.is_superuser(request.user):
        jobs = jobs.filter(created_by_id=request.user.pk)
    return jobs[:10]


def import_upload(request: HttpRequest, kind: ImportKind) -> HttpResponse | UploadForm:
    """Save the upload and start its job (→ the job page), or return the form with its errors."""
    form = kind.form(request.POST, request.FILES)
    if not form.is_valid():
        return form
    path, shown = upload_save(form.cleaned_data["file"])
    job = job_create(
        kind=f"import_{kind.kind}",
        title=str(kind.job_title) % {"file": shown},
        user=request.user,  # type: ignore[arg-type]
        params={"path": str(path), "filename": shown, "sheet": form.cleaned_data.get("sheet", "").strip()},
    )
    job_enqueue(job, kind.task)
    return redirect("jobs:detail", job_id=job.pk)


def template_response(kind: ImportKind) -> HttpResponse:
    response = HttpResponse(
        kind.workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="opora-{kind.kind}.xlsx"'
    return response
