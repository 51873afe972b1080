from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from opora.identification.execution import run_execute
from opora.identification.models import RuleSet, Run
from opora.identification.services import rule_sets_ensure, run_create
from tests.conftest import Cast
from tests.identification.builders import YEAR, Built, build


@pytest.fixture(autouse=True)
def _results_dir(settings: Any, tmp_path: Path) -> Path:
    settings.RESULTS_DIR = tmp_path / "store"
    return Path(settings.RESULTS_DIR)


@pytest.fixture
def rule_sets(db: None) -> dict[str, RuleSet]:
    rule_sets_ensure()
    return {r.code: r for r in RuleSet.objects.all()}


@pytest.fixture
def built(cast: Cast, rule_sets: dict[str, RuleSet]) -> Built:
    return build(cast)


def run_now(region: Any, year: int, rule_set: RuleSet) -> Run:
    """A run computed in the calling thread, as the command line does it."""
    run = run_create(actor=None, region=region, year=year, rule_set=rule_set, enqueue=False)
    return run_execute(run)


@pytest.fixture
def federal_run(built: Built, rule_sets: dict[str, RuleSet]) -> Run:
    return run_now(built.cast.r10, YEAR, rule_sets["federal"])
