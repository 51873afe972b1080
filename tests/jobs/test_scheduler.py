"""`opora scheduler`: a due run executes once even with two schedulers; a missed run is caught up
once; the schedule page is for installation and regional administrators only."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from opora.jobs.models import Job, JobStatus, ScheduledRun, ScheduledRunStatus
from opora.jobs.periodic import PERIODIC_JOBS
from opora.jobs.schedule import parse
from opora.jobs.scheduler import scheduler_tick
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

CLEANUP = parse("jobs_cleanup=04:00", set(PERIODIC_JOBS))


def local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))  # noqa: DTZ001 - made aware in the installation's zone


def old_finished_job() -> Job:
    return Job.objects.create(kind="x", title="Старая", status=JobStatus.SUCCEEDED,
                              finished_at=timezone.now() - timedelta(days=400))


def test_a_due_run_executes_once_with_two_schedulers() -> None:
    old_finished_job()
    now = local(2026, 3, 2, 4, 10)
    first = scheduler_tick(now=now, entries=CLEANUP)
    old_finished_job()  # would be deleted if the second scheduler ran the job again
    second = scheduler_tick(now=now + timedelta(seconds=30), entries=CLEANUP)
    assert [r.status for r in first] == [ScheduledRunStatus.SUCCEEDED] and second == []
    run = ScheduledRun.objects.get()
    assert run.due_at == local(2026, 3, 2, 4, 0) and "1" in run.message
    assert Job.objects.count() == 1


def test_missed_runs_are_caught_up_once_with_the_latest_due_time() -> None:
    ScheduledRun.objects.create(name="jobs_cleanup", due_at=local(2026, 3, 1, 4, 0),
                                status=ScheduledRunStatus.SUCCEEDED)
    back = local(2026, 3, 5, 12, 0)  # down on the 2nd, 3rd, 4th and 5th at 04:00
    assert len(scheduler_tick(now=back, entries=CLEANUP)) == 1
    assert scheduler_tick(now=back + timedelta(hours=1), entries=CLEANUP) == []
    assert [r.due_at for r in ScheduledRun.objects.order_by("due_at")] == [local(2026, 3, 1, 4, 0),
                                                                           local(2026, 3, 5, 4, 0)]
    assert len(scheduler_tick(now=local(2026, 3, 6, 4, 0), entries=CLEANUP)) == 1


def test_weekly_and_interval_entries_and_a_bad_schedule() -> None:
    known = set(PERIODIC_JOBS)
    weekly, every = parse("plans_digest=mon 07:30, refresh_figures=6h", known)
    wednesday = local(2026, 3, 4, 10, 0)
    assert weekly.latest_due(wednesday) == local(2026, 3, 2, 7, 30)
    assert weekly.next_due(wednesday) == local(2026, 3, 9, 7, 30)
    assert every.latest_due(wednesday) == local(2026, 3, 4, 6, 0)
    assert every.next_due(wednesday) == local(2026, 3, 4, 12, 0)
    for bad in ("nope=07:00", "jobs_cleanup=25:00", "jobs_cleanup=xyz 07:00", "jobs_cleanup=0m"):
        with pytest.raises(ImproperlyConfigured, match="OPORA_SCHEDULE"):
            parse(bad, known)


def test_a_failing_job_is_recorded_and_the_command_runs_the_others(cast: Cast) -> None:
    # A keep period no date can express makes the clean-up fail for real.
    with override_settings(SCHEDULE="jobs_cleanup=00:00,plans_remind=00:00", JOBS_KEEP_DAYS=10**12):
        call_command("scheduler", "--once", stdout=io.StringIO())
    runs = {r.name: r for r in ScheduledRun.objects.all()}
    assert runs["jobs_cleanup"].status == ScheduledRunStatus.FAILED and runs["jobs_cleanup"].message
    assert runs["plans_remind"].status == ScheduledRunStatus.SUCCEEDED


def test_schedule_page_shows_last_and_next_runs_to_administrators_only(cast: Cast) -> None:
    with override_settings(SCHEDULE="jobs_cleanup=04:00"):
        scheduler_tick()
        for user, status in [(cast.alice, 200), (cast.zoe, 200), (cast.rita, 403), (cast.maria, 403),
                             (cast.sam, 403), (cast.nobody, 403)]:
            c = Client()
            c.force_login(user)
            response = c.get("/jobs/schedule/")
            assert response.status_code == status, user.username
        cast.nobody.is_superuser = True
        cast.nobody.save()
        c.force_login(cast.nobody)
        html = c.get("/jobs/schedule/").content.decode()
    assert "Очистка старых завершённых задач" in html and "выполнено" in html and "04:00" in html
    assert Client().get("/jobs/schedule/").status_code == 302


def test_healthz_reports_the_schedulers_last_run() -> None:
    scheduler_tick(entries=CLEANUP)
    scheduler = Client().get("/healthz").json()["scheduler"]
    assert scheduler["last_run"] and scheduler["status"] == ScheduledRunStatus.SUCCEEDED
