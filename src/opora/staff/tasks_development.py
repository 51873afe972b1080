"""Background task: an uploaded file of deficit diagnostics loaded as a Job with progress."""

from __future__ import annotations

from django_tasks import task

from opora.core.tasks import run_import
from opora.staff.imports_deficits import deficits_import


@task()
def import_deficits_task(job_id: str) -> None:
    # run_import checks the file and its author, records the outcome and deletes the upload.
    run_import(job_id, deficits_import)
