"""A run queued from the services and executed by the background task (immediate in tests):
one RunSchool row per school with the flags, and the inputs it read stored with it."""

from __future__ import annotations

from typing import Any

from opora.identification.models import RuleSet, Run, RunSchool, RunStatus
from opora.identification.services import list_approve, override_set, run_create
from opora.jobs.models import JobStatus
from tests.identification.builders import AGGREGATES_ONLY, LOW, YEAR, Built
from tests.identification.conftest import run_now


def _rows(run: Run) -> dict[str, RunSchool]:
    return {r.school.code: r for r in RunSchool.objects.filter(run=run).select_related("school")}


def test_a_run_through_the_task_stores_every_school_and_what_it_read(
    built: Built, rule_sets: dict[str, RuleSet], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = run_create(actor=built.cast.alice, region=built.cast.r10, year=YEAR, rule_set=rule_sets["federal"])
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.job is not None and run.job.status == JobStatus.SUCCEEDED
    rows = _rows(run)
    assert sorted(rows) == built.region10
    assert [code for code, r in sorted(rows.items()) if r.low_results] == [LOW]
    assert [code for code, r in sorted(rows.items()) if r.included] == [LOW]
    low = rows[LOW]
    assert low.evidence["low_results"]["failing_procedures"] == 2  # ВПР and ОГЭ at 44% fails
    assert low.evidence["low_results"]["failing_both_years"] is True
    assert run.summary["included"] == 1 and run.summary["schools"] == 15
    assert run.inputs["schools"] == 15
    assert sorted({(p["procedure"], p["year"]) for p in run.inputs["parts"]}) == [
        ("oge", 2024), ("oge", 2025), ("vpr", 2024), ("vpr", 2025)]
    assert len(run.inputs["fingerprint"]) == 64
    assert run.population["schools"] == 15


def test_signs_needing_pupils_are_not_enough_data_for_a_school_known_from_aggregates(federal_run: Run) -> None:
    rows = _rows(federal_run)
    statuses = rows[AGGREGATES_ONLY].evidence["objectivity"]["statuses"]
    assert statuses["boundary_peak"] == "not_enough_data"
    assert statuses["journal_gap"] == "not_enough_data"
    # The same signs are evaluated for a school with pupil rows.
    # The journal comparison is judged for a school with pupil rows (its pupils score nowhere near a
    # mark boundary here, so no school's boundary peak can be, and the run says so).
    pupils = rows["1001"].evidence["objectivity"]["statuses"]
    assert pupils["journal_gap"] in {"present", "absent"}
    assert {"code": "sign_not_judged", "level": "limited", "sign": "boundary_peak",
            "needs": "distribution"} in federal_run.warnings


def test_an_earlier_approved_list_counts_in_repeated_and_exit(built: Built, rule_sets: dict[str, RuleSet]) -> None:
    earlier = run_now(built.cast.r10, 2024, rule_sets["federal"])
    list_approve(actor=built.cast.alice, run=earlier)
    for school in (built.cast.s2, built.cast.s3):
        override_set(actor=built.cast.alice, region=built.cast.r10, year=2024, school=school, action="include",
                     reason="Решение комиссии")
    rows = _rows(run_now(built.cast.r10, YEAR, rule_sets["federal"]))
    assert (rows[LOW].repeated, rows[LOW].included, rows[LOW].exit) == (2, True, False)
    assert (rows["1003"].repeated, rows["1003"].included, rows["1003"].exit) == (1, False, True)
    assert (rows["1001"].repeated, rows["1001"].exit) == (0, False)


def test_a_run_for_a_year_without_results_fails_with_a_message(
    built: Built, rule_sets: dict[str, RuleSet], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = run_create(actor=built.cast.rita, region=built.cast.r10, year=2026, rule_set=rule_sets["federal"])
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "2026" in run.error
    assert run.job.status == JobStatus.FAILED
    assert not RunSchool.objects.filter(run=run).exists()


def test_running_again_on_the_same_data_gives_the_same_flags(federal_run: Run, rule_sets: dict[str, RuleSet]) -> None:
    again = run_now(federal_run.region, YEAR, rule_sets["federal"])
    assert again.inputs["fingerprint"] == federal_run.inputs["fingerprint"]
    fields = ("swi", "swi_stanine", "low_results", "included", "quality_group", "residual", "objectivity_index")
    first, second = _rows(federal_run), _rows(again)
    assert {c: [getattr(r, f) for f in fields] for c, r in first.items()} == \
        {c: [getattr(r, f) for f in fields] for c, r in second.items()}
