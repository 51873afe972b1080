"""Executing an identification run: read its inputs, compute the flags, store one row per school.
The background task and the command line call it; it checks no access (they were checked when the
run was queued)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from opora.core.models import School
from opora.identification.models import Run, RunSchool, RunStatus

Progress = Callable[[int, int], None]
BATCH = 2_000


def _clean(value: Any) -> Any:
    """numpy/pandas scalars → plain Python; NaN/NA → None."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_execute(run: Run, progress: Progress | None = None) -> Run:
    """Read the inputs, compute the flags, store one row per school. Safe to call again."""
    from opora.analytics.identify import identify
    from opora.analytics.rules import RuleParams
    from opora.identification.inputs import inputs_load, suppressed_warning

    report = progress or (lambda done, total: None)
    Run.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, error="")
    report(0, 4)
    data = inputs_load(region=run.region, year=run.year, params=run.params)
    report(1, 4)
    result = identify(data.works, data.tasks, data.schools, data.passports, data.history, run.year,
                      RuleParams.from_dict(run.params))
    report(2, 4)
    ids = dict(School.objects.filter(code__in=result.schools["school_code"].tolist(),
                                     municipality__region=run.region).values_list("code", "pk"))
    fields = [f.name for f in RunSchool._meta.get_fields()
              if f.concrete and f.name not in {"id", "run", "school", "evidence"}]
    rows = []
    for record in result.schools.to_dict("records"):
        code = record["school_code"]
        if code not in ids:
            continue
        values = {name: _clean(record.get(name)) for name in fields}
        for name in ("position", "typology", "dynamics", "stable_years", "not_assessed_reason"):
            values[name] = values[name] or ""
        for name in ("adverse_context", "resilient", "low_results", "decline_risk", "exit", "included"):
            values[name] = bool(values[name])
        values["repeated"] = int(values["repeated"] or 0)
        values["objectivity_signs"] = list(record.get("objectivity_signs") or [])
        rows.append(RunSchool(run=run, school_id=ids[code], evidence=result.evidence.get(code, {}), **values))
    with transaction.atomic():
        RunSchool.objects.filter(run=run).delete()
        RunSchool.objects.bulk_create(rows, batch_size=BATCH)
        run.inputs = data.read
        run.population = result.population
        run.warnings = result.warnings + suppressed_warning(data.read)
        run.summary = {
            "schools": len(rows),
            "included": sum(r.included for r in rows),
            "low_results": sum(r.low_results for r in rows),
            "adverse_context": sum(r.adverse_context for r in rows),
            "resilient": sum(r.resilient for r in rows),
            "decline_risk": sum(r.decline_risk for r in rows),
            "objectivity": sum(bool(r.objectivity_signs) for r in rows),
            "exit": sum(r.exit for r in rows),
            "not_assessed": sum(bool(r.not_assessed_reason) for r in rows),
            "cannot": sum(w.get("level") == "cannot" for w in result.warnings),
        }
        run.status = RunStatus.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["inputs", "population", "summary", "warnings", "status", "finished_at"])
    report(4, 4)
    return run


def run_failed(run: Run, message: str) -> None:
    Run.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=message, finished_at=timezone.now())
