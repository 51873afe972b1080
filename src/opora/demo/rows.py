"""Plain rows of a synthetic territory: what the generator returns and the loader writes.

No Django here: the values mirror `core.models` (a test checks they stay in step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

SCHOOL_TYPES: tuple[str, ...] = (
    "primary",
    "basic",
    "secondary",
    "lyceum",
    "gymnasium",
    "in_depth",
    "correctional",
    "evening",
)
SETTLEMENTS: tuple[str, ...] = ("city", "town", "village")
SHARE_FIELDS: tuple[str, ...] = (
    "parents_higher_education",
    "single_parent_families",
    "low_income_families",
    "large_families",
    "unemployed_parents",
    "non_russian_home_language",
    "special_needs",
    "prevention_register",
)
STAFF_FIELDS: tuple[str, ...] = (
    "teachers",
    "vacancies",
    "teachers_aged_60_plus",
    "teachers_first_category",
    "teachers_highest_category",
    "has_psychologist",
)
# Fixed rather than "the last three years before today", so a seed always means the same data.
PASSPORT_YEARS: tuple[int, ...] = (2023, 2024, 2025)


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str


@dataclass(frozen=True)
class MunicipalityRow:
    code: str
    region_code: str
    name: str


@dataclass(frozen=True)
class SchoolRow:
    code: str
    municipality_code: str
    name: str
    type: str
    settlement: str
    distance_km: Decimal
    enrolment: int


@dataclass(frozen=True)
class PassportRow:
    school_code: str
    year: int
    parents_higher_education: Decimal
    single_parent_families: Decimal
    low_income_families: Decimal
    large_families: Decimal
    unemployed_parents: Decimal
    non_russian_home_language: Decimal
    special_needs: Decimal
    prevention_register: Decimal
    teachers: int
    vacancies: int
    teachers_aged_60_plus: int
    teachers_first_category: int
    teachers_highest_category: int
    has_psychologist: bool


@dataclass
class Territory:
    size: str
    seed: int
    regions: list[RegionRow] = field(default_factory=list)
    municipalities: list[MunicipalityRow] = field(default_factory=list)
    schools: list[SchoolRow] = field(default_factory=list)
    passports: list[PassportRow] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return (
            len(self.regions) + len(self.municipalities) + len(self.schools) + len(self.passports)
        )
