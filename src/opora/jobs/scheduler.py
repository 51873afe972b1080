"""One tick of the scheduler: run each periodic job whose latest due time has no run yet.

Only the latest due time counts, so a scheduler that was down for three nights runs the nightly
job once when it comes back, not three times. The claim is the insert of the (name, due_at) row:
with two schedulers, the one whose insert fails with IntegrityError leaves the run to the other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.jobs.heartbeat import jobs_reap
from opora.jobs.models import ScheduledRun, ScheduledRunStatus
from opora.jobs.periodic import PERIODIC_JOBS
from opora.jobs.schedule import Entry, parse

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduleRow:
    entry: Entry
    last: ScheduledRun | None
    next_due: datetime


def schedule_entries() -> list[Entry]:
    return parse(settings.SCHEDULE, set(PERIODIC_JOBS))


def run_claim(name: str, due_at: datetime) -> ScheduledRun | None:
    """The new run row if this scheduler got the slot, None if another one has it."""
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(name=name, due_at=due_at)
    except IntegrityError:
        return None


def run_execute(run: ScheduledRun, job: Callable[[], str]) -> ScheduledRun:
    try:
        message = job()
        run.status = ScheduledRunStatus.SUCCEEDED
    except Exception as error:  # a failing job is recorded; the scheduler goes on with the others
        logger.exception("scheduled job %s failed", run.name)
        message = _("Failed: %(error)s") % {"error": error}
        run.status = ScheduledRunStatus.FAILED
    run.message = message[:2000]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "message", "finished_at"])
    return run


def scheduler_tick(*, now: datetime | None = None, entries: list[Entry] | None = None) -> list[ScheduledRun]:
    """Run what is due at `now`; returns the runs this call executed."""
    now = now or timezone.now()
    jobs_reap(now=now)  # background jobs whose worker died are failed within the stale limit
    done = []
    for entry in entries if entries is not None else schedule_entries():
        run = run_claim(entry.name, entry.latest_due(now))
        if run is not None:
            done.append(run_execute(run, PERIODIC_JOBS[entry.name]))
    return done


def schedule_overview(*, now: datetime | None = None) -> list[ScheduleRow]:
    """Each scheduled job with its last run and its next due time (for the schedule page)."""
    now = now or timezone.now()
    rows = []
    for entry in schedule_entries():
        last = ScheduledRun.objects.filter(name=entry.name).order_by("-due_at").first()
        rows.append(ScheduleRow(entry=entry, last=last, next_due=entry.next_due(now)))
    return rows
