"""Background tasks of the support app: an uploaded attendance sheet loaded into an event, or a plan of
events into a territory, as a Job."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from django.utils.translation import gettext as _
from django_tasks import task

from opora.core.imports.outcome import ImportOutcome, rejected
from opora.core.imports.tabular import Layout, Progress, RowError
from opora.core.models import Municipality, Region, User
from opora.core.tasks import run_import
from opora.jobs.models import Job
from opora.support.imports_attendance import attendance_import
from opora.support.imports_events import events_plan_import
from opora.support.models import Event


def _attendance_for_job(job_id: str, *, actor: User, path: Path, progress: Progress | None = None,
                        layout: Layout | None = None) -> ImportOutcome:
    job = Job.objects.get(pk=job_id)
    event = Event.objects.select_related("region", "municipality").filter(pk=job.params.get("event")).first()
    if event is None:
        return rejected([RowError(None, "", _("The event no longer exists."))])
    return attendance_import(actor=actor, event=event, path=path, progress=progress, layout=layout)


@task()
def import_attendance_task(job_id: str) -> None:
    # run_import checks the file and its author, records the outcome and deletes the upload.
    run_import(job_id, partial(_attendance_for_job, job_id))  # partial keeps `layout` in the signature


def _plan_for_job(job_id: str, *, actor: User, path: Path, progress: Progress | None = None,
                  layout: Layout | None = None, sheet: str | None = None) -> ImportOutcome:
    job = Job.objects.get(pk=job_id)
    territory = str(job.params.get("territory", ""))
    municipality = region = None
    if territory.startswith("m") and territory[1:].isdigit():
        municipality = Municipality.objects.select_related("region").filter(pk=territory[1:]).first()
    elif territory.startswith("r") and territory[1:].isdigit():
        region = Region.objects.filter(pk=territory[1:]).first()
    if municipality is None and region is None:
        return rejected([RowError(None, "", _("The territory of the plan no longer exists."))])
    return events_plan_import(actor=actor, path=path, academic_year=int(job.params["year"]),
                              municipality=municipality, region=region, progress=progress, layout=layout,
                              sheet=sheet)


@task()
def import_events_plan_task(job_id: str) -> None:
    run_import(job_id, partial(_plan_for_job, job_id))
