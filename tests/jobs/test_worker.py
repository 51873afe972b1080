"""A job queued through the database backend is picked up by the worker and reports progress."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from opora.jobs.models import Job, JobStatus
from opora.jobs.services import job_create, job_enqueue
from opora.jobs.tasks import selfcheck
from tests.conftest import Cast

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_queued_job_and_the_page_shows_it_done(cast: Cast) -> None:
    with override_settings(TASKS=DB_TASKS):
        job = job_create(kind="selfcheck", title="Проверка", user=cast.sam, params={"steps": 3})
        job_enqueue(job, selfcheck)
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and job.task_result_id
        call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.percent == 100
    c = Client()
    c.force_login(cast.sam)
    html = c.get(f"/jobs/{job.pk}/").content.decode()
    assert "выполнено" in html and 'aria-valuenow="100"' in html
    # Another user cannot see sam's job.
    c.force_login(cast.tom)
    assert c.get(f"/jobs/{job.pk}/").status_code == 404


@pytest.mark.django_db
def test_unfinished_job_page_polls_for_progress(cast: Cast) -> None:
    job = Job.objects.create(kind="x", title="Долгая задача", created_by=cast.sam, status=JobStatus.RUNNING,
                             progress_done=30, progress_total=120)
    c = Client()
    c.force_login(cast.sam)
    html = c.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html and 'aria-valuenow="25"' in html
