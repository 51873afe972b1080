"""The federal portal's and the processing centres' result files load as they are, without a
column mapping: each sample of docs/samples/ (scripts/result_samples.py) is read as its form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from opora.core.imports.mapping_store import import_mapped
from opora.results.imports.results import results_import
from opora.results.models import Procedure, Scale, ScoreKind, Subject, TaskSpec
from opora.results.store import active_paths
from tests.conftest import Cast
from tests.core.imports_files import write_xlsx
from tests.results.test_import_results import messages

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.results.results_files"]

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def _scale(procedure: str, kind: str, subject: str, name: str, grade: int, tasks: list[int], **fields: Any) -> Scale:
    proc, _ = Procedure.objects.get_or_create(code=procedure, defaults={"name": procedure.upper(), "score_kind": kind})
    subj, _ = Subject.objects.get_or_create(code=subject, defaults={"name": name})
    scale = Scale.objects.create(procedure=proc, year=2025, subject=subj, grade=grade, max_score=sum(tasks), **fields)
    TaskSpec.objects.bulk_create(TaskSpec(scale=scale, number=n, max_score=m) for n, m in enumerate(tasks, start=1))
    return scale


def _stored(procedure: str) -> list[tuple[Any, ...]]:
    paths = [str(p) for p in active_paths(procedure, 2025)]
    return duckdb.sql(f"SELECT * FROM read_parquet({paths!r}) ORDER BY pupil").fetchall() if paths else []


def _columns(procedure: str) -> list[str]:
    paths = [str(p) for p in active_paths(procedure, 2025)]
    return [c[0] for c in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet({paths!r})").fetchall()]


def test_vpr_form_of_a_school_loads_with_its_title_and_sub_tasks(cast: Cast) -> None:
    _scale("vpr", ScoreKind.MARK, "math", "Математика", 5, [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 5],
           mark3_from=5, mark4_from=10, mark5_from=15)
    outcome = import_mapped(results_import, kind="results", actor=cast.alice, path=SAMPLES / "vpr-form.xlsx")
    assert outcome.ok, messages(outcome)
    assert any("ВПР (ФИС ОКО)" in line for line in outcome.summary)
    rows = duckdb.sql(
        f"SELECT school_code, subject, grade, pupil, class_name, variant, primary_score, mark, journal_mark, tasks "
        f"FROM read_parquet({[str(p) for p in active_paths('vpr', 2025)]!r}) ORDER BY pupil").fetchall()
    assert len(rows) == 12
    school, subject, grade, pupil, cls, variant, total, mark, journal, tasks = rows[0]
    assert (school, subject, grade, pupil, cls) == ("1001", "math", 5, "10001", "5А")
    assert len(tasks) == 11 and sum(tasks) == total  # «5.1» and «5.2» are tasks 5 and 6
    assert mark in (2, 3, 4, 5) and journal in (2, 3, 4, 5) and variant in ("1", "2")


def test_oge_protocol_loads_answer_strings_and_never_the_names(cast: Cast) -> None:
    _scale("oge", ScoreKind.MARK, "math", "Математика", 9, [1] * 19 + [2] * 6,
           mark3_from=8, mark4_from=15, mark5_from=22)
    outcome = import_mapped(results_import, kind="results", actor=cast.alice, path=SAMPLES / "oge-protocol.xlsx")
    assert outcome.ok, messages(outcome)
    assert any("номера документов" in line for line in outcome.summary)
    stored = _stored("oge")
    assert len(stored) == 6
    text = repr(stored)
    assert "Иванов" not in text and "Пётр" not in text and "123451" not in text  # no name, no document
    rows = duckdb.sql(f"SELECT pupil, primary_score, tasks, grade FROM read_parquet("
                      f"{[str(p) for p in active_paths('oge', 2025)]!r})").fetchall()
    for pupil, total, tasks, grade in rows:
        assert pupil.startswith("д-") and len(tasks) == 25 and sum(tasks) == total and grade == 9


def test_ege_protocol_in_csv_loads_with_test_scores(cast: Cast) -> None:
    table = [round(p * 100 / 31) if p < 31 else 100 for p in range(32)]
    _scale("ege", ScoreKind.TEST_SCORE, "math_prof", "Математика профильная", 11, [1] * 12 + [2, 2, 2, 2, 3, 4, 4],
           min_score=27, test_table=table)
    outcome = import_mapped(results_import, kind="results", actor=cast.alice, path=SAMPLES / "ege-protocol.csv")
    assert outcome.ok, messages(outcome)
    rows = duckdb.sql(f"SELECT pupil, primary_score, test_score, tasks FROM read_parquet("
                      f"{[str(p) for p in active_paths('ege', 2025)]!r}) ORDER BY pupil").fetchall()
    assert [r[0] for r in rows] == [str(700100 + i) for i in range(1, 7)]
    for _pupil, total, test_score, tasks in rows:
        assert len(tasks) == 19 and sum(tasks) == total and test_score == table[int(total)]


def test_a_form_whose_title_lacks_the_subject_says_what_to_add(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "впр.xlsx", [
        ["ВПР 2025"], ["Код ОО:", "1001"], ["Класс:", "5"],
        ["Код участника", "1", "2", "Сумма баллов"], ["10001", 1, 1, 2]])
    outcome = import_mapped(results_import, kind="results", actor=cast.alice, path=path)
    assert not outcome.ok and outcome.mismatch is not None
    found = messages(outcome)
    assert "форма результатов ВПР" in found[0] and "шапку формы" in found[0]
    assert found[1:] == [
        "строка 4, столбец «subject»: Нет обязательного столбца (допустимые заголовки: subject, предмет)."]
