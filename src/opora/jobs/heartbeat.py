"""Worker heartbeat: a job whose worker died is marked failed within a bounded time, never "running" forever.

While a task runs, a thread of its worker process stamps the job's `heartbeat_at` every
OPORA_JOB_HEARTBEAT_SECONDS and records which process runs it (`worker`: host and pid). The
reaper (`jobs_reap`, called by the scheduler, the job pages and `/healthz`) fails every unfinished
job whose stamp is older than OPORA_JOB_STALE_SECONDS, unless its worker process is on this
machine and still alive: on SQLite a long import holds the write lock, so its stamps may wait,
and a live local process must not be judged by them.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus

from opora.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)
_beats: dict[str, _Beat] = {}
_beats_lock = threading.Lock()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _job_id(task_result: Any) -> str | None:
    """Every Opora task takes the job's id as its first argument."""
    args = getattr(task_result, "args", None) or []
    try:
        return str(uuid.UUID(str(args[0])))
    except (IndexError, ValueError):
        return None


class _Beat(threading.Thread):
    """Stamps one job until stopped; its own database connection is closed when it ends."""

    def __init__(self, job_id: str, interval: float) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.job_id, self.interval = job_id, interval
        self.stopped = threading.Event()
        self.first = threading.Event()

    def beat(self, **extra: str) -> None:
        try:
            Job.objects.filter(pk=self.job_id, status__in=UNFINISHED).update(heartbeat_at=timezone.now(), **extra)
        except DatabaseError:  # a database busy with the task's own write: the next beat tries again
            logger.debug("heartbeat of job %s skipped", self.job_id, exc_info=True)

    def run(self) -> None:
        try:
            self.beat(worker=worker_name())
            self.first.set()
            while not self.stopped.wait(self.interval):
                self.beat()
        finally:
            self.first.set()
            connections.close_all()


def on_task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    interval = settings.JOB_HEARTBEAT_SECONDS
    job_id = _job_id(task_result)
    if interval <= 0 or job_id is None:
        return
    beat = _Beat(job_id, interval)
    with _beats_lock:
        _beats[str(task_result.id)] = beat
    beat.start()
    beat.first.wait(timeout=10)  # the job names its worker before the task's own work starts


def on_task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    with _beats_lock:
        beat = _beats.pop(str(task_result.id), None)
    if beat is not None:
        beat.stopped.set()
        beat.join(timeout=10)
    job_id = _job_id(task_result)
    if job_id is not None and task_result.status == TaskResultStatus.FAILED:
        # The task ended by an exception its job did not record (or by a forced stop of the worker).
        Job.objects.filter(pk=job_id, status__in=UNFINISHED).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), interrupted=True,
            message=_("The job stopped because of an internal error. Start it again; "
                      "if it fails again, tell the administrator."),
        )


def _alive_here(worker: str) -> bool:
    """True when `worker` is a process of this machine that still runs Opora's worker."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    if Path("/proc/self/cmdline").exists():
        try:
            return b"db_worker" in cmdline.read_bytes()  # a reused pid runs something else
        except OSError:
            return False
    try:
        os.kill(int(pid), 0)
    except OSError:
        return False
    return True


def _stale_message(last: datetime) -> str:
    moment = formats.date_format(timezone.localtime(last), "DATETIME_FORMAT")
    return _("The background worker stopped while running this job (its last sign of life: %(time)s). "
             "The job was interrupted; start it again.") % {"time": moment}


def jobs_reap(*, now: datetime | None = None) -> int:
    """Fail the unfinished jobs whose worker stopped stamping them; returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    reaped = 0
    stale = Job.objects.filter(status__in=UNFINISHED, heartbeat_at__lt=cutoff)
    for job in stale.only("pk", "status", "heartbeat_at", "worker", "task_result_id"):
        if _alive_here(job.worker):
            continue
        assert job.heartbeat_at is not None
        # The filter on the stamp read makes the update lose to a beat that came in meanwhile.
        if Job.objects.filter(pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at).update(
            status=JobStatus.FAILED, finished_at=now, interrupted=True, message=_stale_message(job.heartbeat_at),
        ):
            reaped += 1
            if job.task_result_id:
                DBTaskResult.objects.filter(pk=job.task_result_id, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED, finished_at=now,
                )
    return reaped


def heartbeat_summary() -> dict[str, Any]:
    """For /healthz: how many jobs run now and the latest sign of life of their workers."""
    from django.db.models import Count, Max

    row = Job.objects.filter(status__in=UNFINISHED, heartbeat_at__isnull=False).aggregate(
        running=Count("pk"), last=Max("heartbeat_at"))
    return {"jobs_running": row["running"], "last_heartbeat": row["last"].isoformat() if row["last"] else None}
