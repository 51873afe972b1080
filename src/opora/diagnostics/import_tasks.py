"""Background task: an uploaded answers workbook loaded into a campaign as a Job with progress."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from django_tasks import task

from opora.core.imports.outcome import ImportOutcome, rejected
from opora.core.imports.tabular import Progress, RowError
from opora.core.models import User
from opora.core.tasks import run_import
from opora.diagnostics.imports import answers_import
from opora.diagnostics.models import Campaign
from opora.jobs.models import Job


def _answers_for_job(job_id: str, *, actor: User, path: Path, progress: Progress | None = None) -> ImportOutcome:
    """The import of the job's campaign, the responses marked with the job (so it can be undone)."""
    job = Job.objects.get(pk=job_id)
    campaign = Campaign.objects.select_related("version", "region", "municipality").filter(
        pk=job.params.get("campaign")).first()
    if campaign is None:
        return rejected([RowError(None, "", _("The campaign no longer exists."))])
    return answers_import(actor=actor, campaign=campaign, path=path, progress=progress, job=job)


@task()
def import_answers_task(job_id: str) -> None:
    # run_import checks the file and its author, records the outcome and deletes the upload.
    run_import(job_id, lambda **kwargs: _answers_for_job(job_id, **kwargs))
