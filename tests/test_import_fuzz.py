"""Property-based fuzzing of every importer: any bytes, any table of strings either import or fail
with row/column errors, never a traceback, and a rejected file leaves the database and the results
store exactly as they were.

Bounded for CI (OPORA_FUZZ_EXAMPLES examples per property, 12 by default, derandomised so a run is
reproducible); run more locally with e.g. `OPORA_FUZZ_EXAMPLES=500 OPORA_FUZZ_RANDOM=1`.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from opora.core.imports import passports_import, schools_import
from opora.core.imports.outcome import ImportOutcome
from opora.results.imports.aggregates import aggregates_import
from opora.results.imports.results import results_import
from opora.results.imports.scales import scales_import
from opora.results.imports.tasks import tasks_import
from opora.results.models import Procedure, Scale, Subject, TaskSpec
from opora.staff.imports_deficits import deficits_import
from opora.staff.imports_registry import registry_import
from opora.support.imports_attendance import attendance_import
from opora.support.services import events as event_services
from tests.conftest import Cast
from tests.core.imports_files import SCHOOL_HEADER, write_csv, write_xlsx
from tests.staff.builders import make_staff

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("OPORA_FUZZ_EXAMPLES", "12"))
PHASES = [p for p in Phase if p is not Phase.shrink or os.environ.get("OPORA_FUZZ_SHRINK")]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, phases=PHASES,
                derandomize=not os.environ.get("OPORA_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


@dataclass(frozen=True)
class Importer:
    """One importer: a valid example file (header and rows) and how to call it for the cast."""

    name: str
    header: list[Any]
    rows: list[list[Any]]
    run: Callable[[Cast, Path], ImportOutcome]


def _event(cast: Cast) -> Any:
    event = event_services.event_create(actor=cast.maria, municipality=cast.m1, data=event_services.EventData(
        title="Семинар", kind="seminar", starts_on=datetime.date(2025, 3, 1)))
    event_services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1])
    return event


IMPORTERS = [
    Importer("schools", SCHOOL_HEADER, [["9001", "Школа № 1", "Озёрский", "СОШ", "город", "12,5", 480]],
             lambda c, p: schools_import(actor=c.alice, path=p)),
    Importer("passports", ["school_code", "year", "teachers", "vacancies", "low_income_families"],
             [["1001", 2025, 30, 1, "0,12"]], lambda c, p: passports_import(actor=c.alice, path=p)),
    Importer("results", ["procedure", "year", "school_code", "subject", "grade", "class", "pupil",
                         "primary_score", "task_1", "task_2"],
             [["vpr", 2025, "1001", "math", 5, "5А", "p1", 12, 6, 6],
              ["vpr", 2025, "1001", "math", 5, "5А", "p2", 7, 3, 4]],
             lambda c, p: results_import(actor=c.alice, path=p)),
    Importer("aggregates", ["procedure", "year", "school_code", "subject", "grade", "participants",
                            "mark2", "mark3", "mark4", "mark5", "mean_pct", "lowered", "confirmed", "raised"],
             [["vpr", 2025, "1002", "Математика", 5, 40, 8, 20, 10, 2, "55,5", 3, 5, 1]],
             lambda c, p: aggregates_import(actor=c.alice, path=p)),
    Importer("scales", ["procedure", "year", "subject", "grade", "max_score", "mark3_from", "mark4_from",
                        "mark5_from", "min_score", "high_bar"],
             [["vpr", 2026, "math", 5, 20, 6, 11, 16, None, None]],
             lambda c, p: scales_import(actor=c.alice, path=p)),
    Importer("tasks", ["procedure", "year", "subject", "grade", "task", "max_score", "difficulty", "skill",
                       "codifier"],
             [["vpr", 2025, "math", 5, 1, 10, "Б", "Счёт", "1.1"], ["vpr", 2025, "math", 5, 2, 10, "П", "", ""]],
             lambda c, p: tasks_import(actor=c.alice, path=p)),
    Importer("registry", ["Табельный номер", "ФИО", "Должность", "Предметы", "Квалификационная категория",
                          "Педагогический стаж", "Возрастная группа"],
             [["001", "Иванова Мария Петровна", "учитель математики", "Математика", "высшая", 25, "50–59"]],
             lambda c, p: registry_import(actor=c.sam, path=p, school=c.s1)),
    Importer("deficits", ["код школы", "табельный номер", "ФИО", "область компетенций", "балл",
                          "максимальный балл", "дефицит", "дата", "диагностика"],
             [["1001", "", "Иванова Анна Петровна", "методические", 10, 30, "да", "15.03.2025", "ЦНППМ"]],
             lambda c, p: deficits_import(actor=c.sam, path=p)),
    Importer("attendance", ["ФИО", "код школы", "должность", "присутствовал"],
             [["Петрова Анна Сергеевна", "1001", "учитель", "да"]],
             lambda c, p: attendance_import(actor=c.maria, event=c.fuzz_event, path=p)),  # type: ignore[attr-defined]
]
BY_NAME = {i.name: i for i in IMPORTERS}

# Cell values a careless user or an attacker would type: codes and names that exist, numbers of every
# shape and size, spreadsheet formulas, control characters, and any text at all.
TEXT = st.one_of(
    st.sampled_from(["", " ", "1001", "1003", "2001", "9001", "2025", "1989", "vpr", "ЕГЭ", "math", "Математика",
                     "Озёрский", "да", "нет", "=1+1", "@SUM(A1)", "\x00", "NaN", "inf", "-1", "1e9", "1E+400",
                     "12345678901234567890", "0,5", "50%", "5А", "высшая", "31.02.2025", "TRUE", "—"]),
    st.text(max_size=40),
    st.integers(min_value=-10**22, max_value=10**22).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
XLSX_VALUE = st.one_of(TEXT, st.integers(min_value=-10**20, max_value=10**20), st.booleans(), st.none(),
                       st.floats(allow_nan=False, allow_infinity=False), st.dates())


def _store_files(root: Path) -> dict[str, int]:
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}


def _state(results_dir: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Rows of every Opora table and the results store's files: what a rejected import must not change."""
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()
              if m.__module__.startswith("opora.") and not m._meta.proxy and m._meta.label != "jobs.Job"}
    return counts, _store_files(results_dir)


def _check(outcome: ImportOutcome, before: Any, after: Any, rows: int) -> None:
    assert isinstance(outcome, ImportOutcome)
    if outcome.ok:
        return
    assert after == before, "a rejected file changed the database or the store"
    for error in outcome.errors:
        assert str(error).strip(), "an error without a reason"
        if error.row is not None:
            assert 1 <= error.row <= rows + 1, (error.row, str(error))


@pytest.fixture
def world(cast: Cast, settings: Any, tmp_path: Path) -> Cast:
    settings.RESULTS_DIR = tmp_path / "store"
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    vpr, _ = Procedure.objects.get_or_create(code="vpr", defaults={"name": "ВПР"})
    math, _ = Subject.objects.get_or_create(code="math", defaults={"name": "Математика"})
    scale = Scale.objects.create(procedure=vpr, year=2025, subject=math, grade=5, max_score=20,
                                 mark3_from=7, mark4_from=12, mark5_from=16)
    for number in (1, 2):
        TaskSpec.objects.create(scale=scale, number=number, max_score=10)
    make_staff(cast.s1, "Иванова Анна Петровна", external_id="T-1")
    cast.fuzz_event = _event(cast)  # type: ignore[attr-defined]
    return cast


def _storable(table: list[list[Any]]) -> list[list[Any]]:
    """What an .xlsx can hold at all: control characters are not allowed in its cells."""
    return [[ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row] for row in table]


def _mutated(draw: Any, importer: Importer, value: Any) -> list[list[Any]]:
    header = list(importer.header)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 4)) == 0:
        header = header[:draw(st.integers(0, len(header)))] + draw(st.lists(TEXT, max_size=2))
    rows = [[draw(st.one_of(st.just(cell), value)) if draw(st.integers(0, 2)) == 0 else cell
             for cell in row] for row in importer.rows]
    rows += draw(st.lists(st.lists(value, max_size=len(header) + 2), max_size=3))
    if draw(st.integers(0, 5)) == 0:  # a row wider or narrower than the header
        rows.append(draw(st.lists(value, min_size=len(header) + 1, max_size=len(header) + 3)))
    return [header, *rows]


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_any_table_of_strings_imports_or_is_refused_with_row_and_column(world: Cast, tmp_path: Path,
                                                                        name: str) -> None:
    importer = BY_NAME[name]

    @FUZZ
    @given(data=st.data(), as_xlsx=st.booleans())
    def run(data: Any, as_xlsx: bool) -> None:
        table = _mutated(data.draw, importer, XLSX_VALUE if as_xlsx else TEXT)
        path = (write_xlsx(tmp_path / "f.xlsx", _storable(table)) if as_xlsx
                else write_csv(tmp_path / "f.csv", table, delimiter=data.draw(st.sampled_from([";", ",", "\t"]))))
        before = _state(tmp_path / "store")
        outcome = importer.run(world, path)
        # A cell with a line break becomes more lines in the (unquoted) CSV: rows are counted as the file has them.
        lines = len(table) if as_xlsx else len(path.read_bytes().splitlines())
        _check(outcome, before, _state(tmp_path / "store"), max(len(table), lines) - 1)

    run()


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_any_bytes_are_refused_with_a_reason_and_change_nothing(world: Cast, tmp_path: Path, name: str) -> None:
    importer = BY_NAME[name]
    zip_header = b"PK\x03\x04"

    @FUZZ
    @given(content=st.one_of(st.binary(max_size=3000), st.binary(max_size=3000).map(lambda b: zip_header + b)),
           suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
    def run(content: bytes, suffix: str) -> None:
        path = tmp_path / f"f{suffix}"
        path.write_bytes(content)
        before = _state(tmp_path / "store")
        outcome = importer.run(world, path)
        _check(outcome, before, _state(tmp_path / "store"), content.count(b"\n") + 1)

    run()


def test_the_example_tables_themselves_import(world: Cast, tmp_path: Path) -> None:
    """The fuzzing starts from files that do import: otherwise it would only ever test rejection."""
    for importer in IMPORTERS:
        outcome = importer.run(world, write_csv(tmp_path / f"{importer.name}.csv", [importer.header, *importer.rows]))
        assert outcome.ok, (importer.name, [str(e) for e in outcome.errors])
