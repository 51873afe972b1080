"""Social passports of a synthetic school for each demo year.

Every school gets a latent `disadvantage` in [0, 1] (remote villages high, city lyceums low);
the shares and the staff summary follow it with noise, and drift a little from year to year.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from opora.demo.rows import PASSPORT_YEARS, PassportRow

# Pupils per teacher, by settlement, and the smallest staff a school of each type keeps.
_PUPILS_PER_TEACHER = {"city": (14.0, 18.0), "town": (10.0, 14.0), "village": (6.0, 10.0)}
_MIN_TEACHERS = {
    "primary": 2,
    "basic": 7,
    "secondary": 10,
    "lyceum": 25,
    "gymnasium": 25,
    "in_depth": 25,
    "correctional": 10,
    "evening": 4,
}
_SELECTIVE = {"lyceum", "gymnasium", "in_depth"}


@dataclass(frozen=True)
class SchoolProfile:
    """What the passport depends on; drawn by the generator together with the school."""

    code: str
    type: str
    settlement: str
    enrolment: int
    disadvantage: float
    minority: bool  # many pupils speak another language at home


def _clamp(x: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(high, max(low, x))


def _share(x: float) -> Decimal:
    return Decimal(f"{_clamp(x):.4f}")


def _base_shares(rng: random.Random, p: SchoolProfile) -> dict[str, float]:
    d = p.disadvantage
    g = rng.gauss
    selective = p.type in _SELECTIVE
    if p.minority:
        low, high = {"city": (0.08, 0.3), "town": (0.2, 0.6), "village": (0.45, 0.95)}[p.settlement]
        non_russian = rng.uniform(low, high)
    elif p.settlement == "city":
        # Some city schools serve districts where many migrant families live.
        non_russian = rng.uniform(0.12, 0.35) if rng.random() < 0.1 else rng.uniform(0.01, 0.08)
    else:
        non_russian = rng.uniform(0.0, 0.04)
    if p.type == "correctional":
        special = rng.uniform(0.93, 1.0)
    elif rng.random() < 0.07:  # an inclusive school with many pupils with special needs
        special = rng.uniform(0.12, 0.3)
    else:
        special = 0.015 + 0.04 * d + g(0, 0.012)
    prevention = 0.003 + 0.03 * d + g(0, 0.006)
    if p.type == "evening":
        prevention += rng.uniform(0.06, 0.15)
    return {
        "parents_higher_education": 0.6 - 0.58 * d + (0.08 if selective else 0.0) + g(0, 0.04),
        "single_parent_families": 0.13 + 0.12 * d + g(0, 0.03),
        "low_income_families": 0.03 + 0.5 * d + g(0, 0.04),
        "large_families": 0.07 + 0.16 * d + (0.15 if p.minority else 0.0) + g(0, 0.03),
        "unemployed_parents": 0.01 + 0.22 * d + g(0, 0.025),
        "non_russian_home_language": non_russian,
        "special_needs": special,
        "prevention_register": prevention,
    }


def _drift(rng: random.Random, shares: dict[str, float], p: SchoolProfile) -> dict[str, float]:
    """Next year's shares: small random steps, low income slowly falling."""
    out = {name: _clamp(value + rng.gauss(0, 0.012)) for name, value in shares.items()}
    out["low_income_families"] = _clamp(out["low_income_families"] - 0.004)
    out["prevention_register"] = _clamp(shares["prevention_register"] + rng.gauss(0, 0.003))
    if p.type == "correctional":
        out["special_needs"] = _clamp(shares["special_needs"] + rng.gauss(0, 0.005), 0.9)
    return out


def _staff(
    rng: random.Random, p: SchoolProfile, enrolment: int, ratio: float, psychologist: bool
) -> dict[str, int | bool]:
    d = p.disadvantage
    g = rng.gauss
    teachers = max(_MIN_TEACHERS[p.type], round(enrolment / ratio))
    expected_vacancies = teachers * (0.005 + 0.07 * d) + (0.5 if p.settlement == "village" else 0.0)
    vacancies = max(0, round(g(expected_vacancies, 0.6 + 0.3 * expected_vacancies**0.5)))
    old = round(teachers * _clamp(0.07 + 0.28 * d + g(0, 0.04), 0.0, 0.6))
    highest_share = 0.3 - 0.18 * d + (0.15 if p.type in _SELECTIVE else 0.0) + g(0, 0.05)
    highest = round(teachers * _clamp(highest_share, 0.02, 0.7))
    first = min(teachers - highest, round(teachers * _clamp(0.32 + g(0, 0.06), 0.05, 0.6)))
    return {
        "teachers": teachers,
        "vacancies": vacancies,
        "teachers_aged_60_plus": old,
        "teachers_first_category": first,
        "teachers_highest_category": highest,
        "has_psychologist": psychologist,
    }


def _psychologist_chance(p: SchoolProfile) -> float:
    if p.type == "correctional":
        return 1.0
    if p.type == "evening":
        return 0.35
    if p.settlement == "village":
        return 0.2 + (0.25 if p.enrolment > 150 else 0.0)
    return {"city": 0.96, "town": 0.75}[p.settlement]


def passports_for(rng: random.Random, p: SchoolProfile) -> list[PassportRow]:
    """One passport per demo year; the latest year's enrolment is the school's own."""
    low, high = _PUPILS_PER_TEACHER[p.settlement]
    ratio = {"correctional": rng.uniform(3.5, 5.5), "evening": rng.uniform(10.0, 18.0)}.get(
        p.type, rng.uniform(low, high)
    )
    chance = _psychologist_chance(p)
    psychologist = rng.random() < chance
    shares = _base_shares(rng, p)
    rows: list[PassportRow] = []
    last = len(PASSPORT_YEARS) - 1
    for i, year in enumerate(PASSPORT_YEARS):
        if i:
            shares = _drift(rng, shares, p)
            if chance < 1.0 and rng.random() < 0.08:
                psychologist = not psychologist
        enrolment = p.enrolment
        if i != last:
            enrolment = max(1, round(p.enrolment * (1 + rng.gauss(0, 0.025))))
        staff = _staff(rng, p, enrolment, ratio, psychologist)
        rows.append(
            PassportRow(
                school_code=p.code,
                year=year,
                **{name: _share(value) for name, value in shares.items()},  # type: ignore[arg-type]  # shares by name
                **staff,  # type: ignore[arg-type]  # staff figures by name
            )
        )
    return rows
