"""A regional analyst runs identification from the page, watches the progress bar finish and
opens the "why" panel of the school the rule flags (real chromium, a worker run by the test)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from opora.identification.tasks import run_job
from opora.jobs.models import Job, JobStatus
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import Cast
from tests.identification.builders import LOW, Built
from tests.identification.conftest import _results_dir, built, rule_sets  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def work_the_queue(timeout: float = 20.0) -> Job:
    """Be the worker: wait for the page to queue the run, then execute it here."""
    deadline = time.monotonic() + timeout
    while (job := Job.objects.filter(kind="identification", status=JobStatus.QUEUED).first()) is None:
        if time.monotonic() > deadline:
            raise AssertionError("the page queued no identification job")
        time.sleep(0.1)
    run_job(str(job.pk))
    return job


def test_analyst_runs_identification_and_reads_why_a_school_is_flagged(
    page: Any, live_server: Any, cast: Cast, built: Built, settings: Any  # noqa: F811
) -> None:
    # Queued, not run at once: the test plays the worker, so the bar is seen moving to the end.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    sign_in(page, live_server.url, "alice")
    page.locator('nav.mainnav a[href="/identification/"]').click()
    page.locator("#run-identification").click()
    bar = page.locator(".run-progress")
    assert bar.get_attribute("data-status") == "queued" and bar.get_attribute("hx-get")
    work_the_queue()
    page.locator('.run-progress[data-status="done"]').wait_for()  # htmx polled until the run finished
    page.locator(".run-progress a.run-result").click()

    page.wait_for_url("**/identification/runs/*/")
    rows = page.locator("table.identification tbody tr")
    rows.first.wait_for()  # count() does not wait for the run's page to load
    assert rows.count() == len(built.region10)
    assert "Заречная" in rows.first.inner_text()  # the flagged school first
    rows.first.get_by_role("link").click()

    page.wait_for_url(f"**/schools/{LOW}/")
    summary = page.locator(".why-summary li")
    assert summary.count() >= 3 and "30%" in summary.first.inner_text()
    low = page.locator("#flag-low_results")
    assert low.get_attribute("open") is not None and "43,8%" in low.inner_text()
    page.locator("#flag-objectivity summary").click()
    assert page.locator("#flag-objectivity table.signs tbody tr").count() == 5
