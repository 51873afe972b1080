"""Worker heartbeat: a job whose worker process is killed mid-task is marked failed as interrupted
within the stale limit (never "running" forever), its author can start it again, and a job whose
worker is alive, or still beating, is left alone."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from opora.jobs.heartbeat import jobs_reap
from opora.jobs.models import Job, JobStatus
from opora.jobs.services import job_create, job_enqueue, job_started
from tests.conftest import Cast
from tests.installation import OPORA, ROOT, installation_env, opora, scratch_databases

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Run inside the installation (its settings and database): queue a slow self-check job.
QUEUE = """
import django; django.setup()
from opora.core.models import User
from opora.jobs.services import job_create, job_enqueue
from opora.jobs.tasks import selfcheck
user = User.objects.create_user("admin", password="x")
job = job_create(kind="selfcheck", title="Проверка обработчика", user=user, params={"steps": 40, "pause": 0.1})
job_enqueue(job, selfcheck)
print(job.pk)
"""
# Wait (up to 60 s) until the job matches a condition on its row, then print the row.
WAIT = """
import json, sys, time, django; django.setup()
from django.core.management import call_command
from opora.jobs.models import Job
job_id, condition, reap = sys.argv[1], sys.argv[2], sys.argv[3] == "reap"
for _ in range(600):
    if reap:
        call_command("scheduler", "--once", stdout=open("/dev/null", "w"))
    job = Job.objects.get(pk=job_id)
    if eval(condition, {"job": job}):
        break
    time.sleep(0.1)
print(json.dumps({"status": job.status, "done": job.progress_done, "worker": job.worker,
                  "beat": bool(job.heartbeat_at), "interrupted": job.interrupted, "message": job.message}))
"""
RERUN = """
import sys, django; django.setup()
from django_tasks_db.models import DBTaskResult
from opora.jobs.models import Job
from opora.jobs.services import job_rerun
job = Job.objects.get(pk=sys.argv[1])
print(DBTaskResult.objects.get(pk=job.task_result_id).status, job_rerun(job))
"""


def wait_for(env: dict[str, str], job_id: str, condition: str, *, reap: bool = False) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", WAIT, job_id, condition, "reap" if reap else "-"],
                          env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([*OPORA, "db_worker", "--queue-name", "default", "--no-reload", "--no-startup-delay",
                             "--interval", "0.2", "-v", "0"], env=env, cwd=ROOT, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[dict[str, str]]:
    with scratch_databases(1, "opora_beat") as (url,):
        env = installation_env(tmp_path / "var", url, OPORA_JOB_HEARTBEAT_SECONDS="0.3",
                               OPORA_JOB_STALE_SECONDS="2", OPORA_SCHEDULE="jobs_cleanup=03:00")
        migrated = opora(env, "migrate", "--noinput", "-v", "0")
        assert migrated.returncode == 0, migrated.stderr
        yield env


@pytest.mark.slow
def test_a_killed_worker_leaves_its_job_failed_as_interrupted_and_the_job_can_run_again(
    installation: dict[str, str],
) -> None:
    env = installation
    job_id = subprocess.run([sys.executable, "-c", QUEUE], env=env, cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    process = worker(env)
    try:
        running = wait_for(env, job_id, "job.progress_done >= 3")
        assert running["status"] == "running" and running["beat"] and running["worker"].endswith(f":{process.pid}")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    # Nothing finishes the job by itself: without a reaper it would stay "running" forever.
    assert wait_for(env, job_id, "True")["status"] == "running"
    failed = wait_for(env, job_id, "job.status == 'failed'", reap=True)
    assert failed["interrupted"] and "Обработчик фоновых задач остановился" in failed["message"]
    assert 3 <= failed["done"] < 40

    rerun = subprocess.run([sys.executable, "-c", RERUN, job_id], env=env, cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split()
    assert rerun == ["FAILED", "True"]  # the dead run's task is closed too; the job is queued again
    again = worker(env)
    try:
        finished = wait_for(env, job_id, "job.status == 'succeeded'")
    finally:
        again.send_signal(signal.SIGTERM)
        again.wait(timeout=30)
    assert finished["status"] == "succeeded" and finished["done"] == 40 and not finished["interrupted"]


def stamped(cast: Cast, *, seconds_ago: float, worker: str) -> Job:
    return Job.objects.create(kind="x", title="Расчёт", created_by=cast.sam, status=JobStatus.RUNNING,
                              heartbeat_at=timezone.now() - timedelta(seconds=seconds_ago), worker=worker)


@pytest.mark.django_db
def test_reaper_fails_only_jobs_without_a_recent_beat_whose_worker_is_gone(cast: Cast) -> None:
    dead = stamped(cast, seconds_ago=600, worker="other-host:4242")
    fresh = stamped(cast, seconds_ago=1, worker="other-host:4243")
    queued = Job.objects.create(kind="x", title="В очереди", created_by=cast.sam)  # no worker took it yet
    # A live worker process on this machine keeps its job even when its beats are late (SQLite's lock).
    local = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "db_worker"])
    cmdline = Path(f"/proc/{local.pid}/cmdline")
    for _attempt in range(100):  # until the child has exec'd (before that it shows pytest's command line)
        if b"db_worker" in cmdline.read_bytes():
            break
        time.sleep(0.05)
    try:
        alive = stamped(cast, seconds_ago=600, worker=f"{socket.gethostname()}:{local.pid}")
        assert jobs_reap() == 1
    finally:
        local.kill()
        local.wait()
    states = {job.pk: (job.status, job.interrupted) for job in Job.objects.all()}
    assert states[dead.pk] == (JobStatus.FAILED, True)
    assert states[fresh.pk] == states[alive.pk] == (JobStatus.RUNNING, False)
    assert states[queued.pk] == (JobStatus.QUEUED, False)
    assert jobs_reap() == 1  # the local worker is gone now: its job goes too


@pytest.mark.django_db
def test_job_page_shows_the_interruption_and_only_the_author_sees_the_rerun_button(cast: Cast) -> None:
    job = stamped(cast, seconds_ago=600, worker="other-host:1")
    c = Client()
    c.force_login(cast.sam)
    html = c.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="failed"' in html and "hx-trigger" not in html  # polling stops
    assert "Обработчик фоновых задач остановился" in html and "Запустить снова" in html
    c.force_login(cast.tom)
    assert c.get(f"/jobs/{job.pk}/").status_code == 404
    assert c.post(f"/jobs/{job.pk}/rerun/").status_code == 404
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


@pytest.mark.django_db
def test_healthz_reports_the_running_jobs_heartbeat_and_fails_a_dead_workers_job(cast: Cast) -> None:
    stamped(cast, seconds_ago=2, worker="other-host:1")
    dead = stamped(cast, seconds_ago=900, worker="other-host:2")
    worker_state = Client().get("/healthz").json()["worker"]
    assert worker_state["interrupted_now"] == 1 and worker_state["jobs_running"] == 1
    assert worker_state["last_heartbeat"]
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED


@task()
def crashing(job_id: str) -> None:
    job_started(Job.objects.get(pk=job_id))
    raise RuntimeError("boom")


@pytest.mark.django_db(transaction=True)
def test_a_task_that_dies_on_an_unrecorded_error_leaves_its_job_failed_and_re_runnable(cast: Cast) -> None:
    with override_settings(TASKS=DB_TASKS):
        job = job_create(kind="x", title="Падающая задача", user=cast.sam, params={})
        job_enqueue(job, crashing)
        call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED and job.interrupted
        assert "внутренней ошибки" in job.message
        c = Client()
        c.force_login(cast.sam)
        assert c.post(f"/jobs/{job.pk}/rerun/").status_code == 302
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED
        assert DBTaskResult.objects.filter(task_path__endswith="crashing", status="READY").count() == 1
