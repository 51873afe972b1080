"""The demo region arrives with identification done: approved lists for the last two years, a
manual inclusion, runs of every shipped rule set — and the planted patterns are found."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from opora.demo.results_loader import patterns_path
from opora.identification.models import ListEntry, Run, RunSchool, RunStatus, YearList

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: Any) -> dict[str, list[str]]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("demo", "--size", "tiny", "--seed", "1", stdout=out)
    assert "Выявление" in out.getvalue()
    return json.loads(patterns_path().read_text())


def _latest(code: str) -> Run:
    return Run.objects.filter(rule_set__code=code, status=RunStatus.DONE).order_by("-year", "-pk").first()


def test_demo_has_approved_lists_for_two_years_with_a_manual_inclusion(demo: dict[str, list[str]]) -> None:
    lists = list(YearList.objects.order_by("year"))
    assert [y.year for y in lists] == [2024, 2025]
    latest = lists[-1]
    manual = ListEntry.objects.filter(year_list=latest, manual=True)
    assert manual.count() == 1 and manual.get().reason
    proposed = set(RunSchool.objects.filter(run=latest.run, included=True).values_list("school_id", flat=True))
    listed = set(latest.entries.values_list("school_id", flat=True))
    assert listed == proposed | {manual.get().school_id}


def test_every_shipped_rule_set_has_a_run_for_the_latest_year(demo: dict[str, list[str]]) -> None:
    for code in ("federal", "municipal", "quality"):
        run = _latest(code)
        assert run is not None and run.year == 2025
        assert run.schools.count() == 24
        assert run.inputs["parts"], "the run records the result files it read"


def test_planted_patterns_are_found_by_the_identification(demo: dict[str, list[str]]) -> None:
    rows = {r.school.code: r for r in RunSchool.objects.filter(run=_latest("quality")).select_related("school")}
    assert all(rows[code].decline_risk for code in demo["declining"])
    assert all(rows[code].objectivity_signs for code in demo["inflated"])
    assert any(rows[code].typology == "resilient" for code in demo["resilient"])
    # Ordinary schools are not all flagged: the flags tell schools apart.
    planted = {code for codes in demo.values() for code in codes}
    ordinary = [r for code, r in rows.items() if code not in planted]
    assert sum(r.decline_risk for r in ordinary) < len(ordinary) / 3
