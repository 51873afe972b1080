"""Presentation of social passports: the indicators as rows, years as columns."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db import models

from opora.core.models import PASSPORT_SHARE_FIELDS, PASSPORT_STAFF_FIELDS, SocialPassport


@dataclass(frozen=True)
class PassportRow:
    label: str
    field: str
    is_share: bool
    values: list[Any]


def passport_rows(passports: list[SocialPassport]) -> dict[str, Any]:
    """Indicators × years (newest first), shares as percentages for reading."""
    years = [p.year for p in passports]
    rows = []
    for name in PASSPORT_SHARE_FIELDS + PASSPORT_STAFF_FIELDS:
        field = cast(models.Field, SocialPassport._meta.get_field(name))  # the listed names are model fields
        values: list[Any] = []
        for p in passports:
            value = getattr(p, name)
            if name in PASSPORT_SHARE_FIELDS and value is not None:
                value = (Decimal(value) * 100).quantize(Decimal("0.1"))
            values.append(value)
        rows.append(
            PassportRow(
                label=str(field.verbose_name),
                field=name,
                is_share=name in PASSPORT_SHARE_FIELDS,
                values=values,
            )
        )
    return {"years": years, "rows": rows, "ids": [p.pk for p in passports]}


@dataclass(frozen=True)
class StaffSummary:
    year: int
    teachers: int | None
    vacancies: int | None
    aged_60_plus_pct: Decimal | None
    categorised_pct: Decimal | None
    has_psychologist: bool | None


def _pct(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def staff_summary(passport: SocialPassport) -> StaffSummary:
    """The staff figures of the latest passport, with the shares a head of department asks for."""
    categorised = None
    if passport.teachers_first_category is not None or passport.teachers_highest_category is not None:
        categorised = (passport.teachers_first_category or 0) + (passport.teachers_highest_category or 0)
    return StaffSummary(
        year=passport.year,
        teachers=passport.teachers,
        vacancies=passport.vacancies,
        aged_60_plus_pct=_pct(passport.teachers_aged_60_plus, passport.teachers),
        categorised_pct=_pct(categorised, passport.teachers),
        has_psychologist=passport.has_psychologist,
    )
