"""`/healthz`: the database, the results store and the worker's latest activity, without secrets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from opora.jobs.services import job_create, job_enqueue
from opora.jobs.tasks import selfcheck

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db
def test_healthy_server_answers_200_without_secrets_or_paths(tmp_path: Path) -> None:
    with override_settings(RESULTS_DIR=tmp_path / "store"):
        response = Client().get("/healthz")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert body["ok"] is True and body["database"] is True and body["results_store"] is True
    assert body["worker"] == {"last_started": None, "last_finished": None, "waiting": 0,
                              "jobs_running": 0, "last_heartbeat": None, "interrupted_now": 0}
    assert body["scheduler"] == {"last_run": None, "status": None}
    text = response.content.decode()
    assert settings.SECRET_KEY not in text and str(tmp_path) not in text and "postgres" not in text


@pytest.mark.django_db
def test_unwritable_results_store_answers_503(tmp_path: Path) -> None:
    occupied = tmp_path / "a-file"
    occupied.write_text("not a directory")
    with override_settings(RESULTS_DIR=occupied / "store"):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["results_store"] is False and response.json()["database"] is True


@pytest.mark.django_db(transaction=True)
def test_worker_activity_shows_waiting_tasks_then_the_last_finished_one(tmp_path: Path) -> None:
    with override_settings(TASKS=DB_TASKS, RESULTS_DIR=tmp_path):
        job = job_create(kind="selfcheck", title="Проверка", user=None, params={"steps": 1})
        job_enqueue(job, selfcheck)
        waiting = Client().get("/healthz").json()["worker"]
        call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)
        done = Client().get("/healthz").json()["worker"]
    assert waiting["waiting"] == 1 and waiting["last_finished"] is None
    assert done["waiting"] == 0 and done["last_started"] and done["last_finished"]
