from __future__ import annotations

from typing import Any

import pytest

from opora.cases import services
from opora.cases.models import ObjectivityCase
from opora.identification.models import Run, RunSchool
from tests.conftest import Cast
from tests.identification.builders import YEAR
from tests.identification.conftest import _results_dir, built, rule_sets, run_now  # noqa: F401  # shared fixtures

SIGN_ROW = {"sign": "boundary_peak", "status": "present", "procedure": "vpr", "subject": "math", "grade": 5,
            "numbers": {"participants": 32, "boundary": "b3", "at": 9, "below": 0, "ratio": 9.0}}


def plant_sign(run: Run, code: str, procedure: str = "vpr", index: float = 0.8) -> RunSchool:
    """The run row of `code` as if the run had found a boundary peak in `procedure`'s maths."""
    row = RunSchool.objects.get(run=run, school__code=code)
    evidence = dict(row.evidence)
    part = dict(evidence.get("objectivity") or {})
    part["present"] = [{**SIGN_ROW, "school_code": code, "procedure": procedure}]
    part["statuses"] = {"boundary_peak": "present"}
    evidence["objectivity"] = part
    row.evidence = evidence
    row.objectivity_index = index
    row.objectivity_signs = ["boundary_peak"]
    row.save()
    return row


@pytest.fixture
def federal_run(built: Any, rule_sets: dict[str, Any]) -> Run:  # noqa: F811  # the same run as identification's
    return run_now(built.cast.r10, YEAR, rule_sets["federal"])


@pytest.fixture
def signed_run(federal_run: Run) -> Run:
    plant_sign(federal_run, "1001")
    return federal_run


@pytest.fixture
def case(cast: Cast, signed_run: Run) -> ObjectivityCase:
    return services.cases_open(actor=cast.rita, run=signed_run, procedure="vpr", schools=[cast.s1]).created[0]


def answered(cast: Cast, case: ObjectivityCase, **kwargs: Any) -> ObjectivityCase:
    return services.case_answer(actor=cast.sam, case=case, lock_version=case.lock_version,
                                text="Работы проверяла независимая комиссия.", **kwargs)


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
