"""Reference rows and small result files shared by the results-import tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from opora.results.models import Procedure, Scale, ScoreKind, Subject, TaskSpec

RESULT_HEADER = ["procedure", "year", "school_code", "subject", "grade", "class", "pupil",
                 "primary_score", "task_1", "task_2"]


@pytest.fixture(autouse=True)
def _results_dir(settings: Any, tmp_path: Path) -> Path:
    settings.RESULTS_DIR = tmp_path / "store"
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.RESULTS_DIR


@pytest.fixture
def vpr_math() -> Scale:
    """ВПР 2025 mathematics grade 5: 20 points, 3 from 7, 4 from 12, 5 from 16; two tasks of 10."""
    vpr, _ = Procedure.objects.get_or_create(code="vpr", defaults={"name": "ВПР"})
    math, _ = Subject.objects.get_or_create(code="math", defaults={"name": "Математика"})
    scale, _ = Scale.objects.get_or_create(
        procedure=vpr, year=2025, subject=math, grade=5,
        defaults={"max_score": 20, "mark3_from": 7, "mark4_from": 12, "mark5_from": 16},
    )
    for number in (1, 2):
        TaskSpec.objects.get_or_create(scale=scale, number=number, defaults={"max_score": 10})
    return scale


@pytest.fixture
def vpr_russian() -> Scale:
    vpr, _ = Procedure.objects.get_or_create(code="vpr", defaults={"name": "ВПР"})
    rus, _ = Subject.objects.get_or_create(code="rus", defaults={"name": "Русский язык"})
    scale, _ = Scale.objects.get_or_create(
        procedure=vpr, year=2025, subject=rus, grade=5,
        defaults={"max_score": 30, "mark3_from": 10, "mark4_from": 18, "mark5_from": 25},
    )
    return scale


@pytest.fixture
def ege_profile() -> Scale:
    """ЕГЭ 2025 profile mathematics: 10 primary points, test score = primary × 10, minimum 27."""
    ege, _ = Procedure.objects.get_or_create(
        code="ege", defaults={"name": "ЕГЭ", "score_kind": ScoreKind.TEST_SCORE}
    )
    prof, _ = Subject.objects.get_or_create(code="math_prof", defaults={"name": "Математика профильная"})
    scale, _ = Scale.objects.get_or_create(
        procedure=ege, year=2025, subject=prof, grade=11,
        defaults={"max_score": 10, "min_score": 27, "high_bar": 80,
                  "test_table": [p * 10 for p in range(11)]},
    )
    return scale


def pupil(school: str, pupil_id: str, score: Any, t1: Any = "", t2: Any = "", *,
          subject: str = "math", cls: str = "5А", procedure: str = "vpr") -> list[Any]:
    return [procedure, 2025, school, subject, 5, cls, pupil_id, score, t1, t2]
