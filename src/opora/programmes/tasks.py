"""Background refresh of the stored programme indicators."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from opora.jobs.models import Job
from opora.jobs.services import job_progress, job_started, job_succeeded
from opora.programmes.figures import figures_refresh, programmes_in
from opora.programmes.models import Programme


@task()
def refresh_figures_task(job_id: str) -> None:
    """Recompute the programmes of the job's scope: one programme (`programme`), a region or all."""
    job = Job.objects.get(pk=job_id)
    params = job.params or {}
    if params.get("programme"):
        programmes = list(Programme.objects.filter(pk=params["programme"]))
    else:
        programmes = programmes_in(params.get("region"))
    job_started(job, total=len(programmes), message=_("Recomputing the indicators"))
    figures = 0
    for done, programme in enumerate(programmes, start=1):
        figures += figures_refresh(programme)
        job_progress(job, done=done)
    job_succeeded(job, result={"summary": [
        _("Programmes recomputed: %(programmes)s; indicator figures stored: %(figures)s.")
        % {"programmes": len(programmes), "figures": figures}]}, message=_("Done"))
