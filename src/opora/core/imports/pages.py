"""What every import page does: a section per kind of file (upload form, template, columns),
the upload that starts a background job, the template download and the recent imports.

The territory imports (`core/views/imports.py`) and the results imports
(`results/views/imports.py`) declare their kinds and call these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from opora.core import access
from opora.core.imports.mapping import Field
from opora.core.imports.tabular import Column, Layout
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
    known: Callable[[], Sequence[Column]] | None = None  # the importer's columns: a file may be mapped
    tasks: str = ""  # the key of numbered columns, e.g. "task_{n}", when the import has them

    def __post_init__(self) -> None:
        if self.known is not None:
            MAPPABLE[self.kind] = self

    def fields(self) -> list[Field]:
        """What a column of a file may be mapped to, in the order of the column reference."""
        known = {c.key: c for c in (self.known() if self.known else ())}
        shown = [h for h in self.columns() if h.key in known]
        fields = [Field(h.key, h.header, h.required, known[h.key].aliases) for h in shown]
        listed = {f.key for f in fields}
        fields += [Field(c.key, c.key, c.required, c.aliases) for c in known.values() if c.key not in listed]
        return fields


    def form(self, data: Any = None, files: Any = None) -> UploadForm:
        form_class = SheetUploadForm if self.one_sheet else UploadForm
        return form_class(data, files, prefix=self.kind)


# The imports a column mapping may be made for, by kind (filled as their pages declare them).
MAPPABLE: dict[str, ImportKind] = {}


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


def import_remapped(user: Any, job: Job, kind: ImportKind, path: Path, layout: Layout) -> Job:
    """Start the import again on the job's kept file, read with the user's column mapping."""
    filename = (job.params or {}).get("filename", path.name)
    again = job_create(
        kind=job.kind, title=str(kind.job_title) % {"file": filename}, user=user,
        # The job's own parameters (the school of a registry file …) go with it.
        params={**(job.params or {}), "path": str(path), "filename": filename, "sheet": layout.sheet,
                "layout": layout.as_dict()},
    )
    job.result = {**(job.result or {}), "mapping": False, "mapped_to": str(again.pk)}
    job.save(update_fields=["result"])
    job_enqueue(again, kind.task)
    return again


def template_response(kind: ImportKind) -> HttpResponse:
    response = HttpResponse(
        kind.workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="opora-{kind.kind}.xlsx"'
    return response


@dataclass(frozen=True)
class ImportPage:
    """One page of upload sections: the kinds it offers, which of them a user may use (raising
    PermissionDenied when none), and its template. Its views are one line each."""

    kinds: dict[str, ImportKind]
    allowed: Callable[[HttpRequest], list[ImportKind]]
    template: str

    def render(self, request: HttpRequest, forms: dict[str, UploadForm] | None = None) -> HttpResponse:
        context = {"sections": import_sections(self.allowed(request), forms),
                   "jobs": recent_imports(request, list(self.kinds.values()))}
        return render(request, self.template, context)

    def kind(self, request: HttpRequest, name: str) -> ImportKind:
        if name not in self.kinds:
            raise Http404
        if self.kinds[name] not in self.allowed(request):
            raise PermissionDenied
        return self.kinds[name]

    def upload(self, request: HttpRequest, name: str) -> HttpResponse:
        """Start the job, or the page again with the form's errors (what was chosen kept)."""
        outcome = import_upload(request, self.kind(request, name))
        return self.render(request, {name: outcome}) if isinstance(outcome, UploadForm) else outcome

    def template_download(self, request: HttpRequest, name: str) -> HttpResponse:
        return template_response(self.kind(request, name))
