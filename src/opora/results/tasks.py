"""Background tasks of the results app: pupil results and aggregates imports as Jobs."""

from __future__ import annotations

from functools import partial
from typing import Any

from django_tasks import task

from opora.core.imports import ImportOutcome
from opora.core.tasks import run_import
from opora.jobs.models import Job
from opora.results.imports.aggregates import aggregates_import
from opora.results.imports.results import results_import


def _results_for_job(job_id: str, **kwargs: Any) -> ImportOutcome:
    """The results import, with its new store files recorded against the job."""
    return results_import(job=Job.objects.filter(pk=job_id).first(), **kwargs)


@task()
def import_results_task(job_id: str) -> None:
    run_import(job_id, partial(_results_for_job, job_id))


@task()
def import_aggregates_task(job_id: str) -> None:
    run_import(job_id, aggregates_import)
