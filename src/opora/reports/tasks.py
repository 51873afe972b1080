"""Background task: build an ordered analytical report as a Job with progress through its sections."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from opora.core.errors import ValidationFailed
from opora.jobs.models import Job
from opora.jobs.services import job_failed, job_progress, job_started, job_succeeded
from opora.reports.data import scope_resolve
from opora.reports.files import report_bytes, report_store
from opora.reports.models import Report

logger = logging.getLogger(__name__)


def run_job(job_id: str) -> None:
    job = Job.objects.get(pk=job_id)
    report = Report.objects.select_related("school", "municipality", "region").get(pk=job.params["report"])
    job_started(job, total=10, message=_("Collecting the data"))
    try:
        scope = scope_resolve(kind=report.scope_kind, code=report.scope_object.code)
        content = report_bytes(scope, report.year, report.format,
                               progress=lambda done, total, label: job_progress(job, done=done, total=total + 1,
                                                                                message=label))
        job_progress(job, done=job.progress_total - 1, message=_("Writing the file"))
        report_store(report, content)
    except ValidationFailed as error:
        job_failed(job, errors=[], message="; ".join(error.messages))
        return
    except Exception:
        logger.exception("Report %s failed", report.pk)
        job_failed(job, errors=[], message=_("The report failed because of an internal error."))
        raise
    job_succeeded(job, result={"report": report.pk}, message=_("The report is ready"))


@task()
def build_report_task(job_id: str) -> None:
    run_job(job_id)
