"""A deterministic synthetic territory: the same (size, seed) always gives the same rows.

Pure Python (one `random.Random(seed)`, no Django), so it can be tested and timed on its own.
A municipality is either a city district («городской округ»: numbered city schools, lyceums,
gymnasiums, a correctional and an evening school, a few villages) or a rural district
(«муниципальный район»: a small town centre and villages up to ~150 km away).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from opora.demo import names
from opora.demo.passports import SchoolProfile, passports_for
from opora.demo.rows import MunicipalityRow, RegionRow, SchoolRow, Territory

SIZES: tuple[str, ...] = ("tiny", "municipality", "region", "national")


@dataclass(frozen=True)
class _Plan:
    """One municipality to draw: its kind and how many schools in its centre and villages."""

    kind: str  # "city" or "district"
    centre: int
    rural: int


# Types every city centre has (when it is big enough), then the weights for the rest.
_CITY_REQUIRED = ("secondary", "lyceum", "gymnasium", "in_depth", "correctional", "evening")
_CITY_WEIGHTS = {
    "secondary": 62,
    "gymnasium": 10,
    "lyceum": 8,
    "in_depth": 10,
    "correctional": 4,
    "evening": 3,
    "primary": 2,
    "basic": 1,
}
_TOWN_WEIGHTS = {"secondary": 60, "gymnasium": 12, "correctional": 12, "evening": 8, "in_depth": 8}
_RURAL_WEIGHTS = {"secondary": 45, "basic": 35, "primary": 20}

# (low, high, mode) of enrolment by settlement and type.
_ENROLMENT: dict[str, dict[str, tuple[int, int, int]]] = {
    "city": {
        "secondary": (450, 1500, 900),
        "lyceum": (600, 1300, 950),
        "gymnasium": (600, 1300, 900),
        "in_depth": (700, 1500, 1000),
        "primary": (150, 400, 250),
        "basic": (200, 450, 300),
        "correctional": (80, 260, 140),
        "evening": (40, 220, 90),
    },
    "town": {
        "secondary": (250, 900, 500),
        "gymnasium": (300, 700, 450),
        "in_depth": (400, 900, 600),
        "correctional": (60, 180, 100),
        "evening": (30, 120, 60),
        "primary": (60, 200, 120),
    },
    "village": {"secondary": (50, 320, 140), "basic": (15, 130, 55), "primary": (4, 45, 18)},
}
_DISADVANTAGE_BY_TYPE = {
    "lyceum": -0.14,
    "gymnasium": -0.12,
    "in_depth": -0.08,
    "correctional": 0.15,
    "evening": 0.25,
}


def _weighted(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    return rng.choices(list(weights), weights=list(weights.values()), k=k) if k > 0 else []


def _centre_types(rng: random.Random, plan: _Plan) -> list[str]:
    if plan.kind == "city":
        required = list(_CITY_REQUIRED[: plan.centre])
        types = required + _weighted(rng, _CITY_WEIGHTS, plan.centre - len(required))
    else:
        types = ["secondary"] + _weighted(rng, _TOWN_WEIGHTS, plan.centre - 1)
    rng.shuffle(types)
    return types


def _rural_types(rng: random.Random, count: int) -> list[str]:
    required = ["basic", "primary"] if count >= 3 else []
    types = required + _weighted(rng, _RURAL_WEIGHTS, count - len(required))
    rng.shuffle(types)
    return types


def _form(rng: random.Random, school_type: str, settlement: str) -> str:
    """The legal form: МБОУ (budget), МАОУ (autonomous), МКОУ (state-funded), ГКОУ (regional)."""
    if school_type == "correctional":
        return rng.choice(("ГКОУ", "ГБОУ"))
    if school_type in ("lyceum", "gymnasium"):
        return "МАОУ" if rng.random() < 0.6 else "МБОУ"
    if settlement == "village":
        return "МКОУ" if rng.random() < 0.6 else "МБОУ"
    return "МАОУ" if rng.random() < 0.15 else "МБОУ"


def _city_school_name(rng: random.Random, school_type: str, number: int, stem: str) -> str:
    where = f"г. {names.city_genitive(stem)}"
    form = _form(rng, school_type, "city")
    title = {
        "secondary": f"СОШ № {number}",
        "lyceum": f"Лицей № {number}",
        "gymnasium": f"Гимназия № {number}",
        "in_depth": f"СОШ № {number} с углублённым изучением отдельных предметов",
        "primary": f"Начальная общеобразовательная школа № {number}",
        "basic": f"ООШ № {number}",
        "correctional": rng.choice(
            (
                f"Специальная (коррекционная) школа-интернат № {number}",
                f"Специальная (коррекционная) общеобразовательная школа № {number}",
            )
        ),
        "evening": f"Вечерняя (сменная) ОШ № {number}",
    }[school_type]
    return f"{form} «{title}» {where}"


def _town_school_name(rng: random.Random, school_type: str, number: int, town: str) -> str:
    fem = names.feminine(town)
    form = _form(rng, school_type, "town")
    title = {
        "secondary": f"{fem} СОШ № {number}",
        "gymnasium": f"{fem} гимназия",
        "in_depth": f"{fem} СОШ № {number} с углублённым изучением отдельных предметов",
        "correctional": f"{fem} специальная (коррекционная) школа-интернат",
        "evening": f"Вечерняя (сменная) ОШ п. {town}",
        "primary": f"{fem} НОШ",
    }[school_type]
    return f"{form} «{title}»"


def _village_school_name(
    rng: random.Random, school_type: str, village: tuple[str, str], repeat: int
) -> str:
    place, adjective = village
    form = _form(rng, school_type, "village")
    suffix = f" № {repeat}" if repeat > 1 else ""
    short = {"secondary": "СОШ", "basic": "ООШ", "primary": "НОШ"}[school_type]
    if school_type == "primary" and rng.random() < 0.3:
        return f"{form} «{adjective} начальная школа – детский сад{suffix}»"
    if rng.random() < 0.3:
        prefix = "с." if place.endswith(("ое", "о")) or " " in place else rng.choice(("с.", "д."))
        return f"{form} «{short}{suffix} {prefix} {place}»"
    return f"{form} «{adjective} {short}{suffix}»"


def _distance(rng: random.Random, settlement: str, kind: str) -> Decimal:
    if settlement != "village":
        km = rng.uniform(0.0, 2.0)
    elif kind == "city":
        km = rng.uniform(4.0, 35.0)
    else:
        km = 3.0 + 147.0 * rng.betavariate(1.5, 3.5)
    return Decimal(f"{km:.1f}")


def _enrolment(rng: random.Random, settlement: str, school_type: str, km: float) -> int:
    low, high, mode = _ENROLMENT[settlement][school_type]
    pupils = rng.triangular(low, high, mode)
    if settlement == "village":
        pupils *= 1.0 - 0.4 * km / 150.0  # the farther the village, the smaller the school
    return max(1, round(pupils))


def _disadvantage(
    rng: random.Random, settlement: str, school_type: str, km: float, area_effect: float
) -> float:
    base = {"city": 0.18, "town": 0.38, "village": 0.55 + 0.25 * km / 150.0}[settlement]
    value = base + _DISADVANTAGE_BY_TYPE.get(school_type, 0.0) + area_effect + rng.gauss(0, 0.07)
    return min(0.98, max(0.02, value))


class _Builder:
    def __init__(self, size: str, seed: int) -> None:
        self.rng = random.Random(seed)
        self.territory = Territory(size=size, seed=seed)

    def region(self, code: str, name: str, plans: list[_Plan], *, minority_region: bool) -> None:
        rng = self.rng
        self.territory.regions.append(RegionRow(code=code, name=name))
        region_effect = rng.gauss(0, 0.06)
        city_stems = rng.sample(names.CITY_STEMS, sum(1 for p in plans if p.kind == "city"))
        adjectives = rng.sample(names.PLACE_ADJECTIVES, sum(1 for p in plans if p.kind != "city"))
        for index, plan in enumerate(plans, start=1):
            mun_code = f"{code}{index:03d}"
            if plan.kind == "city":
                place = city_stems.pop()
                mun_name = f"{names.city_adjective(place)} городской округ"
                effect = region_effect + rng.gauss(0, 0.05)
            else:
                place = adjectives.pop()
                mun_name = f"{place} {rng.choice(('муниципальный район', 'муниципальный округ'))}"
                effect = region_effect + rng.gauss(0.05, 0.08)
            minority = rng.random() < (0.6 if minority_region else 0.05)
            self.territory.municipalities.append(
                MunicipalityRow(code=mun_code, region_code=code, name=mun_name)
            )
            self._schools(mun_code, plan, place, effect, minority)

    def _schools(
        self, mun_code: str, plan: _Plan, place: str, effect: float, minority: bool
    ) -> None:
        rng = self.rng
        drafts: list[tuple[str, str, str]] = []  # (type, settlement, name)
        numbers = rng.sample(range(1, plan.centre + plan.centre // 3 + 2), plan.centre)
        special_numbers = {"correctional": 0, "evening": 0}
        for school_type, number in zip(_centre_types(rng, plan), numbers, strict=True):
            if school_type in special_numbers:
                special_numbers[school_type] += 1
                number = special_numbers[school_type]
            if plan.kind == "city":
                settlement, name = "city", _city_school_name(rng, school_type, number, place)
            else:
                town_number = sum(1 for t, _, _ in drafts if t in ("secondary", "in_depth")) + 1
                settlement, name = "town", _town_school_name(rng, school_type, town_number, place)
            drafts.append((school_type, settlement, name))
        villages = rng.sample(names.VILLAGES, len(names.VILLAGES))
        for i, school_type in enumerate(_rural_types(rng, plan.rural)):
            village = villages[i % len(villages)]
            repeat = i // len(villages) + 1
            name = _village_school_name(rng, school_type, village, repeat)
            drafts.append((school_type, "village", name))
        for index, (school_type, settlement, name) in enumerate(drafts, start=1):
            code = f"{mun_code}{index:04d}"
            km = _distance(rng, settlement, plan.kind)
            enrolment = _enrolment(rng, settlement, school_type, float(km))
            self.territory.schools.append(
                SchoolRow(
                    code=code,
                    municipality_code=mun_code,
                    name=name,
                    type=school_type,
                    settlement=settlement,
                    distance_km=km,
                    enrolment=enrolment,
                )
            )
            profile = SchoolProfile(
                code=code,
                type=school_type,
                settlement=settlement,
                enrolment=enrolment,
                disadvantage=_disadvantage(rng, settlement, school_type, float(km), effect),
                minority=minority and (settlement != "city" or rng.random() < 0.3),
            )
            self.territory.passports.extend(passports_for(rng, profile))


def _region_names() -> list[str]:
    return [names.feminine(a) + " область" for a in names.PLACE_ADJECTIVES] + [
        a + " край" for a in names.PLACE_ADJECTIVES
    ]


def _plan_region(rng: random.Random, total: int, municipalities: int) -> list[_Plan]:
    """A capital city, a few other cities, and rural districts sharing about `total` schools."""
    cities = max(1, round(municipalities / 10))
    weights = [8.0] + [2.5] * (cities - 1)
    weights += [rng.uniform(0.6, 1.4) for _ in range(municipalities - cities)]
    scale = total / sum(weights)
    plans: list[_Plan] = []
    for i, weight in enumerate(weights):
        count = max(6, round(weight * scale))
        if i < cities:
            rural = round(count * 0.08)
            plans.append(_Plan("city", count - rural, rural))
        else:
            centre = min(count - 3, rng.randint(2, 4))
            plans.append(_Plan("district", centre, count - centre))
    return plans


def generate(size: str, seed: int) -> Territory:
    """The synthetic territory of `size` (one of SIZES) drawn from `seed`."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; expected one of {', '.join(SIZES)}")
    builder = _Builder(size, seed)
    rng = builder.rng
    if size == "national":
        region_names = rng.sample(_region_names(), 85)
        weights = [rng.lognormvariate(0, 0.6) for _ in region_names]
        scale = 40_000 / sum(weights)
        for i, (name, weight) in enumerate(zip(region_names, weights, strict=True), start=1):
            total = round(weight * scale)
            municipalities = min(60, max(4, round(total / 17)))
            plans = _plan_region(rng, total, municipalities)
            builder.region(f"{i:02d}", name, plans, minority_region=rng.random() < 0.18)
        return builder.territory
    plans = {
        "tiny": [_Plan("city", 8, 2), _Plan("district", 2, 5), _Plan("district", 2, 5)],
        "municipality": [_Plan("city", 10, 30)],
        "region": _plan_region(rng, 1000, 30) if size == "region" else [],
    }[size]
    builder.region("01", rng.choice(_region_names()), plans, minority_region=False)
    return builder.territory
