"""Import of professional-deficit diagnostics: one row per teacher and competence area.

Columns (docs/formats.md, «Диагностика профессиональных дефицитов»): school code, staff number
and/or full name (matched in the school's staff registry), competence area, score, maximum,
deficit (да/нет) or a threshold (a deficit when the score is below it), date or year, the
diagnostic's name, comment. The whole file is checked first and loaded all or nothing; a row for
the same teacher, year, diagnostic and area replaces the stored one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opora.core.errors import AccessDenied
from opora.core.imports.cells import CellError, cell_bool, cell_count, cell_decimal, cell_text
from opora.core.imports.outcome import ImportOutcome, rejected
from opora.core.imports.tabular import (
    CellValue,
    Column,
    ColumnMap,
    ErrorList,
    FileRejected,
    HeaderMismatch,
    Layout,
    Progress,
    RowError,
    map_columns,
    normalise,
    open_sheet,
)
from opora.core.imports.templates import ColumnHelp, columns_workbook
from opora.core.models import User
from opora.core.years import YEAR_RANGE, is_valid_year, year_range_error
from opora.staff.imports_steps import apply_checked, unique_rows
from opora.staff.models import DeficitDiagnostic, StaffMember
from opora.staff.selectors_development import import_schools

COLUMNS: tuple[Column, ...] = (
    Column("school_code", ("код школы", "код оо", "код"), required=True),
    Column("staff_number", ("табельный номер", "таб. номер", "таб номер", "идентификатор")),
    Column("full_name", ("фио", "фио педагога", "педагог")),
    Column("area", ("область компетенций", "компетенция", "направление", "область"), required=True),
    Column("score", ("балл", "баллы", "результат")),
    Column("max_score", ("максимальный балл", "максимум", "макс. балл", "макс")),
    Column("deficit", ("дефицит", "дефицит выявлен")),
    Column("threshold", ("порог", "пороговый балл")),
    Column("date", ("дата", "дата диагностики")),
    Column("year", ("год",)),
    Column("diagnostic", ("диагностика", "название диагностики")),
    Column("comment", ("комментарий", "примечание")),
)
MAX_SCORE = Decimal("99999")


@dataclass
class _Row:
    row: int
    staff: StaffMember
    year: int
    values: dict[str, Any]
    source: str
    area: str


def parse_date(value: CellValue) -> datetime.date:
    """A date cell of Excel, or text «ДД.ММ.ГГГГ» / «ГГГГ-ММ-ДД»."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise CellError(_("Expected a date like 15.03.2025, found «%(value)s».") % {"value": text})


class _Registry:
    """The staff of the schools in the file, looked up by staff number or by normalised name."""

    def __init__(self, schools: dict[str, Any]) -> None:
        self.by_number: dict[tuple[int, str], StaffMember] = {}
        self.by_name: dict[tuple[int, str], list[StaffMember]] = {}
        for s in StaffMember.objects.filter(school_id__in=[x.pk for x in schools.values()], is_active=True):
            if s.external_id:
                self.by_number[(s.school_id, s.external_id.strip().lower())] = s
            self.by_name.setdefault((s.school_id, normalise(s.full_name)), []).append(s)


def _cell(number: int, cells: list[CellValue], columns: ColumnMap, key: str, errors: ErrorList,
          read: Any) -> Any:
    raw = columns.cell(cells, key)
    if cell_text(raw) == "":
        return None
    try:
        return read(raw)
    except CellError as error:
        errors.add(number, columns.label[key], str(error))
        return None


def _parse(number: int, cells: list[CellValue], columns: ColumnMap, schools: dict[str, Any], registry: _Registry,
           errors: ErrorList) -> _Row | None:
    before = len(errors.items)
    code = cell_text(columns.cell(cells, "school_code"))
    school = schools.get(code)
    if not code:
        errors.add(number, columns.label["school_code"], _("The value is required."))
    elif school is None:
        errors.add(number, columns.label["school_code"],
                   _("School «%(code)s» is unknown or you may not import its teachers.") % {"code": code})
    area = cell_text(columns.cell(cells, "area"))
    if not area:
        errors.add(number, columns.label["area"], _("The value is required."))
    score = _cell(number, cells, columns, "score", errors, cell_decimal)
    max_score = _cell(number, cells, columns, "max_score", errors, cell_decimal)
    threshold = _cell(number, cells, columns, "threshold", errors, cell_decimal)
    deficit = _cell(number, cells, columns, "deficit", errors, cell_bool)
    held_on = _cell(number, cells, columns, "date", errors, parse_date)
    year = _cell(number, cells, columns, "year", errors, cell_count)
    for key, value in (("score", score), ("max_score", max_score), ("threshold", threshold)):
        if value is not None and not Decimal(0) <= value <= MAX_SCORE:
            errors.add(number, columns.label[key], _("The number must be between 0 and 99999."))
    if score is not None and max_score is not None and score > max_score:
        errors.add(number, columns.label["score"], _("The score is above the maximum."))
    if deficit is None:
        if threshold is not None and score is not None:
            deficit = score < threshold
        elif threshold is not None:
            errors.add(number, columns.label.get("score", "score"),
                       _("A score is needed to compare with the threshold."))
        else:
            errors.add(number, columns.label.get("deficit", "deficit"),
                       _("Say whether a deficit was found («да»/«нет») or give a threshold and a score."))
    if year is None and held_on is not None:
        year = held_on.year
    if year is None:
        errors.add(number, columns.label.get("date", columns.label.get("year", "date")),
                   _("Give the date of the diagnostic (or its year)."))
    elif not is_valid_year(year):
        errors.add(number, columns.label.get("year", columns.label.get("date", "year")),
                   year_range_error())
    elif held_on is not None and held_on.year != year:
        errors.add(number, columns.label["year"], _("The year differs from the date's year."))
    staff = _teacher(number, cells, columns, school, registry, errors) if school is not None else None
    if len(errors.items) > before or staff is None or year is None or deficit is None:
        return None
    source = cell_text(columns.cell(cells, "diagnostic"))[:255]
    values = {"held_on": held_on, "score": score, "max_score": max_score, "has_deficit": deficit,
              "comment": cell_text(columns.cell(cells, "comment"))}
    return _Row(row=number, staff=staff, year=year, values=values, source=source, area=area[:255])


def _teacher(number: int, cells: list[CellValue], columns: ColumnMap, school: Any, registry: _Registry,
             errors: ErrorList) -> StaffMember | None:
    staff_number = cell_text(columns.cell(cells, "staff_number"))
    full_name = cell_text(columns.cell(cells, "full_name"))
    if staff_number:
        staff = registry.by_number.get((school.pk, staff_number.lower()))
        if staff is None:
            errors.add(number, columns.label["staff_number"],
                       _("No teacher with the staff number «%(number)s» in the school's staff registry.")
                       % {"number": staff_number})
        return staff
    if not full_name:
        errors.add(number, columns.label.get("full_name", columns.label.get("staff_number", "full_name")),
                   _("Give the teacher's staff number or full name."))
        return None
    found = registry.by_name.get((school.pk, normalise(full_name)), [])
    if not found:
        errors.add(number, columns.label["full_name"],
                   _("No teacher «%(name)s» in the school's staff registry.") % {"name": full_name})
        return None
    if len(found) > 1:
        errors.add(number, columns.label["full_name"],
                   _("Several teachers «%(name)s» work at the school: give the staff number.") % {"name": full_name})
        return None
    return found[0]


def deficits_import(*, actor: User, path: Path, progress: Progress | None = None,
                    sheet: str | None = None, layout: Layout | None = None) -> ImportOutcome:
    """Check the whole file, then create or update one result per teacher, year, diagnostic and area."""
    allowed = import_schools(actor).select_related("municipality")
    if not allowed.exists():
        raise AccessDenied
    schools = {s.code: s for s in allowed}
    registry = _Registry(schools)
    errors = ErrorList()
    try:
        with open_sheet(path, sheet, layout=layout, known=COLUMNS) as opened:
            columns = map_columns(opened, COLUMNS, layout)
            if not columns.has("staff_number") and not columns.has("full_name"):
                raise HeaderMismatch([RowError(opened.header_row, "",
                                               _("The file needs a column «табельный номер» or «ФИО»."))], opened)
            if not columns.has("date") and not columns.has("year"):
                raise HeaderMismatch([RowError(opened.header_row, "", _("The file needs a column «дата» or «год»."))],
                                     opened)
            rows = unique_rows(
                opened, lambda number, cells: _parse(number, cells, columns, schools, registry, errors),
                lambda r: (r.staff.pk, r.year, r.source.lower(), r.area.lower()), errors,
                column=columns.label["area"],
                repeated=_("The same teacher, diagnostic and area are already in row %(row)d."), progress=progress)
    except FileRejected as exc:
        return rejected(exc)  # a HeaderMismatch stays one: the file may then be mapped
    return apply_checked(rows, errors, columns, _apply)


@transaction.atomic
def _apply(rows: list[_Row]) -> ImportOutcome:
    stored = {
        (d.staff_id, d.year, d.source.lower(), d.area.lower()): d
        for d in DeficitDiagnostic.objects.filter(staff_id__in={r.staff.pk for r in rows},
                                                  year__in={r.year for r in rows})
    }
    created = updated = unchanged = 0
    new: list[DeficitDiagnostic] = []
    for r in rows:
        current = stored.get((r.staff.pk, r.year, r.source.lower(), r.area.lower()))
        if current is None:
            new.append(DeficitDiagnostic(staff=r.staff, year=r.year, source=r.source, area=r.area, **r.values))
            created += 1
            continue
        changed = [k for k, v in r.values.items() if getattr(current, k) != v]
        if not changed:
            unchanged += 1
            continue
        for k in changed:
            setattr(current, k, r.values[k])
        current.save(update_fields=changed)
        updated += 1
    DeficitDiagnostic.objects.bulk_create(new, batch_size=500)
    with_deficit = len({r.staff.pk for r in rows if r.values["has_deficit"]})
    teachers = len({r.staff.pk for r in rows})
    notes = [_("teachers: %(teachers)d, with deficits: %(deficits)d") % {"teachers": teachers,
                                                                         "deficits": with_deficit}]
    return ImportOutcome(rows=len(rows), created=created, updated=updated, unchanged=unchanged, notes=notes)


def column_help() -> list[ColumnHelp]:
    """The columns as shown on the import page and in the template's second sheet."""
    return [
        ColumnHelp("код школы", "school_code", True, _("school code"), "", "1001"),
        ColumnHelp("табельный номер", "staff_number", False,
                   _("the teacher's staff number in the school's staff registry (or give the full name)"), "", "T-017"),
        ColumnHelp("ФИО", "full_name", False, _("the teacher's full name as in the staff registry"), "",
                   "Иванова Анна Петровна"),
        ColumnHelp("область компетенций", "area", True, _("competence area of the diagnostic"), "",
                   "методические"),
        ColumnHelp("балл", "score", False, _("the teacher's score"), _("a number ≥ 0"), 14),
        ColumnHelp("максимальный балл", "max_score", False, _("the maximum score"), _("a number ≥ 0"), 30),
        ColumnHelp("дефицит", "deficit", False, _("whether a deficit was found (or give a threshold)"),
                   _("да / нет (also 1/0, true/false)"), "да"),
        ColumnHelp("порог", "threshold", False, _("a deficit is found when the score is below it"),
                   _("a number ≥ 0"), ""),
        ColumnHelp("дата", "date", False, _("date of the diagnostic (or give the year)"), _("DD.MM.YYYY"),
                   "15.03.2025"),
        ColumnHelp("год", "year", False, _("year of the diagnostic, if there is no date"), YEAR_RANGE, ""),
        ColumnHelp("диагностика", "diagnostic", False, _("name of the diagnostic"), "",
                   "Диагностика профессиональных дефицитов (ЦНППМ)"),
        ColumnHelp("комментарий", "comment", False, _("comment"), "", ""),
    ]


def template_workbook() -> bytes:
    return columns_workbook(column_help())
