"""The "why" in words and numbers, on the evidence the real `identify()` writes for a synthetic
region with known truth (`tests.analytics.identify_data`), and on evidence with keys missing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from django.utils import translation

from opora.analytics.identify import identify
from opora.analytics.rules import RuleParams
from opora.identification import explain
from opora.identification.explain import Names
from tests.analytics.identify_data import build_region

NAMES = Names(procedures={"vpr": "ВПР", "oge": "ОГЭ", "ege": "ЕГЭ"},
              subjects={"math": "Математика", "ru": "Русский язык", "bio": "Биология"})


@pytest.fixture(scope="module")
def region() -> Any:
    return build_region()


def rows(region: Any, kind: str) -> dict[str, SimpleNamespace]:
    """Each school's identification as the RunSchool fields and evidence the pages read."""
    result = identify(region.works, region.tasks, region.schools, region.passports, region.history, region.year,
                      RuleParams(kind=kind))
    out = {}
    for record in result.schools.to_dict("records"):
        fields = {k: (None if not isinstance(v, list) and pd.isna(v) else v) for k, v in record.items()}
        out[record["school_code"]] = SimpleNamespace(**fields, evidence=result.evidence[record["school_code"]])
    return out


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def test_a_federal_low_school_is_told_which_procedures_and_subjects_fail_and_for_how_long(region: Any) -> None:
    low = rows(region, "federal")["low1"]
    sentences = explain.summary_sentences(low, NAMES, kind="federal", year=2025)
    assert sentences[0] == "In 2025 the fail share was 30% or more in 3 procedures: ЕГЭ 44.0%, ОГЭ 45.0%, ВПР 44.0%."
    assert "The same procedure failed last year too." in sentences
    # «Доля «2» по предмету «Математика» не ниже 30% 2 года подряд»: pooled over the maths works of each year.
    maths = next(s for s in sentences if "«Математика»" in s)
    assert maths.startswith("The fail share in «Математика» has been 30% or more for 2 years running (2024: ")
    assert "In the list for 3 years, this one included." in sentences  # 2023 and 2024 lists, and now


def test_a_school_kept_for_its_objectivity_signs_is_told_so_with_the_signs(region: Any) -> None:
    inflated = rows(region, "federal")["inflated"]
    sentences = explain.summary_sentences(inflated, NAMES, kind="federal", year=2025)
    assert sentences[0].startswith("No longer meets the rule, but kept in the list")
    signs = next(s for s in sentences if s.startswith("Signs of non-objective results:"))
    assert "peak at a mark boundary" in signs and "gap with journal marks" in signs
    items = {i.key: i for i in explain.why_items(inflated, NAMES)}
    statuses = {s.code: s.status for s in items["objectivity"].signs}
    assert statuses["boundary_peak"] == "present" and statuses["journal_gap"] == "present"
    assert items["objectivity"].flagged and items["objectivity"].tables[0].rows
    boundary = next(r for r in items["objectivity"].tables[0].rows if r[0] == "peak at a mark boundary")
    assert "boundary: «3»" in boundary[2]


def test_leaving_declining_and_borderline_schools(region: Any) -> None:
    federal = rows(region, "federal")
    assert explain.summary_sentences(federal["leaver"], NAMES, kind="federal", year=2025)[0].startswith(
        "Leaves the list")
    declining = explain.summary_sentences(federal["declining"], NAMES, kind="federal", year=2025)
    assert "Risk of decline: the fail share is rising towards the bar." in declining
    decline = next(i for i in explain.why_items(federal["declining"], NAMES) if i.key == "decline_risk")
    table = decline.tables[0]
    assert table.headers[1:4] == ["fail share, 2023", "fail share, 2024", "fail share, 2025"]
    assert any(row[1:4] == ["4.0%", "16.0%", "28.0%"] for row in table.rows)
    edge = explain.summary_sentences(federal["edge"], NAMES, kind="federal", year=2025)
    assert "A borderline case: the verdict changes when the thresholds move by 10%." in edge


def test_municipal_and_quality_rules_speak_of_their_own_numbers(region: Any) -> None:
    municipal = explain.summary_sentences(rows(region, "municipal")["low1"], NAMES, kind="municipal", year=2025)
    assert municipal[0].startswith("Composite rank 0.") and "the cut for the list is" in municipal[0]
    assert any("worse than" in s and "of the region's schools" in s for s in municipal)
    quality = rows(region, "quality")["low1"]
    assert explain.summary_sentences(quality, NAMES, kind="quality", year=2025)[0] == \
        "Quality group 1 of 9; groups 1–3 count as low results."
    items = {i.key: i for i in explain.why_items(quality, NAMES)}
    assert dict(items["low_results"].rule)["lowest groups counted as low results"] == "3"
    assert dict(items["quality"].numbers)["share of «2»"].endswith("%")


def test_every_flag_shows_its_rule_and_the_resilient_school_its_typology(region: Any) -> None:
    federal = rows(region, "federal")
    items = explain.why_items(federal["resilient"], NAMES)
    assert [i.key for i in items] == ["low_results", "adverse_context", "expected", "typology", "quality",
                                     "decline_risk", "dynamics", "objectivity", "repeated", "exit", "stability"]
    assert all(i.rule for i in items)
    by_key = {i.key: i for i in items}
    assert by_key["typology"].value == "resilient"
    assert by_key["adverse_context"].flagged and by_key["adverse_context"].value.startswith("yes, stanine ")
    rule = dict(by_key["low_results"].rule)
    assert rule["fail share bar"] == "30.0%" and rule["procedures"] == "ВПР, ОГЭ, ЕГЭ" and rule["subjects"] == "all"


def blank_row(**fields: Any) -> SimpleNamespace:
    base = {
        "swi": None, "swi_stanine": None, "adverse_context": False, "result": None, "expected": None,
        "residual": None, "residual_low": None, "residual_high": None, "reliability": None, "position": "",
        "typology": "", "resilient": False, "quality_index": None, "quality_group": None, "low_results": False,
        "low_score": None, "decline_risk": False, "dynamics": "", "objectivity_index": None, "objectivity_signs": [],
        "repeated": 0, "exit": False, "included": False, "stable_years": "", "stable_thresholds": None,
        "stable_context": None, "evidence": {},
    }
    return SimpleNamespace(**{**base, **fields})


def test_missing_or_odd_evidence_still_gives_a_panel_from_the_row(region: Any) -> None:
    empty = blank_row(low_results=True, included=True, repeated=1, swi_stanine=2, adverse_context=True,
                      objectivity_signs=["journal_gap"])
    items = explain.why_items(empty)
    assert len(items) == 11 and items[0].value == "yes" and items[0].rule == []
    assert {s.code: s.status for s in items[7].signs}["journal_gap"] == "present"
    assert explain.summary_sentences(empty) == [
        "The school meets the low-results rule.",
        "Social well-being in stanine 2 of 9: adverse social context.",
        "Signs of non-objective results: gap with journal marks. A prompt to analyse, not a verdict.",
    ]
    odd = blank_row(evidence={"low_results": {"value": True, "rule": {"kind": "federal", "new_setting": 7},
                                              "procedures": "not a list", "works": [{"year": 2025}]},
                              "objectivity": ["not", "a", "dict"], "stability": {"low_at": {"x": True}}})
    items = explain.why_items(odd)
    assert ("new_setting", "7") in items[0].rule  # an unknown parameter is shown under its own name
    assert explain.summary_sentences(odd, kind="federal", year=2025)


def test_shares_are_rounded_half_up_in_the_russian_format() -> None:
    with translation.override("ru"):
        assert explain.pct(14 / 32) == "43,8%" and explain.pct(0.3) == "30,0%" and explain.points(-0.125) == "−12,5"
