"""Writes the demo results: procedures and subjects (if the reference data is missing), scales
and tasks, the Parquet parts of the results store, then the per-school indicators."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from opora.demo.results import DemoResults, generate_results
from opora.demo.results_scales import PROCEDURES, SUBJECTS, ScaleRow
from opora.demo.rows import Territory
from opora.results.models import Difficulty, Procedure, Scale, Subject, TaskSpec
from opora.results.rollups import indicators_refresh
from opora.results.store import PartFile, part_write, parts_activate

PATTERNS_FILE = "demo-patterns.json"  # under RESULTS_DIR: which schools got which pattern
BATCH_ROWS = 100_000

Progress = Callable[[str], None]


@dataclass
class ResultsSummary:
    scales: int = 0
    rows: int = 0
    parts: int = 0
    patterns: dict[str, list[str]] = field(default_factory=dict)


def reference_ensure() -> tuple[dict[str, Procedure], dict[str, Subject]]:
    """The demo's procedures and subjects; created only if the reference migration has not."""
    procedures = {
        code: Procedure.objects.get_or_create(code=code, defaults={"name": name, "score_kind": kind})[0]
        for code, (name, kind) in PROCEDURES.items()
    }
    subjects = {
        code: Subject.objects.get_or_create(code=code, defaults={"name": name, "is_core": core})[0]
        for code, (name, core) in SUBJECTS.items()
    }
    return procedures, subjects


def scales_load(rows: list[ScaleRow], procedures: dict[str, Procedure], subjects: dict[str, Subject]) -> int:
    """Create the scales (and their tasks) that do not exist yet; existing ones are kept."""
    existing = set(Scale.objects.values_list("procedure__code", "year", "subject__code", "grade"))
    new = [row for row in rows if row.key not in existing]
    Scale.objects.bulk_create(
        [
            Scale(
                procedure=procedures[r.procedure],
                year=r.year,
                subject=subjects[r.subject],
                grade=r.grade,
                max_score=r.max_score,
                mark3_from=r.mark3_from,
                mark4_from=r.mark4_from,
                mark5_from=r.mark5_from,
                min_score=r.min_score,
                high_bar=r.high_bar,
                test_table=list(r.test_table) if r.test_table else None,
            )
            for r in new
        ],
        batch_size=500,
    )
    ids = {
        (p, y, s, g): pk
        for pk, p, y, s, g in Scale.objects.values_list("pk", "procedure__code", "year", "subject__code", "grade")
    }
    TaskSpec.objects.bulk_create(
        [
            TaskSpec(
                scale_id=ids[r.key],
                number=t.number,
                max_score=t.max_score,
                difficulty=Difficulty(t.difficulty),
                skill=t.skill,
                codifier=t.codifier,
            )
            for r in new
            for t in r.tasks
        ],
        batch_size=2000,
    )
    return len(new)


def _refresh(keys: list[tuple[str, int]], progress: Progress | None) -> None:
    """Compute the school indicators of each (procedure, year), oldest year first (the change
    from the previous year needs it)."""
    for procedure_code, year in sorted(keys, key=lambda k: (k[1], k[0])):
        if progress:
            progress(f"{procedure_code} {year}")
        indicators_refresh(procedure_code=procedure_code, year=year)


def patterns_path() -> Path:
    return Path(settings.RESULTS_DIR) / PATTERNS_FILE


@transaction.atomic
def results_load(territory: Territory, *, seed: int, progress: Progress | None = None) -> ResultsSummary:
    """Generate and store three years of ВПР, ОГЭ and ЕГЭ for the schools of `territory`."""
    generated: DemoResults = generate_results(territory, seed)
    procedures, subjects = reference_ensure()
    summary = ResultsSummary(patterns=generated.patterns, rows=generated.rows)
    summary.scales = scales_load(generated.scales, procedures, subjects)
    files: list[PartFile] = [
        part_write(procedure_code=code, year=year, batches=table.to_batches(BATCH_ROWS))
        for (code, year), table in sorted(generated.tables.items())
    ]
    summary.parts = len(parts_activate(files=files).parts)
    path = patterns_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(generated.patterns, ensure_ascii=False, indent=1), encoding="utf-8")
    _refresh(list(generated.tables), progress)
    return summary
