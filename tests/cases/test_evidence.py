"""The evidence of an objectivity case: the pure figures on small frames with known answers, and the
case page with its charts, for whoever may see the case and for no one else."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse

from opora.analytics.case_evidence import (
    counts_from_lists,
    journal_comparison,
    score_distribution,
    similar_schools,
    task_comparison,
    years_against_peers,
)
from opora.cases.evidence import case_evidence, work_parts
from opora.cases.models import ObjectivityCase
from opora.core.models import School
from tests.conftest import Cast
from tests.identification.builders import PUPILS


def test_score_distribution_gives_shares_and_the_boundaries() -> None:
    counts = pd.DataFrame([("A", 7, 1), ("A", 8, 3), ("B", 5, 2), ("B", 10, 2)],
                          columns=["school_code", "score", "pupils"])
    d = score_distribution(counts, "A", 10, (8, None, None))
    assert d is not None
    assert d.scores == list(range(11)) and (d.school_n, d.region_n) == (4, 8)
    assert d.school[8] == 0.75 and d.region[8] == 3 / 8 and math.isclose(sum(d.region), 1.0)
    [b] = d.boundaries
    assert (b.mark, b.score, b.school_at, b.school_below, b.region_at, b.region_below) == (3, 8, 0.75, 0.25,
                                                                                         3 / 8, 1 / 8)
    assert score_distribution(counts, "C", 10, (8, None, None)) is None


def test_score_counts_of_aggregates_read_as_the_same_frame() -> None:
    frame = counts_from_lists([("A", [0, 2, 0, 1]), ("B", [1])])
    assert frame.values.tolist() == [["A", 1, 2], ["A", 3, 1], ["B", 0, 1]]


def test_journal_comparison_of_the_school_and_the_region() -> None:
    frame = pd.DataFrame({"school_code": ["A", "B", "C"], "lowered": [1, 0, None], "confirmed": [3, 2, None],
                          "raised": [0, 2, None]})
    j = journal_comparison(frame, "A")
    assert j is not None
    assert (j.school.pupils, j.school.lowered, j.school.confirmed, j.school.raised) == (4, 0.25, 0.75, 0.0)
    assert (j.region.pupils, j.region.lowered, j.region.confirmed, j.region.raised) == (8, 1 / 8, 5 / 8, 2 / 8)
    assert journal_comparison(frame, "C") is None


def test_years_against_the_quartiles_of_similar_schools() -> None:
    rows = [("S", 2024, 90.0, 0.0)] + [(f"P{i}", 2024, 10.0 * i, 0.1) for i in range(1, 6)]
    rows += [("S", 2023, 60.0, 0.0)] + [(f"P{i}", 2023, 50.0, 0.1) for i in range(1, 5)]
    frame = pd.DataFrame(rows, columns=["school_code", "year", "mean_pct", "fail_share"])
    y = years_against_peers(frame, "S", [f"P{i}" for i in range(1, 6)] + ["S"])
    assert y is not None and y.measure == "mean_pct"
    early, late = y.points
    assert (early.year, early.school, early.median, early.peers) == (2023, 60.0, None, 4)  # four: no reference
    assert (late.year, late.school, late.median, late.q1, late.q3, late.peers) == (2024, 90.0, 30.0, 20.0, 40.0, 5)
    only_fails = frame.assign(mean_pct=None)
    found = years_against_peers(only_fails, "S", ["P1"])
    assert found is not None and found.measure == "fail_share"


def test_similar_schools_by_stanine_then_quality_group_then_the_region() -> None:
    context = pd.DataFrame({"school_code": ["S", "A", "B", "C", "D", "E", "F"],
                            "swi_stanine": [5, 4, 5, 6, 6, 9, 1],
                            "quality_group": [2, 2, 2, 2, 2, 2, 1]})
    assert similar_schools(context, "S", min_peers=4) == (["A", "B", "C", "D"], "stanine")
    assert similar_schools(context, "S", min_peers=5) == (["A", "B", "C", "D", "E"], "quality")
    assert similar_schools(context, "S", min_peers=6) == (["A", "B", "C", "D", "E", "F"], "region")


def test_a_hard_task_done_better_than_an_easy_one_is_odd() -> None:
    frame = pd.DataFrame({"school_code": ["A", "A", "B", "B"], "task": [1, 2, 1, 2], "participants": [10, 10, 30, 30],
                          "completion": [0.4, 0.8, 1.0, 0.4]})
    t = task_comparison(frame, "A")
    assert t is not None and t.inversions == 1
    easy, hard = t.rows
    assert (easy.task, easy.school, easy.region, easy.odd) == (1, 0.4, 0.85, False)
    assert (hard.task, hard.school, hard.region, hard.odd) == (2, 0.8, 0.5, True)
    assert task_comparison(frame, "C") is None


def test_the_evidence_of_a_case_reads_the_pupils_and_the_rollups(case: ObjectivityCase) -> None:
    evidence = case_evidence(case)
    [work] = evidence.works
    assert (work.subject, work.grade, work.distribution_source) == ("math", 5, "pupils")
    d = work.distribution
    assert d is not None and d.school_n == PUPILS and d.region_n > 10 * PUPILS
    assert [b.score for b in d.boundaries] == [8, 12, 17]
    assert sum(d.school[s] for s in (5, 10, 14, 19)) == pytest.approx(1.0)
    assert work.journal is not None and work.journal.school.confirmed == 1.0 and work.journal.region.confirmed == 1.0
    assert work.years is not None and [p.year for p in work.years.points] == [2024, 2025]
    assert work.years.points[-1].median is not None
    parts = work_parts(work, evidence.peers_label)
    assert [p.key for p in parts] == ["distribution", "journal", "years", "tasks"]
    assert parts[0].rows[0][:2] == ["«3»", "8"]


@pytest.fixture
def page(cast: Cast, case: ObjectivityCase) -> str:
    client = Client()
    client.force_login(cast.sam)
    response = client.get(reverse("cases:case", kwargs={"pk": case.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_page_shows_the_charts_and_the_file_links(case: ObjectivityCase, page: str) -> None:
    for css in ("case-distribution", "case-journal", "case-years"):
        assert f'<svg class="chart {css}"' in page
    assert reverse("cases:case_file", kwargs={"pk": case.pk, "fmt": "docx"}) in page
    assert reverse("cases:case_file", kwargs={"pk": case.pk, "fmt": "pdf"}) in page


def test_no_other_school_is_named_in_the_evidence(cast: Cast, case: ObjectivityCase, page: str) -> None:
    evidence = page[page.index('id="evidence"'):page.index('id="history"')]
    assert case.school.name in page
    others = School.objects.filter(municipality__region=case.region).exclude(pk=case.school_id)
    assert others.count() > 10
    for school in others:
        assert school.name not in evidence
        assert f">{school.code}<" not in evidence


def test_a_head_of_another_school_gets_404(cast: Cast, case: ObjectivityCase) -> None:
    client = Client()
    client.force_login(cast.vera)
    assert client.get(reverse("cases:case", kwargs={"pk": case.pk})).status_code == 404
    assert client.get(reverse("cases:case_file", kwargs={"pk": case.pk, "fmt": "docx"})).status_code == 404
