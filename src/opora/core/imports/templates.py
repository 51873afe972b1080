"""Downloadable XLSX templates and the column reference shown on the imports page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

from opora.core.imports.names import SETTLEMENT_NAMES, TYPE_NAMES, accepted
from opora.core.imports.passports import INDICATOR_ALIASES, INDICATOR_FIELDS
from opora.core.models import PASSPORT_SHARE_FIELDS, SocialPassport
from opora.core.xlsx import workbook_bytes
from opora.core.years import YEAR_RANGE

KINDS: tuple[str, ...] = ("schools", "passports")


@dataclass(frozen=True)
class ColumnHelp:
    header: str  # the Russian header used in the template
    key: str  # the English header, always accepted
    required: bool
    description: str
    values: str
    example: Any


def _schools() -> list[ColumnHelp]:
    return [
        ColumnHelp("код", "code", True, _("school code, unique in the installation"), "", "1001"),
        ColumnHelp(
            "наименование",
            "name",
            True,
            _("full name of the school"),
            "",
            "МБОУ СОШ № 1 г. Озёрска",
        ),
        ColumnHelp(
            "муниципалитет",
            "municipality",
            True,
            _("municipality name or code; a regional administrator may add a new one"),
            "",
            "Озёрский округ",
        ),
        ColumnHelp("тип", "type", True, _("school type"), ", ".join(accepted(TYPE_NAMES)), "СОШ"),
        ColumnHelp(
            "тип поселения",
            "settlement",
            False,
            _("settlement type; empty or «не указано» when unknown; without the column the stored one is kept"),
            ", ".join(accepted(SETTLEMENT_NAMES)),
            "город",
        ),
        ColumnHelp(
            "расстояние_км",
            "distance_km",
            False,
            _("distance to the municipal centre, km"),
            _("a number ≥ 0"),
            0,
        ),
        ColumnHelp(
            "численность", "enrolment", False, _("number of pupils"), _("a whole number ≥ 0"), 640
        ),
        ColumnHelp(
            "код муниципалитета",
            "municipality_code",
            False,
            _("municipality code, to match it or to give a new one its code"),
            "",
            "",
        ),
        ColumnHelp(
            "регион",
            "region",
            False,
            _("region code; required only for those who may import into several regions"),
            "",
            "",
        ),
    ]


_PASSPORT_EXAMPLE: dict[str, Any] = {
    "parents_higher_education": 0.35,
    "single_parent_families": 0.18,
    "low_income_families": 0.12,
    "large_families": 0.15,
    "unemployed_parents": 0.04,
    "non_russian_home_language": 0.02,
    "special_needs": 0.05,
    "prevention_register": 0.01,
    "teachers": 48,
    "vacancies": 2,
    "teachers_aged_60_plus": 9,
    "teachers_first_category": 14,
    "teachers_highest_category": 20,
    "has_psychologist": "да",
}


def _passports() -> list[ColumnHelp]:
    columns = [
        ColumnHelp("код школы", "school_code", True, _("school code"), "", "1001"),
        ColumnHelp("год", "year", True, _("year of the passport"), YEAR_RANGE, 2025),
    ]
    for name in INDICATOR_FIELDS:
        if name in PASSPORT_SHARE_FIELDS:
            values = _("a share 0–1 or a percentage 0–100 (decided per column)")
        elif name == "has_psychologist":
            values = _("да / нет (also 1/0, true/false)")
        else:
            values = _("a whole number ≥ 0")
        field = SocialPassport._meta.get_field(name)
        label = str(getattr(field, "verbose_name", name))  # a concrete field: always has one
        columns.append(
            ColumnHelp(
                INDICATOR_ALIASES[name][0], name, False, label, values, _PASSPORT_EXAMPLE[name]
            )
        )
    return columns


def column_help(kind: str) -> list[ColumnHelp]:
    return _schools() if kind == "schools" else _passports()


def template_workbook(kind: str) -> bytes:
    return columns_workbook(column_help(kind))


def columns_workbook(columns: list[ColumnHelp]) -> bytes:
    """An .xlsx with the header row and one example row, and a sheet describing each column."""
    workbook = Workbook()
    data = workbook.active
    assert data is not None
    data.title = _("Data")
    data.append([c.header for c in columns])
    data.append([c.example for c in columns])
    for cell in data[1]:
        cell.font = Font(bold=True)
    for letter_cells in data.iter_cols(min_row=1, max_row=1):
        cell = letter_cells[0]
        assert isinstance(cell, Cell)  # the header row of a new sheet has no merged cells
        data.column_dimensions[cell.column_letter].width = max(14, len(str(cell.value)) + 2)
    reference = workbook.create_sheet(_("Columns"))
    reference.append(
        [_("Header"), _("Also accepted"), _("Required"), _("Meaning"), _("Accepted values")]
    )
    for cell in reference[1]:
        cell.font = Font(bold=True)
    for c in columns:
        reference.append(
            [c.header, c.key, _("yes") if c.required else _("no"), c.description, c.values]
        )
    for letter, width in zip("ABCDE", (26, 26, 12, 60, 60), strict=True):
        reference.column_dimensions[letter].width = width
    return workbook_bytes(workbook)
