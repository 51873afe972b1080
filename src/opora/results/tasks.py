"""Background tasks of the results app: the imports of scales, tasks, results and aggregates."""

from __future__ import annotations

from functools import partial
from typing import Any

from django_tasks import task

from opora.core.imports import ImportOutcome
from opora.core.imports.tabular import Layout
from opora.core.tasks import run_import
from opora.jobs.models import Job
from opora.results.imports.aggregates import aggregates_import
from opora.results.imports.results import results_import
from opora.results.imports.scales import scales_import
from opora.results.imports.tasks import tasks_import


def _results_for_job(job_id: str, layout: Layout | None = None, **kwargs: Any) -> ImportOutcome:
    """The results import, with its new store files recorded against the job."""
    return results_import(job=Job.objects.filter(pk=job_id).first(), layout=layout, **kwargs)


@task()
def import_results_task(job_id: str) -> None:
    run_import(job_id, partial(_results_for_job, job_id))


@task()
def import_aggregates_task(job_id: str) -> None:
    run_import(job_id, aggregates_import)


@task()
def import_scales_task(job_id: str) -> None:
    run_import(job_id, scales_import)


@task()
def import_tasks_task(job_id: str) -> None:
    run_import(job_id, tasks_import)
