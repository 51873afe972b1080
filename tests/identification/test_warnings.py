"""A run says what it could not judge on the loaded data — on the page, in `opora identify` and in
the API, with the same words — and the rule-set editor says it before anything is saved."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from opora.identification.management.commands.identify import COLUMNS
from opora.identification.models import RuleSet, Run, RunSchool
from opora.identification.services import rule_set_version_create
from tests.identification.builders import AGGREGATES_ONLY, YEAR, Built
from tests.identification.conftest import run_now

# The builder's region has ВПР grade 5 and ОГЭ grade 9: a rule asking for three procedures, or for
# grade 4, cannot be met.
THREE_PROCEDURES = "Федеральный показатель требует результатов 3 процедур; загружены только ВПР, ОГЭ 2025"
GRADE_FOUR = "Набор правил читает русский язык и математику: ВПР 4; загружено за 2025: "


def _version(rule_set: RuleSet, actor: Any, **params: Any) -> RuleSet:
    current = dict(rule_set.current().params)
    current.update(params)
    return rule_set_version_create(actor=actor, rule_set=rule_set, params=current, comment="проверка").rule_set


@pytest.fixture
def three_procedures(built: Built, rule_sets: dict[str, RuleSet]) -> RuleSet:
    return _version(rule_sets["federal"], built.cast.alice, min_procedures=3)


@pytest.fixture
def grade_four(built: Built, rule_sets: dict[str, RuleSet]) -> RuleSet:
    return _version(rule_sets["quality"], built.cast.alice, quality_selection={"vpr": [4]})


def _identify(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("identify", "--year", str(YEAR), "--region", "10", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_run_stores_what_cannot_be_met_and_why_each_school_was_not_assessed(
        built: Built, grade_four: RuleSet) -> None:
    run = run_now(built.cast.r10, YEAR, grade_four)
    codes = {w["code"]: w for w in run.warnings}
    assert codes["selection_empty"]["level"] == "cannot"
    assert codes["selection_empty"]["selection"] == {"vpr": [4]}
    reasons = set(RunSchool.objects.filter(run=run).values_list("not_assessed_reason", flat=True))
    assert reasons == {"not_in_selection"}
    assert run.summary["cannot"] >= 1 and run.summary["not_assessed"] == len(built.region10)


def test_the_command_prints_the_warnings_on_stderr_and_strict_fails(built: Built, three_procedures: RuleSet) -> None:
    out, err = _identify("--rule-set", three_procedures.code, "--format", "csv")
    assert THREE_PROCEDURES in err and "ни одна школа не может ему соответствовать" in err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == COLUMNS and "dynamics" in COLUMNS and "not_assessed_reason" in COLUMNS
    with pytest.raises(CommandError, match="не может быть выполнено"):
        _identify("--rule-set", three_procedures.code, "--strict")
    # A rule set the data can meet passes --strict.
    out, _err = _identify("--rule-set", "federal", "--strict", "--format", "csv")
    assert len(list(csv.reader(io.StringIO(out)))) == 1 + len(built.region10)


def test_the_csv_gives_dynamics_and_not_assessed_reason_as_stored(built: Built, rule_sets: dict[str, RuleSet]) -> None:
    out, _err = _identify("--rule-set", "federal", "--format", "csv")
    rows = [dict(zip(COLUMNS, r, strict=True)) for r in list(csv.reader(io.StringIO(out)))[1:]]
    stored = {r.school.code: r for r in RunSchool.objects.filter(run=Run.objects.latest("pk")).select_related("school")}
    for row in rows:
        assert row["dynamics"] == stored[row["school_code"]].dynamics
        assert row["not_assessed_reason"] == stored[row["school_code"]].not_assessed_reason
    assert {r["dynamics"] for r in rows} <= {"improved", "stable", "declined", ""}
    assert any(r["dynamics"] for r in rows)


def test_the_api_gives_the_same_warnings_in_words(built: Built, three_procedures: RuleSet, client: Client) -> None:
    run_now(built.cast.r10, YEAR, three_procedures)
    client.force_login(built.cast.alice)
    response = client.get("/api/identification", {"year": YEAR, "rule_set": three_procedures.code})
    assert response.status_code == 200
    body = response.json()
    short = next(w for w in body["warnings"] if w["code"] == "procedures_short")
    assert short["level"] == "cannot" and THREE_PROCEDURES in short["message"]
    assert short["details"] == {"year": YEAR, "needed": 3, "loaded": ["vpr", "oge"]}
    assert all("not_assessed_reason" in item for item in body["items"])
    # Cannot-be-met warnings come first.
    levels = [w["level"] for w in body["warnings"]]
    assert levels == sorted(levels, key=["cannot", "limited", "info"].index)


def test_the_run_page_shows_the_warnings_and_the_signs_calibration(
        built: Built, grade_four: RuleSet, client: Client) -> None:
    run = run_now(built.cast.r10, YEAR, grade_four)
    client.force_login(built.cast.alice)
    page = client.get(reverse("identification:run", args=[run.pk])).content.decode()
    assert "Что расчёт не смог оценить" in page and GRADE_FOUR in page
    assert "невыполнимо" in page
    assert "нет результатов работ, которые читает набор правил" in page  # a school's reason in the table
    assert "Признаки необъективных результатов в регионе" in page and "доля ложных срабатываний" in page


def test_the_rule_set_editor_warns_before_saving_and_the_preview_says_the_same(
        built: Built, grade_four: RuleSet, client: Client) -> None:
    client.force_login(built.cast.alice)
    page = client.get(reverse("identification:rule_set", args=[grade_four.code])).content.decode()
    assert GRADE_FOUR in page and "На данных" in page
    params = dict(grade_four.current().params)
    from opora.identification.execution import run_execute
    from opora.identification.services import run_create

    preview = run_execute(run_create(actor=built.cast.alice, region=built.cast.r10, year=YEAR, rule_set=grade_four,
                                     params=params, enqueue=False))
    shown = client.get(reverse("identification:rule_set_preview", args=[grade_four.code, preview.pk]))
    assert GRADE_FOUR in shown.content.decode()


def test_a_school_known_only_from_aggregates_is_assessed(federal_run: Run) -> None:
    row = RunSchool.objects.get(run=federal_run, school__code=AGGREGATES_ONLY)
    assert row.not_assessed_reason in ("", "no_previous_year")
