"""Background tasks of the core app: running an uploaded import as a Job."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import task

from opora.core.errors import AccessDenied
from opora.core.imports import ImportOutcome, passports_import, schools_import
from opora.core.imports.mapping_store import import_mapped
from opora.core.imports.tabular import Layout, Progress
from opora.core.models import User
from opora.core.signals import figures_inputs_changed
from opora.jobs.models import Job
from opora.jobs.services import job_failed, job_progress, job_started, job_succeeded

logger = logging.getLogger(__name__)

ImportService = Callable[..., ImportOutcome]


def _uploaded(job: Job) -> Path | None:
    """The job's uploaded file, only if it lies inside the upload directory."""
    raw = job.params.get("path")
    if not raw:
        return None
    path = Path(raw).resolve()
    root = Path(settings.IMPORT_UPLOAD_DIR).resolve()
    return path if path.is_relative_to(root) else None


def _sheet_choice(job: Job, service: ImportService) -> dict[str, str]:
    """The sheet the user named on the upload form, for the imports that read one sheet."""
    sheet = (job.params or {}).get("sheet") or ""
    if not sheet:
        return {}
    parameters = inspect.signature(service).parameters
    takes = "sheet" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    return {"sheet": sheet} if takes else {}


def uploaded_file(job: Job) -> Path | None:
    """The job's uploaded file if it is still there (kept after a header that did not fit)."""
    path = _uploaded(job)
    return path if path is not None and path.is_file() else None


def run_import(job_id: str, service: ImportService) -> None:
    """Run `service` on the job's file as the job's author; record the outcome; delete the file,
    unless the header did not fit: then the file waits for the user's column mapping."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    path = _uploaded(job)
    keep = False
    try:
        job_started(job, message=_("Checking the file"))
        actor = job.created_by
        if path is None or actor is None or not isinstance(actor, User) or not actor.is_active:
            job_failed(
                job, errors=[], message=_("The import cannot run: the file or its author is gone.")
            )
            return

        def progress(done: int, total: int) -> None:
            job_progress(job, done=done, total=max(total, done))

        report: Progress = progress
        try:
            outcome = import_mapped(
                service, kind=job.kind.removeprefix("import_"), layout=Layout.from_dict(job.params.get("layout")),
                actor=actor, path=path, progress=report, **_sheet_choice(job, service),
            )
        except AccessDenied:
            job_failed(job, errors=[], message=_("You may not run this import."))
            return
        if outcome.ok:
            job_succeeded(job, result=outcome.as_result(), message=_("Imported"))
            figures_inputs_changed.send(sender=Job, job_id=str(job.pk))
        else:
            if outcome.mismatch is not None:
                keep = True  # the column mapping page reads it and starts the next job with it
            job_failed(
                job,
                errors=[e.as_dict() for e in outcome.errors],
                message=_("The file was rejected; nothing was changed."),
                result={"mapping": True} if keep else None,
            )
    except Exception:
        logger.exception("Import job %s failed", job_id)
        job_failed(job, errors=[], message=_("The import failed because of an internal error."))
        raise
    finally:
        if path is not None and not keep:
            path.unlink(missing_ok=True)


@task()
def import_schools_task(job_id: str) -> None:
    run_import(job_id, schools_import)


@task()
def import_passports_task(job_id: str) -> None:
    run_import(job_id, passports_import)
