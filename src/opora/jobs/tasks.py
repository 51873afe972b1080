"""Tasks of the jobs app itself."""

from __future__ import annotations

import time

from django_tasks import task

from opora.jobs.models import Job
from opora.jobs.services import job_progress, job_started, job_succeeded


@task()
def selfcheck(job_id: str) -> None:
    """A trivial job that walks through its steps: lets an administrator check the worker runs.

    `pause` (seconds per step, at most 60) makes it last long enough to watch its progress, or to
    see what a stopped worker leaves behind.
    """
    job = Job.objects.get(pk=job_id)
    steps = int(job.params.get("steps", 3))
    pause = min(60.0, max(0.0, float(job.params.get("pause", 0))))
    job_started(job, total=steps)
    for step in range(1, steps + 1):
        time.sleep(pause)
        job_progress(job, done=step)
    job_succeeded(job, result={"summary": []})
