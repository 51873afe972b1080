"""Background task of the staff registry: an uploaded file imported as a Job with progress."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from django.utils.translation import gettext as _
from django_tasks import task

from opora.core.imports.outcome import ImportOutcome, rejected
from opora.core.imports.tabular import Layout, Progress, RowError
from opora.core.models import School, User
from opora.core.tasks import run_import
from opora.jobs.models import Job
from opora.staff.imports_registry import registry_import


def _registry_for_job(job_id: str, *, actor: User, path: Path, progress: Progress | None = None,
                      layout: Layout | None = None) -> ImportOutcome:
    """The import into the job's school (if the file is for one school) or into the schools it names."""
    job = Job.objects.get(pk=job_id)
    school = None
    if job.params.get("school"):
        school = School.objects.filter(pk=job.params["school"]).select_related("municipality").first()
        if school is None:
            return rejected([RowError(None, "", _("The school no longer exists."))])
    return registry_import(actor=actor, path=path, school=school, progress=progress, layout=layout)


@task()
def import_registry_task(job_id: str) -> None:
    # run_import checks the file and its author, records the outcome and deletes the upload.
    run_import(job_id, partial(_registry_for_job, job_id))  # partial keeps `layout` in the signature
