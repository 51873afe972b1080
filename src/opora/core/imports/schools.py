"""Import of the school register: one row per school, matched by its code."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.imports.cells import CellError, cell_count, cell_decimal, cell_text
from opora.core.imports.names import SETTLEMENT_NAMES, SETTLEMENTS, TYPE_NAMES, TYPES, primary
from opora.core.imports.outcome import ImportOutcome, ignored_note, rejected
from opora.core.imports.tabular import (
    Column,
    ColumnMap,
    ErrorList,
    FileRejected,
    Layout,
    Progress,
    RowError,
    Sheet,
    map_columns,
    normalise,
    open_sheet,
)
from opora.core.imports.upsert import upsert
from opora.core.models import Municipality, Region, School, Settlement, User

SCHOOL_COLUMNS: tuple[Column, ...] = (
    Column("code", ("код", "код школы"), required=True),
    Column("name", ("наименование", "название"), required=True),
    Column("municipality", ("муниципалитет", "муниципальное образование"), required=True),
    Column("municipality_code", ("код муниципалитета",)),
    Column("type", ("тип", "тип школы"), required=True),
    Column("settlement", ("тип поселения", "поселение", "местность", "тип населенного пункта")),
    Column("distance_km", ("расстояние_км", "расстояние до центра, км", "расстояние")),
    Column("enrolment", ("численность", "численность обучающихся")),
    Column("region", ("регион", "код региона")),
)

_UNSET: Any = object()  # the column is absent: keep the stored value
_TENTH = Decimal("0.1")
_MAX_DISTANCE = Decimal("999999.9")
MAX_ENROLMENT = 50_000  # the largest school complexes have about 15,000 pupils


@dataclass
class _NewMunicipality:
    region: Region
    name: str
    code: str
    row: int
    instance: Municipality | None = None


@dataclass
class _Row:
    row: int
    code: str
    name: str
    municipality: Municipality | _NewMunicipality
    type: str
    settlement: str
    distance_km: Decimal | None = _UNSET
    enrolment: int | None = _UNSET


@dataclass
class _Scope:
    """Where the actor may import: candidate regions, their municipalities, creation rights."""

    actor: User
    regions: dict[str, Region]  # by lower-case code
    allowed: set[int]  # municipalities the actor may import into
    by_code: dict[tuple[int, str], Municipality] = field(default_factory=dict)
    by_name: dict[tuple[int, str], Municipality] = field(default_factory=dict)
    planned: dict[tuple[int, str], _NewMunicipality] = field(default_factory=dict)

    @classmethod
    def of(cls, actor: User, sheet: Sheet, columns: ColumnMap) -> _Scope:
        allowed_qs = access.municipalities_for(actor, Perm.IMPORT_SCHOOLS)
        if access.is_superuser(actor):
            regions = list(Region.objects.all())
        else:
            # A whole region counts even before it has a municipality (its first import creates them).
            whole = access.regions_for(actor, Perm.IMPORT_SCHOOLS).values("pk")
            regions = list(
                Region.objects.filter(Q(pk__in=allowed_qs.values("region_id")) | Q(pk__in=whole)).distinct()
            )
        if not regions:
            raise FileRejected(
                [RowError(None, "", _("There is no region to import schools into."))]
            )
        if len(regions) > 1 and not columns.has("region"):
            raise FileRejected(
                [
                    RowError(
                        sheet.header_row,
                        "region",
                        _(
                            "You may import into several regions, so the column «region» "
                            "(the region code) is required."
                        ),
                    )
                ]
            )
        scope = cls(
            actor,
            {r.code.lower(): r for r in regions},
            set(allowed_qs.values_list("pk", flat=True)),
        )
        for m in Municipality.objects.filter(region__in=regions):
            scope.by_code[(m.region_id, m.code.lower())] = m
            scope.by_name[(m.region_id, normalise(m.name))] = m
        return scope

    def can_create_in(self, region: Region) -> bool:
        return access.can_on_region(self.actor, Perm.IMPORT_SCHOOLS, region)


def schools_import(
    *, actor: User, path: Path, progress: Progress | None = None, sheet: str | None = None,
    layout: Layout | None = None,
) -> ImportOutcome:
    """Validate the whole file, then create or update schools in one transaction.

    Rows equal to what is stored are skipped, so applying the same file twice changes nothing.
    """
    if not access.has_perm_anywhere(actor, Perm.IMPORT_SCHOOLS):
        raise AccessDenied
    errors = ErrorList()
    try:
        with open_sheet(path, sheet, layout=layout, known=SCHOOL_COLUMNS) as opened:
            columns = map_columns(opened, SCHOOL_COLUMNS, layout)
            scope = _Scope.of(actor, opened, columns)
            rows: list[_Row] = []
            seen: dict[str, int] = {}
            for done, (number, cells) in enumerate(opened.rows, start=1):
                parsed = _parse(number, cells, columns, scope, errors)
                if parsed is not None:
                    first = seen.setdefault(parsed.code.lower(), number)
                    if first != number:
                        errors.add(
                            number,
                            columns.label["code"],
                            _("The code %(code)s is repeated: it is already in row %(row)d.")
                            % {"code": parsed.code, "row": first},
                        )
                    else:
                        rows.append(parsed)
                if progress is not None and done % 200 == 0:
                    progress(done, opened.total_rows)
    except FileRejected as exc:
        return rejected(exc)
    if not rows and not errors:
        return rejected([RowError(None, "", _("The file has a header but no rows of data."))])
    existing = _existing(rows, columns, scope, errors)
    if errors:
        return rejected(errors.final())
    outcome = _apply(actor, rows, existing, scope)
    outcome.notes.extend(ignored_note(columns.ignored))
    return outcome


def _parse(
    number: int, cells: list[Any], columns: ColumnMap, scope: _Scope, errors: ErrorList
) -> _Row | None:
    ok = True

    def required(key: str, max_length: int) -> str:
        nonlocal ok
        text = cell_text(columns.cell(cells, key))
        if not text:
            errors.add(number, columns.label[key], _("The value is required."))
            ok = False
        elif len(text) > max_length:
            errors.add(
                number,
                columns.label[key],
                _("The value is too long (at most %(max)d characters).") % {"max": max_length},
            )
            ok = False
        return text

    def choice(key: str, lookup: dict[str, str], names: dict[str, tuple[str, ...]]) -> str:
        nonlocal ok
        text = required(key, 200)
        value = lookup.get(normalise(text).rstrip("."))
        if text and value is None:
            errors.add(
                number,
                columns.label[key],
                _("Unknown value «%(value)s»; accepted: %(accepted)s.")
                % {"value": text, "accepted": ", ".join(primary(names))},
            )
            ok = False
        return value or ""

    code = required("code", 32)
    name = required("name", 500)
    school_type = choice("type", TYPES, TYPE_NAMES)
    settlement: str = _UNSET
    if columns.has("settlement"):
        written = cell_text(columns.cell(cells, "settlement"))
        settlement = choice("settlement", SETTLEMENTS, SETTLEMENT_NAMES) if written else Settlement.UNKNOWN
    distance_km: Decimal | None = _UNSET
    enrolment: int | None = _UNSET
    if columns.has("distance_km"):
        try:
            distance_km = _distance(columns.cell(cells, "distance_km"))
        except CellError as exc:
            errors.add(number, columns.label["distance_km"], str(exc))
            ok = False
    if columns.has("enrolment"):
        raw = columns.cell(cells, "enrolment")
        try:
            enrolment = None if not cell_text(raw) else cell_count(raw, MAX_ENROLMENT)
        except CellError as exc:
            errors.add(number, columns.label["enrolment"], str(exc))
            ok = False
    municipality = _municipality(number, cells, columns, scope, errors)
    if municipality is None or not ok:
        return None
    return _Row(number, code, name, municipality, school_type, settlement, distance_km, enrolment)


def _distance(raw: Any) -> Decimal | None:
    if not cell_text(raw):
        return None
    value = cell_decimal(raw)
    if value < 0:
        raise CellError(_("The value cannot be negative."))
    if value > _MAX_DISTANCE:
        raise CellError(_("The value is too large."))
    return value.quantize(_TENTH, rounding=ROUND_HALF_UP)


def _region(
    number: int, cells: list[Any], columns: ColumnMap, scope: _Scope, errors: ErrorList
) -> Region | None:
    text = cell_text(columns.cell(cells, "region")) if columns.has("region") else ""
    if not text:
        if len(scope.regions) == 1:
            return next(iter(scope.regions.values()))
        errors.add(number, columns.label.get("region", "region"), _("The value is required."))
        return None
    region = scope.regions.get(text.lower())
    if region is None:
        errors.add(
            number,
            columns.label["region"],
            _("Unknown region code «%(code)s», or you may not import schools there.")
            % {"code": text},
        )
    return region


def _municipality(
    number: int, cells: list[Any], columns: ColumnMap, scope: _Scope, errors: ErrorList
) -> Municipality | _NewMunicipality | None:
    label = columns.label["municipality"]
    text = cell_text(columns.cell(cells, "municipality"))
    code = (
        cell_text(columns.cell(cells, "municipality_code"))
        if columns.has("municipality_code")
        else ""
    )
    if not text:
        errors.add(number, label, _("The value is required."))
        return None
    region = _region(number, cells, columns, scope, errors)
    if region is None:
        return None
    found = (
        (code and scope.by_code.get((region.pk, code.lower())))
        or scope.by_code.get((region.pk, text.lower()))
        or scope.by_name.get((region.pk, normalise(text)))
    )
    if found:
        if found.pk not in scope.allowed:
            errors.add(
                number,
                label,
                _("You may not import schools of the municipality «%(name)s».")
                % {"name": found.name},
            )
            return None
        return found
    if not scope.can_create_in(region):
        errors.add(
            number,
            label,
            _("Unknown municipality «%(name)s»; only a regional administrator may add one.")
            % {"name": text},
        )
        return None
    if not any(c.isalpha() for c in text):
        # «99001» is an unknown code, not the name of a new municipality.
        errors.add(
            number,
            label,
            _(
                "Unknown municipality code «%(name)s»; to add a municipality write its name "
                "here and its code in the column «municipality_code»."
            )
            % {"name": text},
        )
        return None
    if len(text) > 255 or len(code) > 20:
        errors.add(number, label, _("The municipality name or code is too long."))
        return None
    key = (region.pk, normalise(text))
    planned = scope.planned.setdefault(key, _NewMunicipality(region, text, code, number))
    if code and planned.code and planned.code != code:
        errors.add(
            number,
            columns.label["municipality_code"],
            _("The new municipality «%(name)s» has another code in row %(row)d.")
            % {"name": text, "row": planned.row},
        )
        return None
    return planned


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing(
    rows: list[_Row], columns: ColumnMap, scope: _Scope, errors: ErrorList
) -> dict[str, School]:
    """Stored schools with the file's codes; a code the actor may not change is an error."""
    found: dict[str, School] = {}
    codes = [r.code for r in rows]
    for chunk in _chunks(codes):
        for known in School.objects.filter(code__in=chunk).select_related("municipality"):
            found[known.code.lower()] = known
    for r in rows:
        school = found.get(r.code.lower())
        if school is not None and school.municipality_id not in scope.allowed:
            errors.add(
                r.row,
                columns.label["code"],
                _(
                    "A school with the code %(code)s already exists in the municipality "
                    "«%(name)s», which you may not change."
                )
                % {"code": r.code, "name": school.municipality.name},
            )
    for planned in scope.planned.values():
        if planned.code and Municipality.objects.filter(code=planned.code).exists():
            errors.add(
                planned.row,
                columns.label.get("municipality_code", ""),
                _("The municipality code %(code)s is taken in another region.")
                % {"code": planned.code},
            )
    return found


def _free_code(region: Region, taken: set[str]) -> str:
    number = 1
    while f"{region.code}-{number:02d}" in taken:
        number += 1
    code = f"{region.code}-{number:02d}"
    taken.add(code)
    return code




@transaction.atomic
def _apply(
    actor: User, rows: list[_Row], existing: dict[str, School], scope: _Scope
) -> ImportOutcome:
    outcome = ImportOutcome(rows=len(rows))
    taken = set(Municipality.objects.values_list("code", flat=True))
    for planned in scope.planned.values():
        municipality = Municipality(
            region=planned.region,
            name=planned.name,
            code=planned.code or _free_code(planned.region, taken),
        )
        municipality._history_user = actor  # type: ignore[attr-defined]
        municipality.save()
        planned.instance = municipality
        outcome.notes.append(
            _("new municipality: %(name)s (code %(code)s)")
            % {"name": municipality.name, "code": municipality.code}
        )

    def items() -> Iterator[tuple[School | None, dict[str, Any], dict[str, Any]]]:
        for r in rows:
            target = (
                r.municipality.instance
                if isinstance(r.municipality, _NewMunicipality)
                else r.municipality
            )
            assert target is not None
            values: dict[str, Any] = {
                "name": r.name,
                "municipality_id": target.pk,
                "type": r.type,
            }
            if r.settlement is not _UNSET:
                values["settlement"] = r.settlement
            if r.distance_km is not _UNSET:
                values["distance_km"] = r.distance_km
            if r.enrolment is not _UNSET:
                values["enrolment"] = r.enrolment
            yield existing.get(r.code.lower()), {"code": r.code}, values

    counts = upsert(model=School, actor=actor, items=items())
    outcome.created, outcome.updated = counts.created, counts.updated
    outcome.unchanged = counts.unchanged
    return outcome
