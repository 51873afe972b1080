"""Import of social passports: one row per school and year (METHODS.md §1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.imports.cells import CellError, cell_bool, cell_count, cell_share_raw, cell_text
from opora.core.imports.outcome import ImportOutcome, ignored_note, rejected
from opora.core.imports.tabular import (
    Column,
    ColumnMap,
    ErrorList,
    FileRejected,
    Layout,
    Progress,
    RowError,
    map_columns,
    open_sheet,
)
from opora.core.imports.upsert import upsert
from opora.core.models import (
    PASSPORT_SHARE_FIELDS,
    PASSPORT_STAFF_FIELDS,
    School,
    SocialPassport,
    User,
)
from opora.core.years import is_valid_year, year_range_error

# Russian headers accepted for each indicator (the English key is always accepted too).
INDICATOR_ALIASES: dict[str, tuple[str, ...]] = {
    "parents_higher_education": (
        "оба родителя с высшим образованием",
        "родители с высшим образованием",
    ),
    "single_parent_families": ("неполные семьи",),
    "low_income_families": ("малоимущие семьи", "малообеспеченные семьи"),
    "large_families": ("многодетные семьи",),
    "unemployed_parents": ("безработные родители",),
    "non_russian_home_language": ("русский язык не родной", "русский не родной"),
    "special_needs": ("овз", "обучающиеся с овз"),
    "prevention_register": ("на профилактическом учете", "профилактический учет"),
    "teachers": ("учителя", "число учителей"),
    "vacancies": ("вакансии",),
    "teachers_aged_60_plus": ("учителя 60+", "учителя старше 60 лет"),
    "teachers_first_category": ("первая категория", "учителя с первой категорией"),
    "teachers_highest_category": ("высшая категория", "учителя с высшей категорией"),
    "has_psychologist": ("психолог", "есть психолог"),
}
INDICATOR_FIELDS: tuple[str, ...] = PASSPORT_SHARE_FIELDS + PASSPORT_STAFF_FIELDS
PASSPORT_COLUMNS: tuple[Column, ...] = (
    Column("school_code", ("код школы", "код"), required=True),
    Column("year", ("год",), required=True),
    *(Column(name, INDICATOR_ALIASES.get(name, ())) for name in INDICATOR_FIELDS),
)
# The largest Russian schools have a few hundred teachers; more is a typo, not a school.
STAFF_MAXIMUM: dict[str, int] = {
    "teachers": 2000,
    "vacancies": 500,
    "teachers_aged_60_plus": 2000,
    "teachers_first_category": 2000,
    "teachers_highest_category": 2000,
}
_SHARE_STEP = Decimal("0.0001")
_HUNDRED = Decimal(100)


@dataclass
class _Row:
    row: int
    code: str
    year: int
    shares: dict[str, tuple[Decimal, bool] | None] = field(default_factory=dict)
    staff: dict[str, int | bool | None] = field(default_factory=dict)
    school: School | None = None


def passports_import(
    *, actor: User, path: Path, progress: Progress | None = None, sheet: str | None = None,
    layout: Layout | None = None,
) -> ImportOutcome:
    """Validate the whole file, then create or update passports per (school, year) at once.

    Share columns hold either shares (0–1) or percentages, decided per column: a value above 1 or
    a trailing «%» anywhere in the column makes the whole column percentages.
    """
    if not access.has_perm_anywhere(actor, Perm.IMPORT_PASSPORTS):
        raise AccessDenied
    errors = ErrorList()
    rows: list[_Row] = []
    try:
        with open_sheet(path, sheet, layout=layout, known=PASSPORT_COLUMNS) as opened:
            columns = map_columns(opened, PASSPORT_COLUMNS, layout)
            if not any(columns.has(name) for name in INDICATOR_FIELDS):
                raise FileRejected(
                    [
                        RowError(
                            opened.header_row,
                            "",
                            _("No indicator columns found; accepted: %(names)s.")
                            % {"names": ", ".join(INDICATOR_FIELDS)},
                        )
                    ]
                )
            seen: dict[tuple[str, int], int] = {}
            for done, (number, cells) in enumerate(opened.rows, start=1):
                parsed = _parse(number, cells, columns, errors)
                if parsed is not None:
                    first = seen.setdefault((parsed.code, parsed.year), number)
                    if first != number:
                        errors.add(
                            number,
                            columns.label["school_code"],
                            _(
                                "The school %(code)s and year %(year)d are repeated: "
                                "already in row %(row)d."
                            )
                            % {"code": parsed.code, "year": parsed.year, "row": first},
                        )
                    else:
                        rows.append(parsed)
                if progress is not None and done % 200 == 0:
                    progress(done, opened.total_rows)
    except FileRejected as exc:
        return rejected(exc)
    if not rows and not errors:
        return rejected([RowError(None, "", _("The file has a header but no rows of data."))])
    percent = _percent_columns(rows, columns)
    _scale_shares(rows, percent, columns, errors)
    _attach_schools(actor, rows, columns, errors)
    if errors:
        return rejected(errors.final())
    outcome = _apply(actor, rows, columns)
    for name in PASSPORT_SHARE_FIELDS:
        if name in percent:
            outcome.notes.append(
                _("column «%(column)s» read as percentages") % {"column": columns.label[name]}
            )
    outcome.notes.extend(ignored_note(columns.ignored))
    return outcome


def _parse(number: int, cells: list[Any], columns: ColumnMap, errors: ErrorList) -> _Row | None:
    ok = True
    code = cell_text(columns.cell(cells, "school_code"))
    if not code:
        errors.add(number, columns.label["school_code"], _("The value is required."))
        ok = False
    year = 0
    raw_year = columns.cell(cells, "year")
    if not cell_text(raw_year):
        errors.add(number, columns.label["year"], _("The value is required."))
        ok = False
    else:
        try:
            year = cell_count(raw_year)
            if not is_valid_year(year):
                raise CellError(year_range_error())
        except CellError as exc:
            errors.add(number, columns.label["year"], str(exc))
            ok = False
    row = _Row(number, code, year)
    for name in INDICATOR_FIELDS:
        if not columns.has(name):
            continue
        raw = columns.cell(cells, name)
        try:
            if name in PASSPORT_SHARE_FIELDS:
                share = None if not cell_text(raw) else cell_share_raw(raw)
                if share is not None and share[0] < 0:
                    raise CellError(_("The value cannot be negative."))
                row.shares[name] = share
            elif name == "has_psychologist":
                row.staff[name] = None if not cell_text(raw) else cell_bool(raw)
            else:
                row.staff[name] = (
                    None if not cell_text(raw) else cell_count(raw, STAFF_MAXIMUM[name])
                )
        except CellError as exc:
            errors.add(number, columns.label[name], str(exc))
            ok = False
    return row if ok else None


def _percent_columns(rows: list[_Row], columns: ColumnMap) -> set[str]:
    percent: set[str] = set()
    for r in rows:
        for name, share in r.shares.items():
            if share is not None and (share[1] or share[0] > 1):
                percent.add(name)
    return percent


def _scale_shares(
    rows: list[_Row], percent: set[str], columns: ColumnMap, errors: ErrorList
) -> None:
    """Turn raw numbers into shares 0–1 with four decimals; a percentage above 100 is an error."""
    for r in rows:
        for name, share in r.shares.items():
            if share is None:
                continue
            value = share[0]
            if name in percent:
                if value > _HUNDRED:
                    errors.add(
                        r.row,
                        columns.label[name],
                        _("A percentage must be between 0 and 100, found %(value)s.")
                        % {"value": value},
                    )
                    continue
                value = value / _HUNDRED
            r.shares[name] = (value.quantize(_SHARE_STEP, rounding=ROUND_HALF_UP), False)


def _attach_schools(actor: User, rows: list[_Row], columns: ColumnMap, errors: ErrorList) -> None:
    codes = sorted({r.code for r in rows})
    schools: dict[str, School] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        for known in School.objects.filter(code__in=chunk).select_related("municipality"):
            schools[known.code] = known
    allowed: dict[int, bool] = {}
    for r in rows:
        school = schools.get(r.code)
        if school is None:
            errors.add(
                r.row,
                columns.label["school_code"],
                _("Unknown school code %(code)s.") % {"code": r.code},
            )
            continue
        if school.pk not in allowed:
            allowed[school.pk] = access.can_on_school(actor, Perm.IMPORT_PASSPORTS, school)
        if not allowed[school.pk]:
            errors.add(
                r.row,
                columns.label["school_code"],
                _("You may not import passports of the school %(code)s «%(name)s».")
                % {"code": r.code, "name": school.name},
            )
            continue
        r.school = school


def _values(r: _Row) -> dict[str, Any]:
    values: dict[str, Any] = {name: (s[0] if s else None) for name, s in r.shares.items()}
    values.update(r.staff)
    return values


@transaction.atomic
def _apply(actor: User, rows: list[_Row], columns: ColumnMap) -> ImportOutcome:
    outcome = ImportOutcome(rows=len(rows))
    existing: dict[tuple[int, int], SocialPassport] = {}
    school_ids = sorted({r.school.pk for r in rows if r.school is not None})
    years = sorted({r.year for r in rows})
    for start in range(0, len(school_ids), 500):
        chunk = school_ids[start : start + 500]
        for passport in SocialPassport.objects.filter(school_id__in=chunk, year__in=years):
            existing[(passport.school_id, passport.year)] = passport
    counts = upsert(
        model=SocialPassport,
        actor=actor,
        items=(
            (existing.get((r.school.pk, r.year)), {"school": r.school, "year": r.year}, _values(r))
            for r in rows
            if r.school is not None
        ),
    )
    outcome.created, outcome.updated = counts.created, counts.updated
    outcome.unchanged = counts.unchanged
    return outcome
