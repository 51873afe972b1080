"""Demo assessment results: every school sits the works its grades write, and the planted
patterns (declining, inflated, resilient, grade-5 drop) can be found in the data."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from opora.demo.generator import generate
from opora.demo.results import DemoResults, generate_results, passport_disadvantage, school_grades
from opora.demo.results_loader import patterns_path
from opora.demo.rows import Territory
from opora.results.models import Procedure, ResultPart, Scale, SchoolIndicator, Subject, TaskSpec
from opora.results.schema import RESULT_SCHEMA


@pytest.fixture(scope="module")
def territory() -> Territory:
    return generate("municipality", 1)


@pytest.fixture(scope="module")
def demo(territory: Territory) -> DemoResults:
    return generate_results(territory, 1)


@pytest.fixture(scope="module")
def con(demo: DemoResults) -> duckdb.DuckDBPyConnection:
    """All results as table `r`, the scales as table `s`, task specs as `t`."""
    connection = duckdb.connect()
    connection.register("r", pa.concat_tables(demo.tables.values()))
    connection.register(
        "s",
        pa.Table.from_pylist(
            [
                {
                    "procedure": s.procedure,
                    "year": s.year,
                    "subject": s.subject,
                    "grade": s.grade,
                    "max_score": s.max_score,
                    "m3": s.mark3_from,
                }
                for s in demo.scales
            ]
        ),
    )
    connection.register(
        "t",
        pa.Table.from_pylist(
            [
                {
                    "procedure": s.procedure,
                    "year": s.year,
                    "subject": s.subject,
                    "grade": s.grade,
                    "number": task.number,
                    "top": task.max_score,
                    "difficulty": task.difficulty,
                }
                for s in demo.scales
                for task in s.tasks
            ]
        ),
    )
    return connection


def one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    return con.sql(sql).fetchall()[0][0]


def vpr_fail_share(con: duckdb.DuckDBPyConnection, school: str, year: int) -> float:
    return float(
        one(
            con,
            f"""SELECT avg((mark = 2)::int) FROM r WHERE procedure = 'vpr'
        AND subject IN ('rus', 'math') AND school_code = '{school}' AND year = {year}""",
        )
    )


def test_results_follow_the_contract_schema(demo: DemoResults) -> None:
    assert set(demo.tables) == {(p, y) for p in ("vpr", "oge", "ege") for y in (2023, 2024, 2025)}
    for table in demo.tables.values():
        assert table.schema.equals(RESULT_SCHEMA)


def test_the_same_seed_gives_the_same_results(territory: Territory, demo: DemoResults) -> None:
    again = generate_results(territory, 1)
    assert again.patterns == demo.patterns
    assert again.tables["vpr", 2024].equals(demo.tables["vpr", 2024])
    other = generate_results(territory, 2)
    assert not other.tables["vpr", 2024].equals(demo.tables["vpr", 2024])


def test_schools_sit_only_the_works_of_their_grades(territory: Territory, con: duckdb.DuckDBPyConnection) -> None:
    sat = {
        (code, proc): (low, high)
        for code, proc, low, high in con.sql(
            "SELECT school_code, procedure, min(grade), max(grade) FROM r GROUP BY ALL"
        ).fetchall()
    }
    for school in territory.schools:
        grades = school_grades(school.type)
        assert ((school.code, "vpr") in sat) == (4 in grades), school
        assert ((school.code, "oge") in sat) == (9 in grades), school
        assert ((school.code, "ege") in sat) == (11 in grades), school
    primary = next(s for s in territory.schools if s.type == "primary")
    assert sat[primary.code, "vpr"] == (4, 4)


def test_every_work_has_about_fifteen_tasks_of_each_difficulty(demo: DemoResults) -> None:
    counts = [len(s.tasks) for s in demo.scales]
    assert 13 <= np.mean(counts) <= 17
    for scale in demo.scales:
        assert sum(t.max_score for t in scale.tasks) == scale.max_score
        assert {t.difficulty for t in scale.tasks} == {"basic", "advanced", "high"}
        assert all(t.skill.startswith(("Умение", "Знание")) for t in scale.tasks)


def test_task_scores_add_up_to_the_primary_score_and_marks_follow_the_scale(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert one(con, "SELECT count(*) FROM r WHERE list_sum(tasks) <> primary_score") == 0
    wrong = one(
        con,
        """SELECT count(*) FROM r JOIN s USING (procedure, year, subject, grade)
        WHERE m3 IS NOT NULL AND ((primary_score >= m3) <> (mark >= 3))""",
    )
    assert wrong == 0
    # ЕГЭ: test scores, except basic mathematics, which is marked.
    assert (
        one(
            con,
            "SELECT count(*) FROM r WHERE procedure = 'ege' AND subject <> 'math_base' "
            "AND (test_score IS NULL OR mark IS NOT NULL)",
        )
        == 0
    )
    assert one(con, "SELECT count(*) FROM r WHERE subject = 'math_base' AND mark IS NULL") == 0


def test_ege_minimum_scores_are_the_2026_ones(demo: DemoResults) -> None:
    minimums = {s.subject: s.min_score for s in demo.scales if s.procedure == "ege"}
    assert minimums["rus"] == 24 and minimums["math_prof"] == 27 and minimums["soc"] == 42
    assert minimums["math_base"] is None


def test_large_grades_are_split_into_classes_of_at_most_25(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        one(
            con,
            """SELECT max(n) FROM (SELECT count(*) n FROM r WHERE procedure = 'vpr'
        AND subject = 'rus' GROUP BY school_code, year, class_name)""",
        )
        <= 25
    )
    assert one(con, "SELECT count(*) FROM r WHERE class_name = '5Б'") > 0


def test_fail_shares_look_like_a_real_region(con: duckdb.DuckDBPyConnection) -> None:
    share = one(con, "SELECT avg((mark = 2)::int) FROM r WHERE procedure = 'vpr'")
    assert 0.08 <= share <= 0.25


def test_declining_schools_fail_share_rises_ten_points_a_year(
    demo: DemoResults, con: duckdb.DuckDBPyConnection
) -> None:
    assert len(demo.patterns["declining"]) >= 2
    for school in demo.patterns["declining"]:
        shares = [vpr_fail_share(con, school, year) for year in (2023, 2024, 2025)]
        assert shares[1] - shares[0] >= 0.10 and shares[2] - shares[1] >= 0.10, (school, shares)


def test_inflated_schools_pile_scores_on_the_boundary_and_copy_journal_marks(
    demo: DemoResults, con: duckdb.DuckDBPyConnection
) -> None:
    assert len(demo.patterns["inflated"]) >= 2
    for school in demo.patterns["inflated"]:
        at, below = con.sql(f"""SELECT sum((primary_score = m3)::int), sum((primary_score = m3 - 1)::int)
            FROM r JOIN s USING (procedure, year, subject, grade)
            WHERE procedure = 'vpr' AND school_code = '{school}'""").fetchall()[0]
        assert at >= 3 * max(below, 1), school
        assert one(
            con, f"SELECT bool_and(journal_mark = mark) FROM r WHERE procedure = 'vpr' AND school_code = '{school}'"
        )
    elsewhere = one(con, "SELECT avg((journal_mark = mark)::int) FROM r WHERE procedure = 'vpr'")
    assert elsewhere < 0.8


def test_inflated_schools_do_hard_tasks_better_and_easy_tasks_worse_than_the_region(
    demo: DemoResults, con: duckdb.DuckDBPyConnection
) -> None:
    completion = con.sql("""
        WITH scores AS (
            SELECT school_code, procedure, year, subject, grade, unnest(tasks) AS score,
                   generate_subscripts(tasks, 1) AS number
            FROM r WHERE procedure = 'vpr' AND year = 2025)
        SELECT school_code, difficulty, avg(score / top) FROM scores JOIN t
        USING (procedure, year, subject, grade, number) GROUP BY ALL""").fetchall()
    by = {(school, level): value for school, level, value in completion}
    schools = {school for school, _, _ in completion}
    region = {level: float(np.median([by[s, level] for s in schools])) for level in ("basic", "high")}
    for school in demo.patterns["inflated"]:
        assert by[school, "high"] > region["high"] and by[school, "basic"] < region["basic"]


def test_resilient_schools_are_worse_off_than_most_but_do_better_than_most(
    territory: Territory, demo: DemoResults, con: duckdb.DuckDBPyConnection
) -> None:
    first = {p.school_code: p for p in territory.passports if p.year == 2023}
    context = {code: passport_disadvantage(p) for code, p in first.items()}
    results = dict(
        con.sql("""SELECT school_code, avg(primary_score / max_score) FROM r
        JOIN s USING (procedure, year, subject, grade)
        WHERE procedure = 'vpr' AND subject IN ('rus', 'math') GROUP BY 1""").fetchall()
    )
    for school in demo.patterns["resilient"]:
        assert context[school] > np.median(list(context.values())), school
        assert results[school] > np.quantile(list(results.values()), 0.75), school


def test_grade_5_drop_schools_lose_much_more_than_others_from_grade_4_to_5(
    demo: DemoResults, con: duckdb.DuckDBPyConnection
) -> None:
    drops = dict(
        con.sql("""
        WITH pct AS (SELECT school_code, pupil, subject, grade, year,
                            primary_score / max_score AS p
                     FROM r JOIN s USING (procedure, year, subject, grade)
                     WHERE procedure = 'vpr' AND subject IN ('rus', 'math'))
        SELECT a.school_code, avg(a.p) - avg(b.p) FROM pct a JOIN pct b
          ON a.school_code = b.school_code AND a.pupil = b.pupil AND a.subject = b.subject
         AND a.grade = 4 AND b.grade = 5 AND b.year = a.year + 1
        GROUP BY 1""").fetchall()
    )
    typical = float(np.median(list(drops.values())))
    assert abs(typical) < 0.05
    for school in demo.patterns["grade5_drop"]:
        assert drops[school] > typical + 0.15, school


# --- Loading through `opora demo` ------------------------------------------------------------------


@pytest.fixture
def store(settings: Any, tmp_path: Path) -> Path:
    settings.RESULTS_DIR = tmp_path / "store"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.RESULTS_DIR


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_tiny_demo_loads_three_years_of_results_into_the_store(store: Path) -> None:
    reference = (Procedure.objects.count(), Subject.objects.count())
    output = run_demo("--size", "tiny", "--seed", "1")
    assert (Procedure.objects.count(), Subject.objects.count()) == reference
    parts = ResultPart.objects.filter(active=True)
    assert {(p.procedure.code, p.year) for p in parts} == {
        (code, year) for code in ("vpr", "oge", "ege") for year in (2023, 2024, 2025)
    }
    total = 0
    for part in parts:
        table = pq.read_table(store / part.path)
        assert table.schema.equals(RESULT_SCHEMA)
        assert table.num_rows == part.rows
        assert sorted(set(table.column("school_code").to_pylist())) == part.school_codes
        total += part.rows
    assert f"{total}" in output
    scale = Scale.objects.get(procedure__code="ege", year=2025, subject__code="rus", grade=11)
    assert scale.min_score == 24 and len(scale.test_table) == scale.max_score + 1
    assert TaskSpec.objects.filter(scale__procedure__code="vpr").exclude(skill="").exists()
    patterns = json.loads(patterns_path().read_text(encoding="utf-8"))
    assert set(patterns) == {"declining", "inflated", "resilient", "grade5_drop"}
    assert all(code in output for code in patterns["declining"])
    # The indicators pages read are computed, and the declining schools show negative dynamics.
    for code in patterns["declining"]:
        flagged = SchoolIndicator.objects.filter(
            school__code=code, procedure__code="vpr", year=2025, class_name="", negative_dynamics=True
        )
        assert flagged.exists(), code


@pytest.mark.django_db
def test_demo_without_results_loads_no_results(store: Path) -> None:
    run_demo("--size", "tiny", "--no-results")
    assert not ResultPart.objects.exists()
    assert not Scale.objects.exists()
    assert not store.exists()
