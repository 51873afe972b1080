"""Attendance of an event loaded from a sign-in sheet (.xlsx or .csv), all or nothing.

Columns (docs/formats.md, «Посещаемость мероприятия»): «ФИО» (required), «код школы», «должность»,
«присутствовал» (да/нет; empty: да). A row matching a registered person (same school, same name)
marks them; any other row adds a participant from the file. Schools must be of the event's
territory. Every problem is reported with its row, column and reason; then nothing is changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.errors import AccessDenied
from opora.core.imports.cells import CellError, cell_bool, cell_text
from opora.core.imports.outcome import ImportOutcome, ignored_note, rejected
from opora.core.imports.tabular import (
    Column,
    ErrorList,
    FileRejected,
    Layout,
    Progress,
    RowError,
    map_columns,
    open_sheet,
)
from opora.core.imports.templates import ColumnHelp, columns_workbook
from opora.core.models import User
from opora.support.models import Event, EventStatus, Participant, ParticipantSource
from opora.support.selectors_events import can_manage, territory_schools

IMPORT_JOB_KIND = "import_attendance"

COLUMNS = (
    Column("full_name", ("фио", "ф.и.о.", "участник", "фамилия имя отчество"), required=True),
    Column("school_code", ("код школы", "код оо", "школа")),
    Column("position", ("должность",)),
    Column("attended", ("присутствовал", "присутствие", "был", "отметка")),
)


def column_help() -> list[ColumnHelp]:
    return [
        ColumnHelp("ФИО", "full_name", True, _("full name of the participant"), "", "Иванова Анна Петровна"),
        ColumnHelp("код школы", "school_code", False, _("school code; empty for guests not from a school"), "",
                   "1001"),
        ColumnHelp("должность", "position", False, _("position"), "", "учитель математики"),
        ColumnHelp("присутствовал", "attended", False, _("was present; empty means yes"),
                   _("да / нет (also 1/0, true/false)"), "да"),
    ]


def attendance_template(event: Event) -> bytes:
    return columns_workbook(column_help())


def _key(name: str) -> str:
    return " ".join(name.replace("ё", "е").replace("Ё", "Е").lower().split())


@dataclass
class _Row:
    number: int
    full_name: str
    school_id: int | None
    position: str
    attended: bool


def attendance_import(*, actor: User, event: Event, path: Path, progress: Progress | None = None,
                      layout: Layout | None = None) -> ImportOutcome:
    """Check the whole file, then mark or add every row's person (one transaction)."""
    if not can_manage(actor, event):
        raise AccessDenied(_("You may not take attendance of this event."))
    if event.status == EventStatus.CANCELLED:
        return rejected([RowError(None, "", _("The event is cancelled."))])
    if event.starts_on > timezone.localdate():
        return rejected([RowError(None, "", _("Attendance is taken on the day of the event or later."))])
    schools = dict(territory_schools(event).values_list("code", "pk"))
    errors = ErrorList()
    rows: list[_Row] = []
    seen: dict[tuple[int | None, str], int] = {}
    try:
        with open_sheet(path, layout=layout, known=COLUMNS) as sheet:
            columns = map_columns(sheet, COLUMNS, layout)
            for done, (number, cells) in enumerate(sheet.rows, start=1):
                name = " ".join(cell_text(columns.cell(cells, "full_name")).split())
                code = cell_text(columns.cell(cells, "school_code"))
                label = columns.label
                if not name:
                    errors.add(number, label["full_name"], _("The full name is missing."))
                school_id = None
                if code:
                    school_id = schools.get(code)
                    if school_id is None:
                        errors.add(number, label["school_code"],
                                   _("School «%(code)s» is not in the event's territory.") % {"code": code})
                attended = True
                raw = columns.cell(cells, "attended")
                if cell_text(raw):
                    try:
                        attended = cell_bool(raw)
                    except CellError as error:
                        errors.add(number, label["attended"], str(error))
                if name:
                    key = (school_id, _key(name))
                    if key in seen:
                        errors.add(number, label["full_name"],
                                   _("The same person is already in row %(row)d.") % {"row": seen[key]})
                    seen[key] = number
                rows.append(_Row(number, name[:255], school_id,
                                 " ".join(cell_text(columns.cell(cells, "position")).split())[:255], attended))
                if progress is not None and done % 200 == 0:
                    progress(done, sheet.total_rows)
            ignored = columns.ignored
    except FileRejected as rejection:
        return rejected(rejection)  # a HeaderMismatch stays one: the file may then be mapped
    if errors:
        return rejected(errors.final())
    if not rows:
        return rejected([RowError(None, "", _("The file has no rows."))])
    outcome = _apply(event, rows)
    outcome.notes += ignored_note(ignored)
    return outcome


@transaction.atomic
def _apply(event: Event, rows: list[_Row]) -> ImportOutcome:
    now = timezone.now()
    existing: dict[tuple[int | None, str], Participant] = {}
    for p in Participant.objects.select_for_update(of=("self",)).filter(event=event).order_by("pk"):
        existing.setdefault((p.school_id, _key(p.full_name)), p)
    outcome = ImportOutcome(rows=len(rows))
    new: list[Participant] = []
    for row in rows:
        found = existing.get((row.school_id, _key(row.full_name)))
        if found is None:
            new.append(Participant(event=event, school_id=row.school_id, full_name=row.full_name,
                                   position=row.position, source=ParticipantSource.IMPORT, attended=row.attended,
                                   marked_at=now))
            outcome.created += 1
        elif found.attended == row.attended:
            outcome.unchanged += 1
        else:
            found.attended, found.marked_at = row.attended, now
            found.save(update_fields=["attended", "marked_at"])
            outcome.updated += 1
    Participant.objects.bulk_create(new)
    return outcome
