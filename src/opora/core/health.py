"""What `/healthz` reports: the database, the results store, the background worker, the scheduler.

No paths, names or settings: a monitoring probe sees only whether each part works and when the
worker last did something. The answer is unhealthy when the database or the results store fails;
the worker's and the scheduler's activity is reported for the monitor to judge (an idle worker records nothing).
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def results_store_writable() -> bool:
    """The Parquet results store exists (or can be created) and accepts a new file."""
    root = Path(settings.RESULTS_DIR)
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=root, prefix=".healthz-"):
            return True
    except OSError:
        return False


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def worker_activity() -> dict[str, Any]:
    """When the worker last started and finished a task, how many tasks wait for it, the running
    jobs' latest heartbeat, and how many jobs this probe found interrupted (their worker died)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from opora.jobs.heartbeat import heartbeat_summary, jobs_reap

    try:
        interrupted = jobs_reap()  # a dead worker's jobs are failed before they are counted
        latest = DBTaskResult.objects.aggregate(started=Max("started_at"), finished=Max("finished_at"))
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
        beats = heartbeat_summary()
    except DatabaseError:
        return {"last_started": None, "last_finished": None, "waiting": None,
                "jobs_running": None, "last_heartbeat": None, "interrupted_now": None}
    return {"last_started": _iso(latest["started"]), "last_finished": _iso(latest["finished"]),
            "waiting": waiting, **beats, "interrupted_now": interrupted}


def scheduler_activity() -> dict[str, Any]:
    """The latest run the scheduler started, and whether it finished well."""
    from opora.jobs.models import ScheduledRun

    try:
        last = ScheduledRun.objects.order_by("-started_at").first()
    except DatabaseError:
        last = None
    if last is None:
        return {"last_run": None, "status": None}
    return {"last_run": _iso(last.started_at), "status": last.status}


def health_report() -> tuple[bool, dict[str, Any]]:
    """(healthy, the JSON body)."""
    db = database_ok()
    store = results_store_writable()
    body: dict[str, Any] = {
        "ok": db and store,
        "database": db,
        "results_store": store,
        "worker": worker_activity() if db else None,
        "scheduler": scheduler_activity() if db else None,
    }
    return db and store, body
