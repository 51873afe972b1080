"""The «Поддержка» start page by role: the curator's, the school head's and the coordinator's views."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from opora.core.models import School, User
from opora.identification.models import ListEntry, RuleSet, Run, YearList
from opora.plans.models import DocState, Document, DocumentKind
from opora.support.models import (
    Curatorship,
    Decision,
    DecisionOwner,
    Event,
    EventKind,
    EventStatus,
    Invitation,
    Meeting,
    Mentoring,
    Participant,
    Partnership,
    Visit,
    VisitKind,
)
from tests.conftest import Cast
from tests.staff.builders import make_staff

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 3, 10, 10, 0, tzinfo=timezone.get_fixed_timezone(180))


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel(TODAY, tick=False):
        yield


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def in_the_list(cast: Cast, *schools: School, year: int = 2026) -> None:
    run = Run.objects.create(region=cast.r10, year=year, rule_set=RuleSet.objects.order_by("pk").first())
    year_list = YearList.objects.create(region=cast.r10, year=year, run=run)
    for school in schools:
        ListEntry.objects.create(year_list=year_list, school=school)


def support_of_s1(cast: Cast) -> None:
    """s1: curated by kate since 1 Sept 2025, partnered with s2, one mentoring pair, a visit in
    February, invited to two held events (came to one) and one planned; an overdue and an open decision."""
    Curatorship.objects.create(school=cast.s1, curator=cast.kate, curator_school=cast.s3, starts_on=date(2025, 9, 1))
    partnership = Partnership.objects.create(school=cast.s1, partner=cast.s2, starts_on=date(2025, 9, 1))
    Mentoring.objects.create(mentor=make_staff(cast.s2, "Наставник Н. Н."), mentee=make_staff(cast.s1, "Молодой М. М."),
                             partnership=partnership, starts_on=date(2025, 10, 1))
    Visit.objects.create(school=cast.s1, kind=VisitKind.MONITORING, held_on=date(2026, 2, 12),
                         purpose="Мониторинговый визит", recommendations="Пересмотреть план ВСОКО")
    Visit.objects.create(school=cast.s1, kind=VisitKind.CONSULTATION, held_on=date(2025, 11, 5), purpose="Старый")
    for n, (status, came) in enumerate([(EventStatus.HELD, True), (EventStatus.HELD, False)]):
        event = Event.objects.create(region=cast.r10, municipality=cast.m1, title=f"Семинар {n}",
                                     kind=EventKind.SEMINAR, starts_on=date(2026, 2, 1 + n), status=status)
        Invitation.objects.create(event=event, school=cast.s1)
        Participant.objects.create(event=event, school=cast.s1, full_name="Учитель", attended=came)
    upcoming = Event.objects.create(region=cast.r10, municipality=cast.m1, title="Мировое кафе «Наставничество»",
                                    kind=EventKind.WORLD_CAFE, starts_on=date(2026, 4, 2))
    Invitation.objects.create(event=upcoming, school=cast.s1)
    meeting = Meeting.objects.create(region=cast.r10, municipality=cast.m1, title="Рабочая группа",
                                     held_on=date(2026, 1, 20))
    late = Decision.objects.create(meeting=meeting, number="1", text="Представить план ВСОКО",
                                   due_on=date(2026, 3, 1))
    soon = Decision.objects.create(meeting=meeting, number="2", text="Провести открытые уроки",
                                   due_on=date(2026, 4, 1))
    DecisionOwner.objects.create(decision=late, school=cast.s1)
    DecisionOwner.objects.create(decision=soon, school=cast.s1)
    Document.objects.create(school=cast.s1, year=2026, kind=DocumentKind.ROADMAP, factor="", title="ДК",
                            state=DocState.SUBMITTED, content={})


def test_curator_sees_my_schools_with_visit_roadmap_decisions_and_events(cast: Cast) -> None:
    support_of_s1(cast)
    page = client_for(cast.kate).get(reverse("support:home")).content.decode()
    assert 'id="hub-curator"' in page and 'id="hub-territory"' not in page
    assert "01.09.2025" in page and cast.s2.name in page and "12.02.2026" in page
    roadmap = Document.objects.get(school=cast.s1)
    assert reverse("plans:document", args=[roadmap.pk]) in page and "на проверке" in page
    assert "Мировое кафе «Наставничество»" in page
    assert "Представить план ВСОКО" in page and "Провести открытые уроки" in page
    assert page.index("Представить план ВСОКО") < page.index("Провести открытые уроки")  # overdue first


def test_head_sees_curator_partner_mentoring_visits_events_and_owed_decisions(cast: Cast) -> None:
    support_of_s1(cast)
    page = client_for(cast.sam).get(reverse("support:home")).content.decode()
    assert f'data-school="{cast.s1.code}"' in page and 'id="hub-territory"' not in page
    assert str(cast.kate) in page and cast.s2.name in page
    assert "Пересмотреть план ВСОКО" in page
    assert "Мировое кафе «Наставничество»" in page and "Представить план ВСОКО" in page
    assert "50 %" in page  # came to one of two held events


def test_partner_school_head_sees_whom_it_supports(cast: Cast) -> None:
    support_of_s1(cast)
    head = User.objects.create(username="s2head", full_name="Завуч")
    head.role_assignments.create(role="school_head", school=cast.s2)
    page = client_for(head).get(reverse("support:home")).content.decode()
    assert cast.s1.name in page


def test_coordinator_sees_the_list_schools_with_counts_and_highlights_missing_curators(cast: Cast) -> None:
    support_of_s1(cast)
    in_the_list(cast, cast.s1, cast.s2, cast.s3)
    response = client_for(cast.maria).get(reverse("support:home"))
    page = response.content.decode()
    table = page[page.index('id="hub-table"'):]
    assert cast.s1.name in table and cast.s2.name in table and cast.s3.name not in table  # s3 is in m2
    assert f'data-school="{cast.s2.code}" class="no-curator"' in table
    territory = response.context["territory"]
    assert (territory.schools, territory.without_curator, territory.without_partner, territory.without_visit,
            territory.with_overdue, territory.participation) == (2, 1, 1, 1, 1, 50)
    row = next(r for r in territory.rows if r.school == cast.s1)
    assert (row.visits_year, row.open_decisions, row.overdue_decisions, row.invited, row.attended) == (1, 2, 1, 2, 1)


def test_regional_coordinator_sees_every_municipality_of_the_region_only(cast: Cast) -> None:
    in_the_list(cast, cast.s1, cast.s3)
    run = Run.objects.create(region=cast.r20, year=2026, rule_set=RuleSet.objects.order_by("pk").first())
    ListEntry.objects.create(year_list=YearList.objects.create(region=cast.r20, year=2026, run=run), school=cast.s4)
    territory = client_for(cast.rita).get(reverse("support:home")).context["territory"]
    assert {r.school for r in territory.rows} == {cast.s1, cast.s3}
    territory = client_for(cast.zoe).get(reverse("support:home")).context["territory"]
    assert {r.school for r in territory.rows} == {cast.s4}


def test_coordinator_exports_the_table_to_xlsx(cast: Cast) -> None:
    support_of_s1(cast)
    in_the_list(cast, cast.s1, cast.s2)
    response = client_for(cast.maria).get(reverse("support:home"), {"format": "xlsx"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3
    s1 = next(r for r in rows if r[1] == cast.s1.code)
    assert str(cast.kate) in s1[3] and s1[5] == cast.s2.name and s1[11] == 50 and s1[13] == 1


def test_hub_refuses_users_without_support_and_xlsx_without_a_territory(cast: Cast) -> None:
    assert client_for(cast.nobody).get(reverse("support:home")).status_code == 403
    assert client_for(cast.sam).get(reverse("support:home"), {"format": "xlsx"}).status_code == 403


def test_teacher_and_curator_see_nothing_of_other_schools(cast: Cast) -> None:
    Visit.objects.create(school=cast.s3, kind=VisitKind.MONITORING, held_on=date(2026, 2, 1), purpose="Лицей",
                         recommendations="Рекомендация лицею")
    for user in (cast.tom, cast.kate, cast.sam):
        page = client_for(user).get(reverse("support:home")).content.decode()
        assert "Рекомендация лицею" not in page and cast.s3.name not in page


def test_territory_view_query_count_does_not_grow_with_schools(cast: Cast, django_assert_max_num_queries) -> None:
    support_of_s1(cast)
    extra = [School.objects.create(code=f"19{n:02}", name=f"Школа {n}", municipality=cast.m1, type=cast.s1.type,
                                   settlement=cast.s1.settlement) for n in range(15)]
    in_the_list(cast, cast.s1, cast.s2, *extra)
    for school in extra:
        Curatorship.objects.create(school=school, curator=cast.kate, starts_on=date(2025, 9, 1))
        Visit.objects.create(school=school, kind=VisitKind.LANDING, held_on=date(2026, 1, 15), purpose="Десант")
    client = client_for(cast.maria)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("support:home"))
    assert len(response.context["territory"].rows) == 17
