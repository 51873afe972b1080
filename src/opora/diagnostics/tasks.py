"""Background task: compute a campaign's risk profiles as a Job with progress."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from opora.core.errors import ValidationFailed
from opora.diagnostics.computation import profiles_compute
from opora.diagnostics.models import Campaign
from opora.jobs.models import Job
from opora.jobs.services import job_failed, job_progress, job_started, job_succeeded

logger = logging.getLogger(__name__)


def profiles_job(job_id: str) -> None:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    campaign = Campaign.objects.select_related("version").get(pk=job.params["campaign"])
    job_started(job, total=4, message=_("Reading the answers"))
    try:
        count = profiles_compute(campaign=campaign, actor=job.created_by, job=job,
                                 progress=lambda done, total: job_progress(job, done=done, total=total))
    except ValidationFailed as error:
        job_failed(job, errors=[], message="; ".join(error.messages))
        return
    except Exception:
        logger.exception("Risk profiles of campaign %s failed", campaign.pk)
        job_failed(job, errors=[], message=_("The profiles could not be computed because of an internal error."))
        raise
    summary = [_("Profiles computed: %(n)s") % {"n": count}]
    job_succeeded(job, result={"campaign": campaign.pk, "profiles": count, "summary": summary},
                  message=_("Profiles computed"))


@task()
def profiles_task(job_id: str) -> None:
    profiles_job(job_id)
