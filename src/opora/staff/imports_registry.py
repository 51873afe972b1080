"""Import of the staff registry from an .xlsx (or .csv) file: one row per person.

People are matched by the staff number within their school (a person entered by hand without a
number, by the full name): a known one is updated (and brought back if marked as gone), a new one is
added; people absent from the file are
left as they are (leaving is recorded by hand). The file is for one school (chosen on the page) or
for several with a «Код школы» column. The whole file is checked first; one error and nothing
changes (row, column and reason in Russian).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.imports.cells import CellError, cell_count, cell_text
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
from opora.core.models import School, User
from opora.results.reference import SubjectIndex
from opora.staff.imports_steps import apply_checked, unique_rows
from opora.staff.models import AgeGroup, PositionKind, QualificationCategory, StaffMember
from opora.staff.services.registry import MAX_EXPERIENCE

JOB_KIND = "import_staff_registry"

COLUMNS: tuple[Column, ...] = (
    Column("school", ("код школы", "код оо", "school code")),
    Column("staff_number", ("табельный номер", "таб. номер", "табельный №", "staff number"), required=True),
    Column("full_name", ("фио", "фамилия имя отчество", "full name"), required=True),
    Column("position", ("должность",), required=True),
    Column("subjects", ("предметы", "предмет")),
    Column("category", ("квалификационная категория", "категория")),
    Column("experience", ("педагогический стаж", "стаж", "стаж, лет", "педагогический стаж, лет")),
    Column("age", ("возрастная группа", "возраст")),
)

CATEGORY_NAMES: dict[str, str] = {
    "высшая": QualificationCategory.HIGHEST, "высшая категория": QualificationCategory.HIGHEST,
    "первая": QualificationCategory.FIRST, "первая категория": QualificationCategory.FIRST,
    "1": QualificationCategory.FIRST,
    "соответствие": QualificationCategory.POSITION_MATCH, "сзд": QualificationCategory.POSITION_MATCH,
    "соответствие занимаемой должности": QualificationCategory.POSITION_MATCH,
    "нет": QualificationCategory.NONE, "без категории": QualificationCategory.NONE,
    "не имеет": QualificationCategory.NONE, "-": QualificationCategory.NONE, "—": QualificationCategory.NONE,
    **{v: v for v in QualificationCategory.values},
}
AGE_NAMES: dict[str, str] = {
    "до 30": AgeGroup.UNDER_30, "моложе 30": AgeGroup.UNDER_30,
    "30-39": AgeGroup.FROM_30, "40-49": AgeGroup.FROM_40, "50-59": AgeGroup.FROM_50,
    "60 и старше": AgeGroup.FROM_60, "60+": AgeGroup.FROM_60, "старше 60": AgeGroup.FROM_60,
    **{v: v for v in AgeGroup.values},
}


def position_kind(text: str) -> str:
    """The kind of position read from the staff list's wording («учитель математики» → teacher)."""
    t = normalise(text)
    if t in PositionKind.values:
        return t
    if "психолог" in t:
        return PositionKind.PSYCHOLOGIST
    if "социальн" in t and "педагог" in t:
        return PositionKind.SOCIAL_PEDAGOGUE
    if "логопед" in t or "дефектолог" in t:
        return PositionKind.SPEECH_THERAPIST
    if "заместител" in t:
        return PositionKind.DEPUTY
    if "директор" in t or "заведующ" in t:
        return PositionKind.HEAD
    if "учител" in t or "преподавател" in t:
        return PositionKind.TEACHER
    return PositionKind.OTHER


def age_group(value: CellValue) -> str:
    """An age group from its name («60 и старше», «30–39») or from an age in years."""
    text = normalise(cell_text(value)).replace("–", "-").replace("—", "-").replace(" - ", "-")
    if not text:
        return ""
    if text in AGE_NAMES:
        return AGE_NAMES[text]
    if text.isdigit():
        years = int(text)
        if not 16 <= years <= 100:
            raise CellError(_("An age from 16 to 100 is expected."))
        if years < 30:
            return AgeGroup.UNDER_30
        return {3: AgeGroup.FROM_30, 4: AgeGroup.FROM_40, 5: AgeGroup.FROM_50}.get(years // 10, AgeGroup.FROM_60)
    raise CellError(_("Unknown age group «%(value)s»: write the age in years or до 30, 30–39, 40–49, 50–59, "
                      "60 и старше.") % {"value": cell_text(value)})


def category(value: CellValue) -> str:
    text = normalise(cell_text(value))
    if not text:
        return QualificationCategory.NONE
    found = CATEGORY_NAMES.get(text)
    if found is None:
        raise CellError(_("Unknown category «%(value)s»: высшая, первая, соответствие, без категории.")
                        % {"value": cell_text(value)})
    return found


def subjects(value: CellValue, index: SubjectIndex) -> list[str]:
    """Subject codes for the known subjects, the words as written for the others («начальные классы»)."""
    out: list[str] = []
    for part in cell_text(value).replace(";", ",").split(","):
        part = " ".join(part.split())
        if not part:
            continue
        subject = index.find(part)
        code = subject.code if subject is not None else part[:100]
        if code not in out:
            out.append(code)
    return out


@dataclass
class _Row:
    row: int
    school_id: int
    values: dict[str, object]


def _scope(actor: User, school: School | None) -> dict[str, School]:
    allowed = access.staff_schools_for(actor, Perm.MANAGE_STAFF)
    if school is not None:
        if not allowed.filter(pk=school.pk).exists():
            raise AccessDenied
        return {school.code.lower(): school}
    if not allowed.exists():
        raise AccessDenied
    return {}


def registry_import(*, actor: User, path: Path, school: School | None = None,
                    progress: Progress | None = None, layout: Layout | None = None) -> ImportOutcome:
    """Check the whole file, then create or update the people in one transaction (all or nothing)."""
    known = _scope(actor, school)
    allowed = access.staff_schools_for(actor, Perm.MANAGE_STAFF)
    index = SubjectIndex.load()
    errors = ErrorList()
    try:
        with open_sheet(path, layout=layout, known=COLUMNS) as sheet:
            columns = map_columns(sheet, COLUMNS, layout)
            if school is None and not columns.has("school"):
                raise HeaderMismatch([RowError(sheet.header_row, "Код школы", _(
                    "The file is for several schools, so the column «Код школы» is required "
                    "(or import from a school's page)."))], sheet)
            codes: dict[str, School | None] = dict(known)
            rows = unique_rows(
                sheet, lambda number, cells: _parse(number, cells, columns, school, codes, allowed, index, errors),
                lambda r: (r.school_id, str(r.values["external_id"]).lower()), errors,
                column=columns.label["staff_number"],
                repeated=_("The staff number is repeated: it is already in row %(row)d."), progress=progress)
    except FileRejected as exc:
        return rejected(exc)  # a HeaderMismatch stays one: the file may then be mapped
    return apply_checked(rows, errors, columns, _apply)


def _parse(number: int, cells: list[CellValue], columns: ColumnMap, school: School | None,
           codes: dict[str, School | None], allowed: object, index: SubjectIndex, errors: ErrorList) -> _Row | None:
    ok = True

    def text(key: str, limit: int, required: bool) -> str:
        nonlocal ok
        value = " ".join(cell_text(columns.cell(cells, key)).split())
        if required and not value:
            errors.add(number, columns.label[key], _("The value is required."))
            ok = False
        elif len(value) > limit:
            errors.add(number, columns.label[key],
                       _("The value is too long (at most %(max)d characters).") % {"max": limit})
            ok = False
        return value

    target = school
    if columns.has("school"):
        code = cell_text(columns.cell(cells, "school"))
        if not code and school is None:
            errors.add(number, columns.label["school"], _("The value is required."))
            ok = False
        elif code:
            if code.lower() not in codes:
                codes[code.lower()] = allowed.filter(code__iexact=code).first()  # type: ignore[attr-defined]
            found = codes[code.lower()]
            if found is None:
                errors.add(number, columns.label["school"], _(
                    "Unknown school «%(code)s», or you may not change its staff registry.") % {"code": code})
                ok = False
            elif school is not None and found.pk != school.pk:
                errors.add(number, columns.label["school"], _(
                    "The row is for another school (%(code)s): this file is imported into «%(name)s».")
                    % {"code": code, "name": school.name})
                ok = False
            else:
                target = found
    external_id = text("staff_number", 64, True)
    full_name = text("full_name", 255, True)
    position = text("position", 255, True)
    values: dict[str, object] = {"external_id": external_id, "full_name": full_name, "position": position,
                                 "position_kind": position_kind(position)}
    readers = {"category": ("qualification_category", category),
               "age": ("age_group", age_group)}
    for key, (name, reader) in readers.items():
        if columns.has(key):
            try:
                values[name] = reader(columns.cell(cells, key))
            except CellError as exc:
                errors.add(number, columns.label[key], str(exc))
                ok = False
    if columns.has("experience"):
        raw = columns.cell(cells, "experience")
        try:
            years = None if not cell_text(raw) else cell_count(raw)
            if years is not None and years > MAX_EXPERIENCE:
                raise CellError(_("Teaching experience is from 0 to %(max)d years.") % {"max": MAX_EXPERIENCE})
            values["experience_years"] = years
        except CellError as exc:
            errors.add(number, columns.label["experience"], str(exc))
            ok = False
    if columns.has("subjects"):
        values["subjects"] = subjects(columns.cell(cells, "subjects"), index)
    if not ok or target is None:
        return None
    return _Row(number, target.pk, values)


@transaction.atomic
def _apply(rows: list[_Row]) -> ImportOutcome:
    outcome = ImportOutcome(rows=len(rows))
    school_ids = {r.school_id for r in rows}
    existing: dict[tuple[int, str], StaffMember] = {}
    unnumbered: dict[tuple[int, str], list[StaffMember]] = {}
    for m in StaffMember.objects.select_for_update().filter(school_id__in=school_ids):
        if m.external_id:
            existing[(m.school_id, m.external_id.lower())] = m
        else:
            unnumbered.setdefault((m.school_id, normalise(m.full_name)), []).append(m)
    returned = 0
    for r in rows:
        member = existing.get((r.school_id, str(r.values["external_id"]).lower()))
        if member is None:
            # A person entered by hand without a number: the same name, and only one such person.
            same = unnumbered.get((r.school_id, normalise(str(r.values["full_name"]))), [])
            member = same[0] if len(same) == 1 else None
        if member is None:
            StaffMember.objects.create(school_id=r.school_id, **r.values)
            outcome.created += 1
            continue
        changed = [name for name, value in r.values.items() if getattr(member, name) != value]
        if not member.is_active:
            member.is_active, member.left_on = True, None
            changed += ["is_active", "left_on"]
            returned += 1
        if not changed:
            outcome.unchanged += 1
            continue
        for name, value in r.values.items():
            setattr(member, name, value)
        member.save()
        outcome.updated += 1
    if returned:
        outcome.notes.append(_("back at work: %(count)d") % {"count": returned})
    return outcome


def column_help() -> list[ColumnHelp]:
    return [
        ColumnHelp("Код школы", "school", False, _("school code; required when the file is for several schools"),
                   "", "1001"),
        ColumnHelp("Табельный номер", "staff_number", True,
                   _("the school's number of the person: the file's rows are matched by it"), "", "0042"),
        ColumnHelp("ФИО", "full_name", True, _("full name"), "", "Иванова Мария Петровна"),
        ColumnHelp("Должность", "position", True, _("position as in the staff list"),
                   _("the kind is recognised by the words: учитель, директор, заместитель, педагог-психолог, "
                     "социальный педагог, логопед"), "учитель математики"),
        ColumnHelp("Предметы", "subjects", False, _("subjects taught, separated by commas"),
                   _("names or codes of subjects; other words are kept as written"), "Математика, Информатика"),
        ColumnHelp("Квалификационная категория", "category", False, _("qualification category"),
                   "высшая, первая, соответствие, без категории", "первая"),
        ColumnHelp("Педагогический стаж", "experience", False, _("teaching experience, full years"),
                   _("a whole number from 0 to 70"), 12),
        ColumnHelp("Возрастная группа", "age", False, _("age group (or the age in years)"),
                   "до 30, 30–39, 40–49, 50–59, 60 и старше", "40–49"),
    ]


def template_workbook() -> bytes:
    return columns_workbook(column_help())
