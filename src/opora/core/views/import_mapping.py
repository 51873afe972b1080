"""The column mapping page: when an uploaded file's header did not fit, its author picks the sheet
and the header row, says what each column means (suggested from the names), may save the mapping
for the next files of that source, and the import runs again on the same file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opora.core.http import UserRequest
from opora.core.imports.mapping import Field, Preview, layout_of, mapping_errors, preview, suggest
from opora.core.imports.mapping_store import mapping_save, mappings_for
from opora.core.imports.pages import MAPPABLE, ImportKind, import_remapped
from opora.core.imports.tabular import FileRejected
from opora.core.tasks import uploaded_file
from opora.jobs.models import Job
from opora.jobs.selectors import job_get

MAX_TASKS = 60  # task columns offered in the choice; no work has more


def _mappable(request: UserRequest, job_id: str) -> tuple[Job, ImportKind, Path | None]:
    """The user's own import job whose header did not fit, its kind, and its file if still there."""
    job = job_get(request.user, job_id)
    kind = MAPPABLE.get(job.kind.removeprefix("import_")) if job is not None else None
    if job is None or kind is None or job.created_by_id != request.user.pk or not (job.result or {}).get("mapping"):
        raise Http404
    return job, kind, uploaded_file(job)


def _choices(kind: ImportKind, fields: list[Field], width: int) -> list[tuple[str, str]]:
    choices = [("", _("— skip this column —"))]
    choices += [(f.key, f"{f.label} *" if f.required else f.label) for f in fields]
    if kind.tasks:
        label = _("task %(n)d, %%") if kind.tasks.endswith("_pct") else _("task %(n)d")
        choices += [(kind.tasks.format(n=n), label % {"n": n}) for n in range(1, min(width, MAX_TASKS) + 1)]
    return choices


def _header_row(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 10**6 else None


def _context(job: Job, kind: ImportKind, shown: Preview, chosen: dict[int, str], **extra: Any) -> dict[str, Any]:
    header = shown.header()
    columns = [
        {"position": pos, "header": header[pos] if pos < len(header) else "", "chosen": chosen.get(pos, ""),
         "samples": shown.samples(pos)}
        for pos in range(shown.width)
    ]
    values = extra.pop("values", {})
    required = [{"key": f.key, "label": f.label, "value": values.get(f.key, "")} for f in kind.fields() if f.required]
    return {"job": job, "kind": kind, "preview": shown, "columns": columns, "required": required,
            "choices": _choices(kind, kind.fields(), shown.width), "rows": shown.below(shown.header_row),
            "header": header, "saved": mappings_for(kind.kind)[:20], **extra}


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: UserRequest, job_id: str) -> HttpResponse:
    job, kind, path = _mappable(request, job_id)
    if path is None:
        return render(request, "core/imports/mapping.html", {"job": job, "kind": kind, "gone": True})
    data = request.POST if request.method == "POST" else request.GET
    sheet = data.get("sheet") or (job.params or {}).get("sheet") or ""
    known = kind.known() if kind.known else ()
    try:
        shown = preview(path, sheet, known, _header_row(data.get("header_row")))
    except FileRejected as exc:
        return render(request, "core/imports/mapping.html", {"job": job, "kind": kind, "problems": exc.errors})
    fields = kind.fields()
    if request.method == "GET":
        chosen = suggest(shown.header(), fields, tasks=kind.tasks)
        return render(request, "core/imports/mapping.html", _context(job, kind, shown, chosen, name=""))
    valid = {key for key, _label in _choices(kind, fields, shown.width)}
    chosen = {pos: key for pos in range(shown.width) if (key := request.POST.get(f"column-{pos}", "")) in valid}
    name = request.POST.get("name", "").strip()[:100]
    values = {f.key: request.POST.get(f"value-{f.key}", "").strip()[:200] for f in fields if f.required}
    errors = mapping_errors(chosen, fields, values)
    if errors:
        return render(request, "core/imports/mapping.html",
                      _context(job, kind, shown, chosen, name=name, errors=errors, values=values), status=400)
    layout = layout_of(shown, chosen, values)
    if name:
        mapping_save(actor=request.user, kind=kind.kind, name=name, layout=layout)
    again = import_remapped(request.user, job, kind, path, layout)
    return redirect("jobs:detail", job_id=again.pk)
