"""Background task: execute an identification run as a Job with progress."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from opora.core.errors import ValidationFailed
from opora.identification.execution import run_execute, run_failed
from opora.identification.models import Run
from opora.jobs.models import Job
from opora.jobs.services import job_failed, job_progress, job_started, job_succeeded

logger = logging.getLogger(__name__)


def run_job(job_id: str) -> None:
    job = Job.objects.get(pk=job_id)
    run = Run.objects.select_related("region", "rule_set").get(pk=job.params["run"])
    job_started(job, total=4, message=_("Reading results and social passports"))
    try:
        run_execute(run, progress=lambda done, total: job_progress(job, done=done, total=total))
    except ValidationFailed as error:
        run_failed(run, "; ".join(error.messages))
        job_failed(job, errors=[], message="; ".join(error.messages))
        return
    except Exception:
        logger.exception("Identification run %s failed", run.pk)
        run_failed(run, _("The identification failed because of an internal error."))
        job_failed(job, errors=[], message=_("The identification failed because of an internal error."))
        raise
    run.refresh_from_db()
    job_succeeded(job, result={"run": run.pk, **run.summary}, message=_("Identification finished"))


@task()
def identify_task(job_id: str) -> None:
    run_job(job_id)
