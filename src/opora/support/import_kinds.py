"""The support imports declared for the column mapping page: a sign-in sheet or a plan of events
whose header does not fit is mapped like any other import (their uploads have their own pages,
and the job's parameters — the event, the territory and year — go with the mapped job)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from opora.core.imports.pages import ImportKind
from opora.core.imports.templates import columns_workbook
from opora.support import imports_attendance, imports_events
from opora.support.tasks import import_attendance_task, import_events_plan_task

ATTENDANCE = ImportKind(
    kind=imports_attendance.IMPORT_JOB_KIND.removeprefix("import_"), heading=gettext_lazy("Attendance"),
    job_title=gettext_lazy("Attendance: %(file)s"), task=import_attendance_task, action="events:home",
    template_url="events:home", columns=imports_attendance.column_help,
    workbook=lambda: columns_workbook(imports_attendance.column_help()), known=lambda: imports_attendance.COLUMNS,
)
EVENTS_PLAN = ImportKind(
    kind=imports_events.IMPORT_JOB_KIND.removeprefix("import_"), heading=gettext_lazy("Plan of events"),
    job_title=gettext_lazy("Plan of events: %(file)s"), task=import_events_plan_task, action="events:plan_import",
    template_url="events:plan_template", columns=imports_events.column_help, workbook=imports_events.plan_template,
    known=lambda: imports_events.COLUMNS,
)
