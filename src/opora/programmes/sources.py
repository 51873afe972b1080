"""Where each indicator's per-school parts come from: reads of what Opora holds, one or two
queries per indicator whatever the number of schools. Each function takes the programme's schools,
the year and today's date and returns one `Contribution` per school (missing data said in words).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from opora.analytics.kpi import Contribution
from opora.cases.models import CaseState, ObjectivityCase, Outcome
from opora.core.models import School
from opora.identification.models import Dynamics, ListEntry, Run, RunSchool, RunStatus, YearList
from opora.plans.calendar import dues_for
from opora.plans.execution import execution_by_school
from opora.plans.models import DocState, Document, DocumentKind
from opora.results.models import SchoolIndicator
from opora.staff.development_figures import development_figures
from opora.support.models import Curatorship, Participant, Partnership, Visit

Source = Callable[[list[School], int, date], list[Contribution]]
PLANNING_KINDS = (DocumentKind.CONCEPT, DocumentKind.PROGRAMME, DocumentKind.ROADMAP)


def _runs_of_year(schools: list[School], year: int) -> dict[int, int]:
    """region id → the run behind the region's approved list of `year` (else its latest finished run)."""
    regions = {s.municipality.region_id for s in schools}
    runs = dict(YearList.objects.filter(region_id__in=regions, year=year).values_list("region_id", "run_id"))
    for region_id in regions - set(runs):
        run = (Run.objects.filter(region_id=region_id, year=year, status=RunStatus.DONE, preview=False)
               .order_by("-created_at", "-pk").values_list("pk", flat=True).first())
        if run is not None:
            runs[region_id] = run
    return runs


def _run_rows(schools: list[School], year: int, *fields: str) -> dict[int, dict[str, object]]:
    runs = _runs_of_year(schools, year)
    rows = RunSchool.objects.filter(run_id__in=runs.values(), school__in=schools).values("school_id", *fields)
    return {r["school_id"]: r for r in rows}


def positive_dynamics(schools: list[School], year: int, today: date) -> list[Contribution]:
    rows = _run_rows(schools, year, "dynamics")
    out = []
    for s in schools:
        dynamics = (rows.get(s.pk) or {}).get("dynamics")
        if not dynamics:
            out.append(Contribution(s.pk, None, None, _("no identification with results dynamics for %(year)d")
                                    % {"year": year}))
        else:
            out.append(Contribution(s.pk, 1 if dynamics == Dynamics.IMPROVED else 0, 1))
    return out


def objectivity_signs(schools: list[School], year: int, today: date) -> list[Contribution]:
    rows = _run_rows(schools, year, "objectivity_signs", "objectivity_index")
    out = []
    for s in schools:
        row = rows.get(s.pk)
        if row is None:
            out.append(Contribution(s.pk, None, None, _("no identification for %(year)d") % {"year": year}))
        else:
            out.append(Contribution(s.pk, 1 if row["objectivity_signs"] else 0, 1))
    return out


def objectivity_confirmed(schools: list[School], year: int, today: date) -> list[Contribution]:
    """Confirmed objectivity cases, counted apart from the statistical signs: a school counts once
    whatever the number of its confirmed cases; a school without a case counts as none."""
    confirmed = set(ObjectivityCase.objects.filter(school__in=schools, year=year, state=CaseState.DECIDED,
                                                   outcome=Outcome.CONFIRMED).values_list("school_id", flat=True))
    return [Contribution(s.pk, 1 if s.pk in confirmed else 0, 1) for s in schools]


def list_exit(schools: list[School], year: int, today: date) -> list[Contribution]:
    """Left the list: on an approved list of an earlier year and not on this year's. A school never
    listed before (added to the programme by hand) has nothing to leave: its data is "missing"."""
    regions = {s.municipality.region_id for s in schools}
    lists = dict(YearList.objects.filter(region_id__in=regions, year=year).values_list("region_id", "pk"))
    listed = set(ListEntry.objects.filter(year_list_id__in=lists.values(), school__in=schools)
                 .values_list("school_id", flat=True))
    earlier = set(ListEntry.objects.filter(year_list__year__lt=year, school__in=schools)
                  .values_list("school_id", flat=True))
    out = []
    for s in schools:
        if s.municipality.region_id not in lists:
            out.append(Contribution(s.pk, None, None, _("no approved list for %(year)d") % {"year": year}))
        elif s.pk in listed:
            out.append(Contribution(s.pk, 0, 1))
        elif s.pk in earlier:
            out.append(Contribution(s.pk, 1, 1))
        else:
            out.append(Contribution(s.pk, None, None, _("was not on an approved list before %(year)d")
                                    % {"year": year}))
    return out


def _teachers(schools: list[School], year: int, numerator: str, denominator: str,
              missing: str) -> list[Contribution]:
    figures = development_figures(school_ids=[s.pk for s in schools], year=year)
    out = []
    for s in schools:
        f = figures.get(s.pk)
        den = getattr(f, denominator) if f else 0
        if not den:
            out.append(Contribution(s.pk, None, None, missing))
        else:
            out.append(Contribution(s.pk, getattr(f, numerator), den))
    return out


def teachers_diagnosed(schools: list[School], year: int, today: date) -> list[Contribution]:
    return _teachers(schools, year, "diagnosed", "teachers", _("no teachers in the staff registry"))


def teachers_trained(schools: list[School], year: int, today: date) -> list[Contribution]:
    return _teachers(schools, year, "trained", "with_plans",
                     _("no development plans for %(year)d") % {"year": year})


def _overlapping(year: int) -> Q:
    return Q(starts_on__year__lte=year) & (Q(ends_on__isnull=True) | Q(ends_on__year__gte=year))


def network_partnership(schools: list[School], year: int, today: date) -> list[Contribution]:
    paired = set(Partnership.objects.filter(_overlapping(year), school__in=schools).values_list("school_id", flat=True))
    return [Contribution(s.pk, 1 if s.pk in paired else 0, 1) for s in schools]


def methodological_coverage(schools: list[School], year: int, today: date) -> list[Contribution]:
    """Covered: a curator during the year, a visit or consultation, or someone at an event."""
    covered = set(Curatorship.objects.filter(_overlapping(year), school__in=schools)
                  .values_list("school_id", flat=True))
    covered |= set(Visit.objects.filter(school__in=schools, held_on__year=year).values_list("school_id", flat=True))
    covered |= set(Participant.objects.filter(school__in=schools, attended=True, event__starts_on__year=year)
                   .values_list("school_id", flat=True))
    return [Contribution(s.pk, 1 if s.pk in covered else 0, 1) for s in schools]


def documents_on_time(schools: list[School], year: int, today: date) -> list[Contribution]:
    """All planning documents (concept, programme, roadmap) due by today approved by their dates."""
    dues = dues_for(schools, year)
    approved: dict[tuple[int, str], date] = {}
    for school_id, kind, approved_at in Document.objects.filter(
            school__in=schools, year=year, kind__in=PLANNING_KINDS, state=DocState.APPROVED,
            approved_at__isnull=False).values_list("school_id", "kind", "approved_at"):
        if approved_at is None:  # excluded by the filter; said for the type checker
            continue
        day = approved_at.date()
        key = (school_id, kind)
        approved[key] = max(approved.get(key, day), day)  # several anti-risk-like rows: the latest
    out = []
    for s in schools:
        due_kinds = [(k, dues[(s.pk, k)]) for k in PLANNING_KINDS if (s.pk, k) in dues and dues[(s.pk, k)] <= today]
        if not due_kinds:
            out.append(Contribution(s.pk, None, None, _("no document was due by %(date)s in %(year)d")
                                    % {"date": today.strftime("%d.%m.%Y"), "year": year}))
            continue
        on_time = all((s.pk, k) in approved and approved[(s.pk, k)] <= due for k, due in due_kinds)
        out.append(Contribution(s.pk, 1 if on_time else 0, 1))
    return out


def measures_on_time(schools: list[School], year: int, today: date) -> list[Contribution]:
    execution = execution_by_school([s.pk for s in schools], year, today)
    out = []
    for s in schools:
        e = execution.get(s.pk)
        if e is None or e.counted == 0:
            out.append(Contribution(s.pk, None, None, _("no roadmap measures for %(year)d") % {"year": year}))
        else:
            out.append(Contribution(s.pk, e.done_on_time, e.counted))
    return out


def pupils_below_minimum(schools: list[School], year: int, today: date) -> list[Contribution]:
    """Pupils with the mark «2» among all who wrote, over every procedure and subject of the year."""
    rows = (SchoolIndicator.objects.filter(school__in=schools, year=year, class_name="")
            .values("school_id").order_by()
            .annotate(fails=Sum("mark2"), total=Sum("participants", filter=Q(mark2__isnull=False))))
    sums: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for r in rows:
        sums[r["school_id"]] = (r["fails"] or 0, r["total"] or 0)
    out = []
    for s in schools:
        fails, total = sums[s.pk]
        if not total:
            out.append(Contribution(s.pk, None, None, _("no assessment results for %(year)d") % {"year": year}))
        else:
            out.append(Contribution(s.pk, fails, total))
    return out
