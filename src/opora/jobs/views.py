from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.http import UserRequest
from opora.jobs.heartbeat import jobs_reap
from opora.jobs.periodic import JOB_TITLES
from opora.jobs.scheduler import schedule_overview
from opora.jobs.selectors import job_get, jobs_for_user
from opora.jobs.services import job_rerun


@login_required
def job_detail(request: UserRequest, job_id: str) -> HttpResponse:
    job = job_get(request.user, job_id)
    if job is None:
        raise Http404
    if not job.is_finished and jobs_reap():  # its worker may have died: say so instead of polling forever
        job.refresh_from_db()
    # htmx polls the progress fragment until the job is finished.
    template = "jobs/_progress.html" if request.htmx else "jobs/detail.html"
    return render(request, template, {"job": job})


@login_required
def job_list(request: UserRequest) -> HttpResponse:
    jobs_reap()
    return render(request, "jobs/list.html", {"jobs": jobs_for_user(request.user)[:50]})


@login_required
@require_POST
def job_rerun_view(request: UserRequest, job_id: str) -> HttpResponse:
    """Start an interrupted job again (its author or the superuser)."""
    job = job_get(request.user, job_id)
    if job is None:
        raise Http404
    job_rerun(job)  # a job that cannot be re-run stays as it was; its page says why it failed
    return redirect("jobs:detail", job_id=job.pk)


@login_required
def schedule(request: UserRequest) -> HttpResponse:
    """The periodic jobs: each one's last run and result, and when it runs next."""
    if not access.has_perm_anywhere(request.user, Perm.VIEW_SCHEDULE):
        raise PermissionDenied
    rows = [{"row": row, "title": JOB_TITLES[row.entry.name]} for row in schedule_overview()]
    return render(request, "jobs/schedule.html", {"rows": rows})
