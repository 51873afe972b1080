"""Starting background jobs and reporting their progress."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from opora.core.models import User
from opora.jobs.models import Job, JobStatus


def job_create(*, kind: str, title: str, user: User | None, params: dict[str, Any]) -> Job:
    """Store a queued job. The caller enqueues its task after the transaction commits."""
    return Job.objects.create(kind=kind, title=title, created_by=user, params=params)


def job_enqueue(job: Job, task: Any) -> None:
    """Enqueue `task(job_id)` once the job row is committed, so the worker can read it."""

    def _enqueue() -> None:
        result = task.enqueue(str(job.pk))
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(_enqueue)


def job_started(job: Job, *, total: int = 0, message: str = "") -> None:
    job.status = JobStatus.RUNNING
    job.started_at = timezone.now()
    job.progress_total = total
    job.message = message
    job.save(update_fields=["status", "started_at", "progress_total", "message"])


def job_progress(job: Job, *, done: int, total: int | None = None, message: str | None = None) -> None:
    """Record progress. Written outside any open transaction of the task, so pages see it."""
    job.progress_done = done
    fields = ["progress_done"]
    if total is not None:
        job.progress_total = total
        fields.append("progress_total")
    if message is not None:
        job.message = message
        fields.append("message")
    job.save(update_fields=fields)


def job_succeeded(job: Job, *, result: dict[str, Any], message: str = "") -> None:
    job.status = JobStatus.SUCCEEDED
    job.finished_at = timezone.now()
    job.result = result
    job.message = message
    job.progress_done = job.progress_total
    job.save(update_fields=["status", "finished_at", "result", "message", "progress_done"])


def job_failed(job: Job, *, errors: list[dict[str, Any]], message: str,
               result: dict[str, Any] | None = None) -> None:
    job.status = JobStatus.FAILED
    job.finished_at = timezone.now()
    job.errors = errors
    job.message = message
    fields = ["status", "finished_at", "errors", "message"]
    if result is not None:
        job.result = result
        fields.append("result")
    job.save(update_fields=fields)


def job_rerun(job: Job) -> bool:
    """Queue an interrupted job again with the same parameters; False when it cannot be re-run.

    Only interrupted jobs qualify: their work was cut off (a killed worker), not refused, and the
    task is the one recorded for the first run.
    """
    from django_tasks_db.models import DBTaskResult

    if job.status != JobStatus.FAILED or not job.interrupted or not job.task_result_id:
        return False
    first = DBTaskResult.objects.filter(pk=job.task_result_id).only("task_path").first()
    if first is None:
        return False
    try:
        task = import_string(first.task_path)
    except ImportError:
        return False
    if not isinstance(task, Task):  # the recorded path names a task, never any other callable
        return False
    job.status, job.interrupted, job.message, job.errors, job.result = JobStatus.QUEUED, False, "", [], {}
    job.progress_done = job.progress_total = 0
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.worker = ""
    job.save()
    job_enqueue(job, task)
    return True
