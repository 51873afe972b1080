"""A small territory whose report can be checked by hand: the cast, `known_programme` (lists of 2025
and 2026, partnerships, curators, visits, teachers) plus results, flags and a roadmap."""

from __future__ import annotations

from datetime import date

from opora.core.models import School
from opora.identification.models import RunSchool
from opora.plans.models import Document, Measure
from opora.programmes.models import Programme
from opora.results.models import Procedure, SchoolIndicator, Subject
from tests.conftest import Cast
from tests.programmes.builders import known_programme


def result(school: School, *, year: int, n: int, fails: int, mean: float = 3.5) -> SchoolIndicator:
    vpr, _ = Procedure.objects.get_or_create(code="vpr", defaults={"name": "ВПР"})
    math, _ = Subject.objects.get_or_create(code="math", defaults={"name": "Математика"})
    return SchoolIndicator.objects.create(
        school=school, procedure=vpr, year=year, subject=math, grade=5, participants=n, mark2=fails,
        mark3=n - fails, fail_share=fails / n, fail_low=0, fail_high=1, high_share=0, high_low=0, high_high=1,
        mean_mark=mean)


def known_territory(cast: Cast) -> Programme:
    """By hand, 2026:
    - m1 (s1, s2): ВПР «2» 2025 = 18/70 = 25,7 %, 2026 = 11/70 = 15,7 %; the region 2026 = 16/170 = 9,4 %;
    - list 2026: s1 only; 2025: s1, s2, s3 → m1: entered none, left s2;
    - flags 2026: s1 low results, s2 resilient;
    - s1's roadmap: 3 measures, one done on time, one overdue (due 1 Mar 2026), one planned later;
    - no risk profiles anywhere.
    """
    programme = known_programme(cast)
    result(cast.s1, year=2025, n=50, fails=10, mean=3.4)
    result(cast.s1, year=2026, n=50, fails=5, mean=3.6)
    result(cast.s2, year=2025, n=20, fails=8, mean=3.0)
    result(cast.s2, year=2026, n=20, fails=6, mean=3.1)
    result(cast.s3, year=2026, n=100, fails=5, mean=4.0)
    RunSchool.objects.filter(school=cast.s1).update(low_results=True)
    RunSchool.objects.filter(school=cast.s2).update(resilient=True)
    roadmap = Document.objects.create(school=cast.s1, year=2026, kind="roadmap", title="Дорожная карта",
                                      state="approved")
    Measure.objects.create(document=roadmap, title="Семинар", due_on=date(2026, 2, 1), status="done",
                           done_on=date(2026, 1, 20))
    Measure.objects.create(document=roadmap, title="Диагностика", due_on=date(2026, 3, 1), status="planned")
    Measure.objects.create(document=roadmap, title="Открытые уроки", due_on=date(2026, 11, 1), status="planned")
    return programme
