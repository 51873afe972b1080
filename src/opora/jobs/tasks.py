"""Tasks of the jobs app itself."""

from __future__ import annotations

from django_tasks import task

from opora.jobs.models import Job
from opora.jobs.services import job_progress, job_started, job_succeeded


@task()
def selfcheck(job_id: str) -> None:
    """A trivial job that walks through its steps: lets an administrator check the worker runs."""
    job = Job.objects.get(pk=job_id)
    steps = int(job.params.get("steps", 3))
    job_started(job, total=steps)
    for step in range(1, steps + 1):
        job_progress(job, done=step)
    job_succeeded(job, result={"summary": []})
