"""A small region with known truth, stored the way imports store it: pupil results as Parquet parts
through `opora.results.store`, rollups by `indicators_refresh`, school aggregates as rollup rows,
social passports in the database.

Region 10 of the cast (`tests.conftest`) gets eleven more ordinary schools, so it has fourteen
schools with pupil results in 2024 and 2025 (ВПР grade 5 and ОГЭ grade 9, Russian and maths,
32 pupils per work, journal marks equal to the result):
- LOW («1002», Заречная ООШ, municipality M1): 14 of 32 fail (44%) every work and both years, so
  the federal rule flags it (≥ 2 procedures failing in 2025, and failing in 2024 too);
- ordinary schools: 1–4 of 32 fail, never near the 30% bar;
- AGGREGATES_ONLY («1015», municipality M2): known only from school-aggregate forms (ВПР 2025 and
  2024, 30 pupils, 3 fail): no pupil rows, so its boundary and journal signs cannot be evaluated;
- PASSPORT_2024 («1005»): its latest social passport is of 2024.
Region 20's school «2001» has pupil results too, which region 10's inputs must never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa

from opora.core.models import Municipality, School, SchoolType, Settlement, SocialPassport
from opora.results.models import Procedure, Scale, SchoolIndicator, ScoreKind, Source, Subject, TaskSpec
from opora.results.rollups import indicators_refresh
from opora.results.schema import RESULT_SCHEMA
from opora.results.store import part_write, parts_activate
from tests.conftest import Cast

YEARS = (2024, 2025)
YEAR = 2025
PUPILS = 32
LOW = "1002"
AGGREGATES_ONLY = "1015"
PASSPORT_2024 = "1005"
OTHER_REGION = "2001"
EXTRA = [f"10{n:02d}" for n in range(4, 15)]  # 1004 … 1014
WORKS = [("vpr", 5, "math"), ("vpr", 5, "rus"), ("oge", 9, "math"), ("oge", 9, "rus")]
# Scores on a 20-point scale with mark 3 from 8, 4 from 12, 5 from 17; none on a boundary.
SCORE = {2: 5, 3: 10, 4: 14, 5: 19}
SHARES = ("parents_higher_education", "single_parent_families", "low_income_families", "large_families",
          "unemployed_parents", "non_russian_home_language", "special_needs", "prevention_register")


@dataclass(frozen=True)
class Built:
    cast: Cast
    codes: list[str]  # region 10's schools with pupil results
    region10: list[str]  # every active school of region 10
    m1: list[str]  # region 10's schools in municipality M1


def reference() -> None:
    """Procedures, subjects (Russian and maths are core) and the scales of both years, two tasks each."""
    vpr, _ = Procedure.objects.get_or_create(code="vpr", defaults={"name": "ВПР"})
    oge, _ = Procedure.objects.get_or_create(code="oge", defaults={"name": "ОГЭ", "score_kind": ScoreKind.MARK})
    subjects = {
        "math": Subject.objects.update_or_create(code="math", defaults={"name": "Математика", "is_core": True})[0],
        "rus": Subject.objects.update_or_create(code="rus", defaults={"name": "Русский язык", "is_core": True})[0],
    }
    for year in YEARS:
        for procedure, grade, subject in WORKS:
            scale, _ = Scale.objects.get_or_create(
                procedure=vpr if procedure == "vpr" else oge, year=year, subject=subjects[subject], grade=grade,
                defaults={"max_score": 20, "mark3_from": 8, "mark4_from": 12, "mark5_from": 17})
            for number in (1, 2):
                TaskSpec.objects.get_or_create(scale=scale, number=number, defaults={"max_score": 10})


def marks(fails: int, index: int) -> list[int]:
    """PUPILS marks with `fails` twos; the rest spread over 3/4/5 by the school's index."""
    highs = 8 + 2 * (index % 5)
    fives = highs // 3
    return [2] * fails + [3] * (PUPILS - fails - highs) + [4] * (highs - fives) + [5] * fives


def pupil_rows(school: str, procedure: str, year: int, grade: int, subject: str,
               work_marks: list[int]) -> list[dict[str, Any]]:
    rows = []
    for i, mark in enumerate(work_marks):
        score = SCORE[mark]
        rows.append({
            "procedure": procedure, "year": year, "school_code": school, "subject": subject, "grade": grade,
            "class_name": f"{grade}А", "pupil": f"{school}-{subject}-{i}", "variant": None,
            "primary_score": float(score), "mark": None, "test_score": None, "journal_mark": mark,
            "tasks": [score / 2, score / 2],
        })
    return rows


def fails_of(code: str, index: int) -> int:
    return 14 if code == LOW else 1 + index % 4


def store_results(codes: list[str]) -> None:
    """One Parquet part per (procedure, year), switched in by `parts_activate`, then the rollups."""
    for year in YEARS:
        for procedure in ("vpr", "oge"):
            rows = [row for index, code in enumerate(codes) for p, grade, subject in WORKS if p == procedure
                    for row in pupil_rows(code, procedure, year, grade, subject, marks(fails_of(code, index), index))]
            part = part_write(procedure_code=procedure, year=year,
                              batches=[pa.RecordBatch.from_pylist(rows, schema=RESULT_SCHEMA)])
            parts_activate(files=[part])
            indicators_refresh(procedure_code=procedure, year=year)


def aggregate_row(school: School, *, year: int, subject: str, participants: int = 30, fails: int = 3,
                  **extra: Any) -> SchoolIndicator:
    """A whole-grade ВПР grade 5 row from a school-aggregates form (no journal comparison)."""
    share = fails / participants
    high = (participants - fails) // 2
    values = {
        "participants": participants, "mark2": fails, "mark3": participants - fails - high, "mark4": high,
        "mark5": 0, "fail_share": share, "fail_low": 0.0, "fail_high": 1.0, "high_share": high / participants,
        "high_low": 0.0, "high_high": 1.0, "mean_pct": 55.0, "mean_mark": 3.4, **extra,
    }
    return SchoolIndicator.objects.create(
        school=school, procedure=Procedure.objects.get(code="vpr"), year=year,
        subject=Subject.objects.get(code=subject), grade=5, class_name="", source=Source.AGGREGATES, **values)


def passport(school: School, year: int, index: int) -> None:
    c = (index % 7) / 6  # 0 … 1: better off as it grows
    values = {
        "parents_higher_education": 0.15 + 0.4 * c, "single_parent_families": 0.30 - 0.15 * c,
        "low_income_families": 0.35 - 0.25 * c, "large_families": 0.20 - 0.1 * c,
        "unemployed_parents": 0.12 - 0.08 * c, "non_russian_home_language": 0.06 - 0.04 * c,
        "special_needs": 0.08 - 0.05 * c, "prevention_register": 0.04 - 0.03 * c,
    }
    if school.code == LOW:
        values = {**values, "low_income_families": 0.5, "parents_higher_education": 0.05}
    SocialPassport.objects.update_or_create(
        school=school, year=year, defaults={k: Decimal(str(round(v, 3))) for k, v in values.items()})


def build(cast: Cast) -> Built:
    """Region 10 (and a school of region 20) with two years of results, aggregates and passports."""
    reference()
    for n, code in enumerate(EXTRA):
        municipality: Municipality = cast.m1 if n % 2 else cast.m2
        School.objects.create(code=code, name=f"МБОУ СОШ № {code[-2:]}", municipality=municipality,
                              type=SchoolType.SECONDARY, settlement=Settlement.CITY if n % 3 else Settlement.VILLAGE)
    only = School.objects.create(code=AGGREGATES_ONLY, name="МКОУ Бором ООШ", municipality=cast.m2,
                                 type=SchoolType.BASIC, settlement=Settlement.VILLAGE)
    codes = ["1001", "1002", "1003", *EXTRA]
    store_results([*codes, OTHER_REGION])
    for year in YEARS:
        for subject in ("math", "rus"):
            aggregate_row(only, year=year, subject=subject)
    schools = {s.code: s for s in School.objects.all()}
    for index, code in enumerate([*codes, AGGREGATES_ONLY, OTHER_REGION]):
        passport(schools[code], 2024 if code == PASSPORT_2024 else YEAR, index)
    region10 = sorted([*codes, AGGREGATES_ONLY])
    m1 = sorted(code for code, s in schools.items() if s.municipality_id == cast.m1.pk)
    return Built(cast=cast, codes=codes, region10=region10, m1=m1)
