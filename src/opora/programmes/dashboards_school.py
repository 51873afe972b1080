"""Read-only figures of one school's dashboard (the school head's, also opened from a territory's
drill-down): its results over the years, identification, risk profile, documents and deadlines,
support received, teachers' development. Each part is read with its own permission on the school;
a part the user may not see is None. A fixed number of queries whatever the school's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q

from opora.core import access
from opora.core.access import Perm
from opora.core.models import School
from opora.diagnostics.models import ProfileFactor
from opora.identification.selectors import SchoolYear, school_history
from opora.plans import board
from opora.plans.execution import CLOSED
from opora.plans.models import DocumentKind, Measure
from opora.programmes.dashboards import UserLike, newest_profiles
from opora.results.models import SchoolIndicator
from opora.staff.development_figures import DevelopmentFigures, development_figures
from opora.support.models import Curatorship, DecisionOwner, Participant, Partnership, Visit
from opora.support.models.meetings import DecisionStatus

RESULT_YEARS = 3  # the school's results: the latest years shown
SOON_DAYS = 30  # measures due within this many days are «coming up»


def school_for_dashboard(user: UserLike, code: str) -> School | None:
    return access.schools_for(user, Perm.VIEW_SCHOOL).select_related("municipality__region").filter(code=code).first()


def own_schools(user: UserLike) -> list[School]:
    """Schools where the user holds a role at the school itself (the head's own school)."""
    ids = access.member_school_ids(user)
    if not ids:
        return []
    return list(School.objects.filter(pk__in=ids).select_related("municipality").order_by("name"))


@dataclass(frozen=True)
class ResultRow:
    procedure: str
    subject: str
    grade: int
    years: list[SchoolIndicator | None]  # aligned with SchoolPanel.result_years


@dataclass
class SchoolPanel:
    school: School
    year: int
    result_years: list[int] = field(default_factory=list)
    results: list[ResultRow] = field(default_factory=list)
    history: list[SchoolYear] | None = None
    risk: list[ProfileFactor] | None = None
    board_row: board.BoardRow | None = None
    overdue_measures: list[Measure] = field(default_factory=list)
    soon_measures: list[Measure] = field(default_factory=list)
    plans_visible: bool = False
    support_visible: bool = False
    curators: list[Curatorship] = field(default_factory=list)
    partners: list[Partnership] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    events: list[dict[str, object]] = field(default_factory=list)
    decisions: list[DecisionOwner] = field(default_factory=list)
    teachers: DevelopmentFigures | None = None


def _overlapping(year: int) -> Q:
    return Q(starts_on__year__lte=year) & (Q(ends_on__isnull=True) | Q(ends_on__year__gte=year))


def results(school: School, year: int) -> tuple[list[int], list[ResultRow]]:
    """Whole-grade rollups of the latest RESULT_YEARS years up to `year`, by procedure, subject, grade."""
    rows = list(SchoolIndicator.objects.filter(school=school, class_name="", year__lte=year)
                .select_related("procedure", "subject").order_by("-year"))
    years = sorted({r.year for r in rows})[-RESULT_YEARS:]
    grouped: dict[tuple[str, str, int], dict[int, SchoolIndicator]] = {}
    for r in rows:
        if r.year in years:
            grouped.setdefault((r.procedure.name, r.subject.name, r.grade), {})[r.year] = r
    out = [ResultRow(procedure=p, subject=s, grade=g, years=[by_year.get(y) for y in years])
           for (p, s, g), by_year in sorted(grouped.items())]
    return years, out


def school_panel(user: UserLike, school: School, year: int, today: date) -> SchoolPanel:
    panel = SchoolPanel(school=school, year=year)
    panel.result_years, panel.results = results(school, year)
    if access.can_on_school(user, Perm.VIEW_IDENTIFICATION, school):
        panel.history = school_history(user, school)[:RESULT_YEARS]
    if access.can_on_school(user, Perm.VIEW_RISK_PROFILES, school):
        profile = newest_profiles([school], year).get(school.pk)
        panel.risk = list(ProfileFactor.objects.filter(profile_id=profile).order_by("position")) if profile else []
    if access.can_on_school(user, Perm.VIEW_PLANS, school):
        panel.plans_visible = True
        panel.board_row = next(iter(board.build_rows([school], year=year, today=today)), None)
        measures = (Measure.objects.filter(document__school=school, document__year=year,
                                           document__kind=DocumentKind.ROADMAP, due_on__isnull=False)
                    .exclude(status__in=CLOSED).select_related("document").order_by("due_on", "pk"))
        listed = list(measures.filter(due_on__lte=today + timedelta(days=SOON_DAYS)))
        panel.overdue_measures = [m for m in listed if m.due_on is not None and m.due_on < today]
        panel.soon_measures = [m for m in listed if m.due_on is not None and m.due_on >= today]
    if access.can_on_school(user, Perm.VIEW_SUPPORT, school):
        panel.support_visible = True
        panel.curators = list(Curatorship.objects.filter(_overlapping(year), school=school)
                              .select_related("curator", "curator_school"))
        panel.partners = list(Partnership.objects.filter(_overlapping(year), school=school).select_related("partner"))
        panel.visits = list(Visit.objects.filter(school=school, held_on__year=year).order_by("-held_on", "-pk"))
        panel.events = list(Participant.objects.filter(school=school, attended=True, event__starts_on__year=year)
                            .values("event_id", "event__title", "event__starts_on", "event__kind")
                            .annotate(people=Count("pk")).order_by("-event__starts_on", "event_id"))
        panel.decisions = list(DecisionOwner.objects.filter(school=school)
                               .filter(Q(status=DecisionStatus.OPEN) | Q(decision__meeting__held_on__year=year))
                               .select_related("decision__meeting").order_by("decision__due_on", "pk"))
        for part in panel.decisions:
            due = part.decision.due_on
            part.overdue = part.status == DecisionStatus.OPEN and due is not None and due < today  # type: ignore[attr-defined]
    panel.teachers = development_figures(school_ids=[school.pk], year=year).get(school.pk)
    return panel
