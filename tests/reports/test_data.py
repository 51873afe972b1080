"""The report's content on a small territory whose figures are worked out by hand (builders.known_territory)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils.translation import gettext as _

from opora.core.errors import ValidationFailed
from opora.reports.data import ReportData, build, scope_parse
from tests.conftest import Cast
from tests.reports.builders import known_territory

TODAY = date(2026, 5, 15)


def section(data: ReportData, number: int) -> dict:
    s = data.sections[number - 1]
    return {"title": s.title, "empty": s.empty, "text": " ".join(s.paragraphs),
            "tables": {caption: t for caption, t in s.tables}, "charts": s.charts}


def cells(table) -> list[list[str]]:
    return [list(row) for row in table.rows]


@pytest.fixture
def m1_report(cast: Cast) -> ReportData:
    known_territory(cast)
    return build(scope_parse("municipality:10-01"), 2026, today=TODAY)


def test_the_report_has_the_numbered_sections_and_conclusions(m1_report: ReportData) -> None:
    assert [s.number for s in m1_report.sections] == list(range(1, 9))
    assert m1_report.conclusions
    assert m1_report.territory == "Озёрский округ"


def test_general_information_counts_schools_pupils_and_the_list(m1_report: ReportData) -> None:
    general = section(m1_report, 1)
    rows = dict(cells(general["tables"][""]))
    assert rows[_("Schools (active)")] == "2"
    assert rows[_("Pupils (by the schools' register)")] == "727"  # 640 + 87
    assert rows[_("Schools on the approved list of %(year)s") % {"year": 2026}] == "1"


def test_results_compare_the_municipality_with_the_region_and_draw_charts(m1_report: ReportData) -> None:
    results = section(m1_report, 2)
    table = results["tables"][_("Results by procedure and year")]
    assert ["ВПР", "2025", "70", "25,7 %"] == cells(table)[0][:4]
    # 2026: m1 11 of 70; the region 16 of 170 (s3's 100 pupils included).
    assert cells(table)[1][:4] == ["ВПР", "2026", "70", "15,7 %"]
    assert cells(table)[1][5] == "9,4 %"
    assert len(results["charts"]) == 2
    assert all(chart.png.startswith(b"\x89PNG") for chart in results["charts"])


def test_identification_names_flags_entries_and_exits(m1_report: ReportData) -> None:
    table = section(m1_report, 3)["tables"][_("Schools by identification flag")]
    rows = {r[0]: r[1:] for r in cells(table)}
    assert rows[str(_("low results"))] == ["1", "МБОУ СОШ № 1 г. Озёрска"]
    assert rows[str(_("resilient"))] == ["1", "МКОУ Заречная ООШ"]
    assert rows[_("left the list (on the list of %(prev)s)") % {"prev": 2025}] == ["1", "МКОУ Заречная ООШ"]
    assert rows[_("entered the list (not on the list of %(prev)s)") % {"prev": 2025}] == ["0", "—"]


def test_a_section_without_data_says_so_and_is_not_zero(m1_report: ReportData) -> None:
    risks = section(m1_report, 4)
    assert risks["empty"] == _("No risk profiles of the territory's schools for %(year)s.") % {"year": 2026}
    assert not risks["tables"]


def test_roadmap_execution_counts_on_time_and_overdue(m1_report: ReportData) -> None:
    roadmaps = section(m1_report, 5)
    table = roadmaps["tables"][_("Execution of roadmap measures by school")]
    assert cells(table) == [["МБОУ СОШ № 1 г. Озёрска", "3", "1", "1", "1", "33,3 %"]]


def test_support_and_teachers_are_counted_without_names(m1_report: ReportData) -> None:
    support = dict(cells(section(m1_report, 6)["tables"][""]))
    assert support[_("Schools with a curator")] == "1"  # s1 (kate since Sep 2025)
    assert support[_("Schools in network partnerships")] == "1"  # s2 with s1 since Jan 2026
    teachers = {r[0]: r[1:] for r in cells(section(m1_report, 7)["tables"][""])}
    assert teachers[_("Teachers in the staff registry")] == ["6", "100 %"]
    assert teachers[_("Diagnosed for professional deficits")] == ["3", "50,0 %"]
    everything = repr(m1_report)
    assert "Учитель 0" not in everything and "Педагог 0" not in everything


def test_programme_indicators_plan_against_fact(m1_report: ReportData) -> None:
    kpis = section(m1_report, 8)
    table = kpis["tables"]["Программа поддержки ШНОР (2025–2027)"]
    rows = cells(table)
    assert rows[3][1:4] == ["25,0 %", "33,3 %", str(_("achieved"))]  # partnerships: 1 of 3 against 25 %
    assert rows[0][2] == "50,0 %"  # dynamics 1 of 2, s3 missing
    assert "1" in rows[0][4]


def test_conclusions_are_written_from_the_numbers(m1_report: ReportData) -> None:
    text = " ".join(m1_report.conclusions)
    assert "25,7 %" in text and "15,7 %" in text and "9,4 %" in text
    assert "33,3 %" in text  # measures on time


def test_a_school_report_covers_only_the_school(cast: Cast) -> None:
    known_territory(cast)
    data = build(scope_parse("school:1002"), 2026, today=TODAY)
    results = section(data, 2)["tables"][_("Results by procedure and year")]
    assert cells(results)[1][:4] == ["ВПР", "2026", "20", "30,0 %"]
    assert "МБОУ СОШ № 1" not in " ".join(" ".join(r) for r in cells(section(data, 3)["tables"][
        _("Schools by identification flag")]))


def test_a_region_report_has_no_comparison_columns(cast: Cast) -> None:
    known_territory(cast)
    data = build(scope_parse("region:10"), 2026, today=TODAY)
    table = section(data, 2)["tables"][_("Results by procedure and year")]
    assert len(table.headers) == 5
    assert cells(table)[-1][:4] == ["ВПР", "2026", "170", "9,4 %"]


def test_an_empty_territory_says_there_is_too_little_data(cast: Cast) -> None:
    data = build(scope_parse("municipality:20-01"), 2026, today=TODAY)
    assert [s.empty != "" for s in data.sections][1:] == [True] * 7
    assert data.conclusions == [_("Opora holds too little data on the territory for %(year)s to draw conclusions.")
                                % {"year": 2026}]


@pytest.mark.parametrize("value", ["municipality:nope", "district:10-01", "10-01", "school:"])
def test_a_bad_scope_is_refused(cast: Cast, value: str) -> None:
    with pytest.raises(ValidationFailed):
        scope_parse(value)
