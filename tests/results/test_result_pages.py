"""The territory results table (sort, filter, XLSX) and the school's results page."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from opora.core.models import School, User
from opora.results.models import Procedure, Scale, SchoolIndicator, Subject, TaskIndicator, TaskSpec
from tests.conftest import Cast


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def indicator(school: School, work: Scale, *, year: int, n: int, fails: int, class_name: str = "",
              change: float | None = None) -> SchoolIndicator:
    high = (n - fails) // 2
    return SchoolIndicator.objects.create(
        school=school, procedure=work.procedure, year=year, subject=work.subject, grade=work.grade,
        class_name=class_name, participants=n, mark2=fails, mark3=n - fails - high, mark4=high, mark5=0,
        fail_share=fails / n, fail_low=max(0, fails / n - 0.1), fail_high=min(1, fails / n + 0.1),
        high_share=high / n, high_low=0, high_high=1, mean_pct=50.0, mean_mark=3.2,
        fail_change=change, negative_dynamics=change is not None and change >= 0.10,
        small_group="too_few" if n < 10 else ("warn" if n < 30 else ""),
    )


@pytest.fixture
def results(cast: Cast) -> Scale:
    vpr, _ = Procedure.objects.get_or_create(code="vpr", defaults={"name": "ВПР"})
    math, _ = Subject.objects.get_or_create(code="math", defaults={"name": "Математика"})
    work = Scale.objects.create(procedure=vpr, year=2025, subject=math, grade=5, max_score=20,
                                mark3_from=7, mark4_from=12, mark5_from=16)
    Scale.objects.create(procedure=vpr, year=2024, subject=math, grade=5, max_score=20,
                         mark3_from=7, mark4_from=12, mark5_from=16)
    TaskSpec.objects.create(scale=work, number=1, max_score=10, difficulty="basic", skill="Умение считать")
    TaskSpec.objects.create(scale=work, number=2, max_score=10, difficulty="high", skill="Текстовые задачи")
    indicator(cast.s1, work, year=2025, n=60, fails=21, change=0.15)
    indicator(cast.s1, work, year=2024, n=58, fails=12)
    indicator(cast.s1, work, year=2025, n=30, fails=15, class_name="5А")
    indicator(cast.s2, work, year=2025, n=8, fails=1)
    indicator(cast.s3, work, year=2025, n=80, fails=4)
    indicator(cast.s4, work, year=2025, n=50, fails=40)
    for school, c1, c2 in [(cast.s1, 0.40, 0.10), (cast.s2, 0.80, 0.30), (cast.s3, 0.90, 0.50)]:
        n = SchoolIndicator.objects.get(school=school, year=2025, class_name="").participants
        TaskIndicator.objects.create(school=school, procedure=work.procedure, year=2025, subject=work.subject,
                                     grade=5, task=1, participants=n, completion=c1)
        TaskIndicator.objects.create(school=school, procedure=work.procedure, year=2025, subject=work.subject,
                                     grade=5, task=2, participants=n, completion=c2)
    return work


@pytest.mark.django_db
def test_territory_table_lists_visible_schools_worst_first(cast: Cast, results: Scale) -> None:
    response = client_for(cast.alice).get("/results/indicators/")
    codes = [r.school.code for r in response.context["page"].object_list]
    assert codes == ["1001", "1002", "1003"]  # 35% > 12.5% > 5%; 2001 is in another region
    html = response.content.decode()
    assert "+15,0" in html and "badge bad" in html  # negative dynamics marked
    assert "менее 10" in html  # the 8-pupil school is marked, not hidden


@pytest.mark.django_db
def test_territory_table_sorts_and_filters(cast: Cast, results: Scale) -> None:
    c = client_for(cast.alice)
    by_name = c.get("/results/indicators/", {"sort": "school"}).context["page"].object_list
    assert [r.school.code for r in by_name] == ["1003", "1001", "1002"]  # МАОУ < МБОУ < МКОУ
    only_m2 = c.get("/results/indicators/", {"municipality": cast.m2.pk}).context["page"].object_list
    assert [r.school.code for r in only_m2] == ["1003"]


@pytest.mark.django_db
def test_territory_table_exports_a_real_xlsx_of_the_visible_schools(cast: Cast, results: Scale) -> None:
    response = client_for(cast.oleg).get("/results/indicators/", {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Код школы"
    assert sorted(r[0] for r in rows[1:]) == ["1001", "1002"]
    assert [r for r in rows[1:] if r[0] == "1001"][0][8] == 35.0


@pytest.mark.django_db
def test_school_results_page_shows_years_tasks_and_neighbours(cast: Cast, results: Scale) -> None:
    response = client_for(cast.oleg).get("/results/schools/1001/")
    assert [r.year for r in response.context["years"]] == [2025, 2024]
    tasks = {t["task"]: t for t in response.context["tasks"]}
    # Municipality M1 = s1 (60 pupils, 40%) and s2 (8 pupils, 80%), weighted by participants.
    assert tasks[1]["municipality"] == pytest.approx((60 * 0.40 + 8 * 0.80) / 68)
    assert tasks[1]["region"] == pytest.approx((60 * 0.40 + 8 * 0.80 + 80 * 0.90) / 148)
    assert tasks[1]["status"] == "not_achieved" and tasks[2]["status"] == "not_achieved"
    assert response.context["deficits"] == ["Текстовые задачи", "Умение считать"]
    assert "Умения с системными дефицитами" in response.content.decode()


@pytest.mark.django_db
def test_a_task_near_the_bar_is_marked_as_at_the_boundary(cast: Cast, results: Scale) -> None:
    TaskIndicator.objects.filter(school=cast.s3, task=1).update(completion=0.61)
    tasks = {t["task"]: t for t in client_for(cast.vera).get("/results/schools/1003/").context["tasks"]}
    assert tasks[1]["status"] == "uncertain" and tasks[2]["status"] == "achieved"


@pytest.mark.django_db
def test_only_the_schools_own_users_see_its_classes(cast: Cast, results: Scale) -> None:
    TaskIndicator.objects.create(school=cast.s1, procedure=results.procedure, year=2025, subject=results.subject,
                                 grade=5, class_name="5А", task=1, participants=30, completion=0.2)
    sam_page = client_for(cast.sam).get("/results/schools/1001/")
    assert [r.class_name for r in sam_page.context["classes"]] == ["5А"]
    assert sam_page.context["tasks"][0]["classes"] == {"5А": 0.2}
    oleg_page = client_for(cast.oleg).get("/results/schools/1001/")
    assert oleg_page.context["classes"] == [] and "5А" not in oleg_page.content.decode()
    assert oleg_page.context["tasks"][0]["classes"] == {}


@pytest.mark.django_db
def test_school_results_of_another_school_are_not_found(cast: Cast, results: Scale) -> None:
    assert client_for(cast.sam).get("/results/schools/1003/").status_code == 404
    assert client_for(cast.zoe).get("/results/schools/1001/").status_code == 404


@pytest.mark.django_db
def test_territory_table_does_not_query_per_school(
    cast: Cast, results: Scale, django_assert_max_num_queries  # type: ignore[no-untyped-def]
) -> None:
    for i in range(60):
        school = School.objects.create(code=f"7{i:03d}", name=f"Школа {i}", municipality=cast.m1,
                                       type="secondary", settlement="city")
        indicator(school, results, year=2025, n=40, fails=i % 20)
    c = client_for(cast.alice)
    with django_assert_max_num_queries(12):
        response = c.get("/results/indicators/")
    assert len(response.context["page"].object_list) == 50


@pytest.mark.django_db
def test_school_results_show_the_grade_4_to_5_drop_of_the_cohort(cast: Cast, results: Scale) -> None:
    grade4 = Scale.objects.create(procedure=results.procedure, year=2024, subject=results.subject, grade=4,
                                  max_score=20, mark3_from=7, mark4_from=12, mark5_from=16)
    row = indicator(cast.s1, grade4, year=2024, n=50, fails=2)
    SchoolIndicator.objects.filter(pk=row.pk).update(high_share=0.70)
    SchoolIndicator.objects.filter(school=cast.s1, year=2025, grade=5, class_name="").update(high_share=0.25)
    transition = client_for(cast.sam).get("/results/schools/1001/").context["transition"]
    assert [(t["year"], t["subject"]) for t in transition] == [(2025, "Математика")]
    assert transition[0]["drop"] == pytest.approx(0.45)


@pytest.mark.django_db
def test_pooled_results_weigh_subjects_and_grades_by_participants(cast: Cast, results: Scale) -> None:
    rus, _ = Subject.objects.get_or_create(code="rus", defaults={"name": "Русский язык"})
    rus_work = Scale.objects.create(procedure=results.procedure, year=2025, subject=rus, grade=5, max_score=20,
                                    mark3_from=7, mark4_from=12, mark5_from=16)
    indicator(cast.s1, rus_work, year=2025, n=40, fails=4)  # maths: 21 of 60 fail
    c = client_for(cast.sam)
    page = c.get("/results/pooled/", {"year": 2025, "procedure": "vpr", "subjects": ["math", "rus"], "grades": [5]})
    [row] = page.context["page"].object_list
    assert row["school"].code == "1001" and row["participants"] == 100
    assert row["fail_share"] == pytest.approx(25 / 100)
    only_rus = c.get("/results/pooled/", {"year": 2025, "procedure": "vpr", "subjects": ["rus"]})
    assert only_rus.context["page"].object_list[0]["fail_share"] == pytest.approx(0.1)
    export = c.get("/results/pooled/", {"year": 2025, "subjects": ["math", "rus"], "format": "xlsx"})
    sheet = load_workbook(BytesIO(export.content)).active
    assert list(sheet.iter_rows(values_only=True))[1][:5] == ("1001", cast.s1.name, cast.m1.name, 100, 25.0)


@pytest.mark.django_db
def test_only_regional_administrators_load_scales_and_tasks(cast: Cast) -> None:
    alice_page = client_for(cast.alice).get("/results/imports/")
    assert [s["kind"].kind for s in alice_page.context["sections"]] == ["scales", "tasks", "results", "aggregates"]
    oleg = client_for(cast.oleg)
    assert [s["kind"].kind for s in oleg.get("/results/imports/").context["sections"]] == ["results", "aggregates"]
    assert oleg.post("/results/imports/scales/").status_code == 403
    assert oleg.get("/results/imports/templates/scales.xlsx").status_code == 403
    template = client_for(cast.alice).get("/results/imports/templates/scales.xlsx")
    assert load_workbook(BytesIO(template.content)).active["A1"].value
    assert client_for(cast.sam).get("/results/imports/").status_code == 403
