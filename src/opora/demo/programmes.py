"""Demo: the municipal programme of the demo municipality (mun.coord's), as in seed 002.

From the latest year with an approved list, for three years, over the municipality's schools of
that list and the schools its curators support (so the roadmaps, visits and events of the demo
count in its indicators), with the four indicators of seed 002 and their targets (60/70/80, 70/75/80, 100,
20/25/30), plus the share of schools that left the list and the share of roadmap measures done on
time. Created through `programme_create` by the municipal coordinator; public, so the public
pages show it. Skipped quietly when the coordinator or the lists are missing.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils.text import slugify

from opora.core.models import Role, RoleAssignment, School, User
from opora.identification.models import ListEntry, YearList
from opora.programmes.catalogue import DEFAULT_CODES
from opora.programmes.models import Programme
from opora.programmes.services import programme_create, target_set
from opora.support.models import Curatorship

EXTRA_TARGETS = {"list_exit": (10, 20, 30), "measures_on_time": (70, 80, 90)}
GOALS = ("Формирование системы, обеспечивающей доступность и качество образования для каждого ребёнка "
         "независимо от места жительства и социального статуса семьи.")
TASKS = ("1. Подготовка, переподготовка и повышение квалификации педагогических и руководящих работников ШНОР.\n"
         "2. Оказание адресной методической помощи ШНОР.\n"
         "3. Развитие сетевого взаимодействия и партнёрства.")


def programmes_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo programme (idempotent: nothing if it exists); returns counts for the summary line."""
    coordinator = User.objects.filter(username="mun.coord", is_active=True).first()
    grant = (RoleAssignment.objects.filter(user=coordinator, role=Role.MUNICIPAL_COORDINATOR)
             .select_related("municipality__region").first())
    if coordinator is None or grant is None or grant.municipality is None:
        return {}
    municipality = grant.municipality
    first = YearList.objects.filter(region=municipality.region).order_by("-year").values_list("year", flat=True).first()
    if first is None:
        return {}
    listed = ListEntry.objects.filter(year_list__region=municipality.region, year_list__year=first,
                                      school__municipality=municipality).values("school_id")
    curated = Curatorship.objects.filter(school__municipality=municipality).values("school_id")
    schools = list(School.objects.filter(Q(pk__in=listed) | Q(pk__in=curated)).select_related("municipality"))
    code = slugify(f"{municipality.code}-shnor-{first}")
    if Programme.objects.filter(code=code).exists():
        return {}
    programme = programme_create(
        actor=coordinator, region=municipality.region, municipality=municipality, code=code,
        title=(f"Программа по повышению качества образования в школах с низкими результатами обучения "
               f"и школах, функционирующих в неблагоприятных социальных условиях, на {first}–{first + 2} годы"),
        start_year=first, end_year=first + 2, goals=GOALS, tasks=TASKS,
        schools=schools, kpi_codes=(*DEFAULT_CODES, *EXTRA_TARGETS), is_public=True)
    for kpi in programme.kpis.filter(code__in=EXTRA_TARGETS):
        for year, value in zip(programme.years, EXTRA_TARGETS[kpi.code], strict=True):
            target_set(actor=coordinator, kpi=kpi, year=year, value=Decimal(value))
    return {"programmes": 1, "programme_schools": programme.memberships.count()}
