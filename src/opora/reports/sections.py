"""The report's sections, one function each: (scope, year, today, facts) → Section.

Every figure is aggregated in the database over the territory's schools. A section without data
says so (`Section.empty`) and leaves its facts as None, so the conclusions never read a missing
figure as zero. `Facts` carries the numbers the conclusions are written from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.core.models import School
from opora.reports import charts
from opora.reports.data import Scope, Section, Table

NAMES_SHOWN = 30  # school names listed in one cell before «и ещё N»


def pct(share: float | None) -> str:
    """A share 0–1 as Russian documents print it: «12,5 %»; «—» when there is no value."""
    if share is None:
        return "—"
    return f"{share * 100:.1f}".replace(".", ",") + " %"


def share(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def dec(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}".replace(".", ",")


def names(schools: list[School]) -> str:
    shown = ", ".join(s.name for s in schools[:NAMES_SHOWN])
    rest = len(schools) - NAMES_SHOWN
    if rest > 0:
        shown += " " + _("and %(n)s more") % {"n": rest}
    return shown or "—"


@dataclass
class Facts:
    """Figures the conclusions are written from; None means the data is missing."""

    schools: int = 0
    listed: list[School] | None = None
    entered: list[School] | None = None
    left: list[School] | None = None
    flags: dict[str, int] = field(default_factory=dict)
    fail: dict[str, dict[int, float]] = field(default_factory=dict)  # procedure → year → fail share
    fail_region: dict[str, dict[int, float]] = field(default_factory=dict)
    top_high_factor: tuple[str, int] | None = None
    measures_counted: int | None = None
    measures_on_time: float | None = None
    measures_overdue: int | None = None
    documents_due_late: int | None = None
    unsupported: list[School] | None = None
    decisions_overdue: int | None = None
    teachers: int | None = None
    diagnosed_share: float | None = None
    kpi_achieved: list[str] = field(default_factory=list)
    kpi_missed: list[str] = field(default_factory=list)
    kpi_no_data: list[str] = field(default_factory=list)


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _active_in(year: int, start: str = "starts_on", end: str = "ends_on") -> Q:
    first, last = _year_bounds(year)
    return Q(**{f"{start}__lte": last}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": first}))


# --- 1. General information -------------------------------------------------------------------


def general(scope: Scope, year: int, today: date, facts: Facts) -> Section:
    from opora.identification.models import ListEntry, YearList

    section = Section(title=_("General information"))
    facts.schools = len(scope.schools)
    pupils = sum(s.enrolment or 0 for s in scope.schools)
    without = sum(1 for s in scope.schools if s.enrolment is None)
    rows = []
    if scope.is_region:
        rows.append([_("Municipalities"), str(len({s.municipality_id for s in scope.schools}))])
    if scope.kind != "school":
        rows.append([_("Schools (active)"), str(len(scope.schools))])
    rows.append([_("Pupils (by the schools' register)"),
                 str(pupils) + (" " + _("(no data for %(n)s schools)") % {"n": without} if without else "")])
    approved = YearList.objects.filter(region=scope.region, year=year).first()
    if approved is None:
        rows.append([_("Approved list of low-result schools of %(year)s") % {"year": year},
                     _("not approved")])
    else:
        entries = list(ListEntry.objects.filter(year_list=approved, school_id__in=scope.school_ids)
                       .select_related("school__municipality").order_by("school__municipality__name",
                                                                         "school__name"))
        facts.listed = [e.school for e in entries]
        if scope.kind == "school":
            rows.append([_("On the approved list of %(year)s") % {"year": year}, _("yes") if entries else _("no")])
        else:
            rows.append([_("Schools on the approved list of %(year)s") % {"year": year}, str(len(entries))])
            if entries:
                section.tables.append((
                    _("Schools on the list of %(year)s") % {"year": year},
                    Table([_("School"), _("Municipality"), _("Inclusion")],
                          [[e.school.name, e.school.municipality.name, _("by hand") if e.manual else _("by the rule")]
                           for e in entries], [6, 4, 2])))
    section.paragraphs.append(
        _("The report covers %(territory)s for %(year)s and is assembled from the data held in Opora on "
          "%(today)s: assessment results, identification, risk profiles, the schools' documents and roadmaps, "
          "support, teachers' development and programme indicators.")
        % {"territory": scope.unit.name, "year": year, "today": today.strftime("%d.%m.%Y")})
    section.tables.insert(0, ("", Table([_("Indicator"), _("Value")], rows, [7, 4])))
    return section


# --- 2. Results -------------------------------------------------------------------------------


def _by_procedure_year(school_ids: list[int] | None, region_id: int, years: range) -> dict[tuple[str, int], dict]:
    from opora.results.models import SchoolIndicator

    qs = SchoolIndicator.objects.filter(class_name="", year__in=list(years))
    qs = qs.filter(school_id__in=school_ids) if school_ids is not None else qs.filter(
        school__municipality__region_id=region_id)
    rows = (qs.values("procedure__name", "year").order_by()
            .annotate(p=Sum("participants"), m2=Sum("mark2"),
                      mm=Sum(F("mean_mark") * Cast("participants", FloatField()), filter=Q(mean_mark__isnull=False)),
                      mp=Sum("participants", filter=Q(mean_mark__isnull=False))))
    return {(r["procedure__name"], r["year"]): r for r in rows}


def _by_subject(school_ids: list[int] | None, region_id: int, year: int) -> dict[tuple[str, str], dict]:
    from opora.results.models import SchoolIndicator

    qs = SchoolIndicator.objects.filter(class_name="", year=year)
    qs = qs.filter(school_id__in=school_ids) if school_ids is not None else qs.filter(
        school__municipality__region_id=region_id)
    rows = (qs.values("procedure__name", "subject__name").order_by()
            .annotate(p=Sum("participants"), m2=Sum("mark2"),
                      mm=Sum(F("mean_mark") * Cast("participants", FloatField()), filter=Q(mean_mark__isnull=False)),
                      mp=Sum("participants", filter=Q(mean_mark__isnull=False))))
    return {(r["procedure__name"], r["subject__name"]): r for r in rows}


def _fail(row: dict | None) -> float | None:
    return share(row["m2"] or 0, row["p"] or 0) if row else None


def _mean(row: dict | None) -> float | None:
    return (row["mm"] / row["mp"]) if row and row["mp"] and row["mm"] is not None else None


def results(scope: Scope, year: int, today: date, facts: Facts) -> Section:
    section = Section(title=_("Results of assessment procedures and their dynamics"))
    years = range(year - 3, year + 1)
    own = _by_procedure_year(scope.school_ids, scope.region.pk, years)
    if not own:
        section.empty = _("No assessment results of the territory's schools for %(first)s–%(last)s.") % {
            "first": years[0], "last": year}
        return section
    region = {} if scope.is_region else _by_procedure_year(None, scope.region.pk, years)
    compare = not scope.is_region
    headers = [_("Procedure"), _("Year"), _("Participants"), _("Share of marks «2»"), _("Mean mark")]
    if compare:
        headers += [_("Region: share of «2»"), _("Region: mean mark")]
    rows = []
    for procedure, y in sorted(own, key=lambda k: (k[0], k[1])):
        row, reg = own[(procedure, y)], region.get((procedure, y))
        facts.fail.setdefault(procedure, {})[y] = _fail(row)  # type: ignore[assignment]
        line = [procedure, str(y), str(row["p"]), pct(_fail(row)), dec(_mean(row))]
        if compare:
            if reg:
                facts.fail_region.setdefault(procedure, {})[y] = _fail(reg)  # type: ignore[assignment]
            line += [pct(_fail(reg)), dec(_mean(reg))]
        rows.append(line)
    section.paragraphs.append(
        _("The table gives the share of failing results (mark «2») and the mean mark of the whole grades that "
          "wrote each procedure, weighted by the number of participants.")
        + (" " + _("The region's figures are given for comparison.") if compare else ""))
    section.tables.append((_("Results by procedure and year"), Table(headers, rows)))
    section.charts.append(charts.fail_dynamics(
        _("Share of marks «2» by year"), facts.fail, facts.fail_region if compare else {},
        own_label=scope.unit.name, region_label=_("region")))
    subjects = _by_subject(scope.school_ids, scope.region.pk, year)
    if subjects:
        region_subjects = {} if scope.is_region else _by_subject(None, scope.region.pk, year)
        s_headers = [_("Procedure"), _("Subject"), _("Participants"), _("Share of marks «2»"), _("Mean mark")]
        if compare:
            s_headers += [_("Region: share of «2»"), _("Region: mean mark")]
        s_rows, bars = [], []
        for key in sorted(subjects):
            row, reg = subjects[key], region_subjects.get(key)
            line = [key[0], key[1], str(row["p"]), pct(_fail(row)), dec(_mean(row))]
            if compare:
                line += [pct(_fail(reg)), dec(_mean(reg))]
            s_rows.append(line)
            if _mean(row) is not None:
                bars.append((f"{key[0]}: {key[1]}", _mean(row), _mean(reg) if compare else None))
        section.tables.append((_("Results by subject, %(year)s") % {"year": year}, Table(s_headers, s_rows)))
        if bars:
            section.charts.append(charts.mean_marks(
                _("Mean mark by subject, %(year)s") % {"year": year}, bars,
                own_label=scope.unit.name, region_label=_("region") if compare else None))
    return section


# --- 3. Identification ------------------------------------------------------------------------


FLAG_LABELS: list[tuple[str, Any]] = [
    ("low_results", gettext_lazy("low results")),
    ("adverse_context", gettext_lazy("adverse social context")),
    ("resilient", gettext_lazy("resilient")),
    ("decline_risk", gettext_lazy("at risk of declining results")),
    ("objectivity_signs", gettext_lazy("signs of non-objective results")),
]


def identification(scope: Scope, year: int, today: date, facts: Facts) -> Section:
    from opora.identification.models import ListEntry, Run, RunSchool, RunStatus, YearList

    section = Section(title=_("Identification of schools"))
    approved = YearList.objects.filter(region=scope.region, year=year).select_related("run__rule_set").first()
    run = approved.run if approved else (
        Run.objects.filter(region=scope.region, year=year, status=RunStatus.DONE, preview=False)
        .select_related("rule_set").order_by("-created_at", "-pk").first())
    if run is None:
        section.empty = _("The identification of %(year)s has not been carried out.") % {"year": year}
        return section
    rows = list(RunSchool.objects.filter(run=run, school_id__in=scope.school_ids)
                .select_related("school__municipality").order_by("school__municipality__name", "school__name"))
    section.paragraphs.append(
        _("Identification by the rule set «%(rules)s»; %(state)s.") % {
            "rules": run.rule_set.name,
            "state": (_("the list of the year is approved") if approved
                      else _("the list of the year is not approved yet"))})
    table_rows = []
    for flag, label in FLAG_LABELS:
        flagged = [r.school for r in rows if (bool(r.objectivity_signs) if flag == "objectivity_signs"
                                               else getattr(r, flag))]
        facts.flags[flag] = len(flagged)
        table_rows.append([str(label), str(len(flagged)), names(flagged)])
    previous = YearList.objects.filter(region=scope.region, year=year - 1).first()
    if approved is not None and previous is not None:
        now = {e.school_id for e in ListEntry.objects.filter(year_list=approved, school_id__in=scope.school_ids)}
        before = {e.school_id for e in ListEntry.objects.filter(year_list=previous, school_id__in=scope.school_ids)}
        by_id = {s.pk: s for s in scope.schools}
        facts.entered = [by_id[i] for i in sorted(now - before) if i in by_id]
        facts.left = [by_id[i] for i in sorted(before - now) if i in by_id]
        table_rows.append([_("entered the list (not on the list of %(prev)s)") % {"prev": year - 1},
                           str(len(facts.entered)), names(facts.entered)])
        table_rows.append([_("left the list (on the list of %(prev)s)") % {"prev": year - 1},
                           str(len(facts.left)), names(facts.left)])
    else:
        section.paragraphs.append(_("Entries and exits are not counted: the lists of %(prev)s and %(year)s are "
                                    "not both approved.") % {"prev": year - 1, "year": year})
    section.tables.append((_("Schools by identification flag"),
                           Table([_("Flag"), _("Schools"), _("Which")], table_rows, [4, 1, 8])))
    if facts.flags.get("objectivity_signs"):
        section.paragraphs.append(_("Signs of non-objective results are a prompt for analysis of the assessment "
                                    "procedure, not a verdict on the school."))
    return section


# --- 4. Risk profiles -------------------------------------------------------------------------


def _level(level: str) -> Q:
    return Q(verified_level=level) | Q(verified_level="", level=level)


def risks(scope: Scope, year: int, today: date, facts: Facts) -> Section:
    from opora.diagnostics.models import Profile, ProfileFactor, ProfileStatus, Wave

    section = Section(title=_("Risk profiles"))
    profiles = Profile.objects.filter(campaign_school__school_id__in=scope.school_ids,
                                      campaign_school__campaign__year=year)
    counts = profiles.aggregate(total=Count("pk"), verified=Count("pk", filter=Q(status=ProfileStatus.VERIFIED)))
    if not counts["total"]:
        section.empty = _("No risk profiles of the territory's schools for %(year)s.") % {"year": year}
        return section
    section.paragraphs.append(
        _("Risk profiles computed: %(total)s, of them verified by the curator and the municipal coordinator: "
          "%(verified)s.") % counts)
    rows = (ProfileFactor.objects.filter(profile__in=profiles)
            .values("profile__campaign_school__campaign__wave", "name").order_by()
            .annotate(high=Count("pk", filter=_level("high")), medium=Count("pk", filter=_level("medium")),
                      low=Count("pk", filter=_level("low")), selected=Count("pk", filter=Q(selected=True))))
    by_wave: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_wave[r["profile__campaign_school__campaign__wave"]].append(r)
    for wave in (Wave.ENTRY, Wave.EXIT):
        wave_rows = sorted(by_wave.get(wave, []), key=lambda r: (-r["high"], -r["medium"], r["name"]))
        if not wave_rows:
            continue
        if wave == Wave.ENTRY or Wave.ENTRY not in by_wave:
            top = wave_rows[0]
            facts.top_high_factor = (top["name"], top["high"]) if top["high"] else None
        section.tables.append((
            _("Risk factors by level (%(wave)s survey)") % {"wave": Wave(wave).label},
            Table([_("Risk factor"), _("High"), _("Medium"), _("Low"), _("Selected to work on")],
                  [[r["name"], str(r["high"]), str(r["medium"]), str(r["low"]), str(r["selected"])]
                   for r in wave_rows], [7, 2, 2, 2, 3])))
    return section


# --- 5. Roadmaps ------------------------------------------------------------------------------


def roadmaps(scope: Scope, year: int, today: date, facts: Facts) -> Section:
    from opora.plans.calendar import dues_for, is_late
    from opora.plans.execution import Execution, execution_by_school
    from opora.plans.models import DocState, Document, DocumentKind

    section = Section(title=_("Schools' documents and roadmaps"))
    documents = list(Document.objects.filter(school_id__in=scope.school_ids, year=year)
                     .only("school_id", "kind", "state", "approved_at"))
    executions = execution_by_school(scope.school_ids, year, today)
    total = Execution(**{k: sum(getattr(e, k) for e in executions.values())
                         for k in ("total", "done", "done_on_time", "overdue", "cancelled")})
    if not documents and not total.total:
        section.empty = _("The schools have no documents or roadmaps for %(year)s in Opora.") % {"year": year}
        return section
    dues = dues_for(scope.schools, year)
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    late = 0
    for d in documents:
        cell = table[d.kind]
        cell["total"] += 1
        cell[d.state] += 1
        due = dues.get((d.school_id, d.kind))
        if d.state == DocState.APPROVED and (due is None or (
                d.approved_at is not None and timezone.localdate(d.approved_at) <= due)):
            cell["on_time"] += 1
        if is_late(d.kind, d.state, due, today):
            late += 1
    facts.documents_due_late = late
    if documents:
        section.tables.append((_("Documents of %(year)s") % {"year": year}, Table(
            [_("Document"), _("Total"), _("Approved"), _("of them on time"), _("Under review"),
             _("Returned for revision"), _("Draft")],
            [[str(DocumentKind(kind).label), str(c["total"]), str(c[DocState.APPROVED]), str(c["on_time"]),
              str(c[DocState.SUBMITTED]), str(c[DocState.RETURNED]), str(c[DocState.DRAFT])]
             for kind, c in sorted(table.items(), key=lambda kv: DocumentKind.values.index(kv[0]))],
            [5, 2, 2, 2, 2, 2, 2])))
        if late:
            section.paragraphs.append(_("Documents past their due date and not approved: %(n)s.") % {"n": late})
    if total.total:
        facts.measures_counted = total.counted
        facts.measures_on_time = total.share_on_time
        facts.measures_overdue = total.overdue
        section.paragraphs.append(
            _("Roadmap measures: %(total)s, done: %(done)s, of them on time: %(on_time)s, overdue: %(overdue)s, "
              "cancelled: %(cancelled)s; share done on time: %(share)s.") % {
                "total": total.total, "done": total.done, "on_time": total.done_on_time, "overdue": total.overdue,
                "cancelled": total.cancelled, "share": pct(total.share_on_time)})
        groups: dict[str, list[Execution]] = defaultdict(list)
        for school in scope.schools:
            e = executions.get(school.pk)
            if e and e.total:
                groups[school.municipality.name if scope.is_region else school.name].append(e)
        if scope.kind != "school":
            rows = []
            for label, items in sorted(groups.items()):
                e = Execution(**{k: sum(getattr(x, k) for x in items)
                                 for k in ("total", "done", "done_on_time", "overdue", "cancelled")})
                rows.append([label, str(e.total), str(e.done), str(e.done_on_time), str(e.overdue),
                             pct(e.share_on_time)])
            section.tables.append((
                _("Execution of roadmap measures by municipality") if scope.is_region
                else _("Execution of roadmap measures by school"),
                Table([_("Municipality") if scope.is_region else _("School"), _("Measures"), _("Done"),
                       _("On time"), _("Overdue"), _("Share on time")], rows, [6, 2, 2, 2, 2, 2])))
    return section


# --- 6. Support -------------------------------------------------------------------------------


def support(scope: Scope, year: int, today: date, facts: Facts) -> Section:
    from opora.support.models import (
        Curatorship,
        Decision,
        DecisionStatus,
        Event,
        EventStatus,
        Mentoring,
        Participant,
        Partnership,
        Visit,
        VisitKind,
    )

    section = Section(title=_("Support of the schools"))
    ids = scope.school_ids
    curated = set(Curatorship.objects.filter(_active_in(year), school_id__in=ids).values_list("school_id", flat=True))
    partnered = set(Partnership.objects.filter(_active_in(year), school_id__in=ids)
                    .values_list("school_id", flat=True))
    mentoring = Mentoring.objects.filter(_active_in(year), mentee__school_id__in=ids).count()
    first, last = _year_bounds(year)
    visits = dict(Visit.objects.filter(school_id__in=ids, held_on__range=(first, last))
                  .values("kind").order_by().annotate(n=Count("pk")).values_list("kind", "n"))
    visited = set(Visit.objects.filter(school_id__in=ids, held_on__range=(first, last))
                  .values_list("school_id", flat=True))
    participants = Participant.objects.filter(school_id__in=ids, event__starts_on__range=(first, last))
    attendance = participants.aggregate(n_registered=Count("pk"), n_attended=Count("pk", filter=Q(attended=True)),
                                        n_marked=Count("pk", filter=Q(attended__isnull=False)))
    attending = set(participants.filter(attended=True).values_list("school_id", flat=True))
    if scope.kind == "school":
        events = Event.objects.filter(participants__school_id__in=ids).distinct()
    elif scope.is_region:
        events = Event.objects.filter(region=scope.region)
    else:
        events = Event.objects.filter(municipality=scope.municipality_unit)
    events = events.filter(starts_on__range=(first, last))
    event_counts = events.aggregate(held=Count("pk", filter=Q(status=EventStatus.HELD), distinct=True),
                                    planned=Count("pk", filter=Q(status=EventStatus.PLANNED), distinct=True))
    if scope.kind == "school":
        decisions = Decision.objects.filter(owners__school_id__in=ids).distinct()
    elif scope.is_region:
        decisions = Decision.objects.filter(meeting__region=scope.region)
    else:
        decisions = Decision.objects.filter(meeting__municipality=scope.municipality_unit)
    decisions = decisions.filter(meeting__held_on__range=(first, last))
    d = decisions.aggregate(
        total=Count("pk", distinct=True), done=Count("pk", filter=Q(status=DecisionStatus.DONE), distinct=True),
        overdue=Count("pk", filter=Q(status=DecisionStatus.OPEN, due_on__lt=today), distinct=True))
    nothing = not (curated or partnered or mentoring or visits or attendance["n_registered"]
                   or event_counts["held"] or event_counts["planned"] or d["total"])
    if nothing:
        section.empty = _("No support of the territory's schools is recorded in Opora for %(year)s.") % {"year": year}
        return section
    facts.decisions_overdue = d["overdue"]
    rows = [
        [_("Schools with a curator"), str(len(curated))],
        [_("Schools in network partnerships"), str(len(partnered))],
        [_("Mentoring pairs of teachers"), str(mentoring)],
    ]
    for kind in VisitKind:
        rows.append([_("Visits: %(kind)s") % {"kind": kind.label}, str(visits.get(kind.value, 0))])
    rows += [
        [_("Events held"), str(event_counts["held"])],
        [_("Events planned"), str(event_counts["planned"])],
        [_("Participants from the schools registered"), str(attendance["n_registered"])],
        [_("Of them attended"), _("%(n)s (%(share)s of those marked)") % {
            "n": attendance["n_attended"], "share": pct(share(attendance["n_attended"], attendance["n_marked"]))}],
        [_("Decisions of meetings"), str(d["total"])],
        [_("Of them done"), str(d["done"])],
        [_("Of them overdue"), str(d["overdue"])],
    ]
    section.tables.append(("", Table([_("Form of support"), _("Value")], rows, [7, 4])))
    if facts.listed:
        supported = curated | partnered | visited | attending
        facts.unsupported = [s for s in facts.listed if s.pk not in supported]
        if facts.unsupported:
            section.paragraphs.append(
                _("Schools of the list without a curator, a partner, a visit or attended events in %(year)s: "
                  "%(names)s.") % {"year": year, "names": names(facts.unsupported)})
        else:
            section.paragraphs.append(_("Every school of the list received support in %(year)s.") % {"year": year})
    return section


# --- 7. Teachers ------------------------------------------------------------------------------


def teachers(scope: Scope, year: int, today: date, facts: Facts) -> Section:
    from opora.staff.development_figures import development_figures

    section = Section(title=_("Teachers' professional development"))
    figures = development_figures(school_ids=scope.school_ids, year=year).values()
    sums = {k: sum(getattr(f, k) for f in figures)
            for k in ("teachers", "diagnosed", "with_deficits", "with_plans", "trained")}
    if not sums["teachers"]:
        section.empty = _("The staff registry of the territory's schools is empty: no data on teachers.")
        return section
    facts.teachers = sums["teachers"]
    facts.diagnosed_share = share(sums["diagnosed"], sums["teachers"])
    t = sums["teachers"]
    rows = [
        [_("Teachers in the staff registry"), str(t), "100 %"],
        [_("Diagnosed for professional deficits"), str(sums["diagnosed"]), pct(share(sums["diagnosed"], t))],
        [_("Deficits found"), str(sums["with_deficits"]), pct(share(sums["with_deficits"], t))],
        [_("With a development plan"), str(sums["with_plans"]), pct(share(sums["with_plans"], t))],
        [_("Development plan completed"), str(sums["trained"]), pct(share(sums["trained"], t))],
    ]
    section.tables.append(("", Table([_("Indicator"), _("Teachers"), _("Share")], rows, [7, 2, 2])))
    section.paragraphs.append(_("Teachers are counted, not named; the figures come from the staff registry and "
                                "the deficit diagnostics of %(year)s.") % {"year": year})
    return section


# --- 8. Programme indicators ------------------------------------------------------------------


STATUS_LABELS = {
    "achieved": gettext_lazy("achieved"),
    "not_achieved": gettext_lazy("not achieved"),
    "no_data": gettext_lazy("no data"),
    "no_target": gettext_lazy("no target"),
}


def covering_programmes(scope: Scope, year: int) -> list[Any]:
    from opora.programmes.models import Programme

    programmes = Programme.objects.filter(region=scope.region, start_year__lte=year, end_year__gte=year)
    if scope.kind == "school":
        programmes = programmes.filter(schools=scope.school_unit)
    elif not scope.is_region:
        programmes = programmes.filter(Q(municipality=scope.unit) | Q(
            municipality__isnull=True, schools__municipality=scope.unit))
    return list(programmes.distinct().order_by("code"))


def kpis(scope: Scope, year: int, today: date, facts: Facts) -> Section:
    from opora.programmes.figures import stored_results

    section = Section(title=_("Programme indicators: plan and fact"))
    programmes = covering_programmes(scope, year)
    if not programmes:
        section.empty = _("No programme covers the territory in %(year)s.") % {"year": year}
        return section
    for programme in programmes:
        rows = []
        for r in stored_results(programme, year, today=today):
            title = str(r.definition.title)
            {"achieved": facts.kpi_achieved, "not_achieved": facts.kpi_missed,
             "no_data": facts.kpi_no_data}.get(r.status, []).append(title)
            missing = len(r.fact.missing)
            basis = (f"{dec(r.fact.numerator, 0)} / {dec(r.fact.denominator, 0)}" if r.fact.value is not None else "—")
            if missing:
                basis += "; " + _("no data for %(n)s schools") % {"n": missing}
            rows.append([title, pct(r.target), pct(r.fact.value), str(STATUS_LABELS.get(r.status, r.status)), basis])
        section.tables.append((
            f"{programme.title} ({programme.start_year}–{programme.end_year})",
            Table([_("Indicator"), _("Target"), _("Fact"), _("Status"), _("Calculation")], rows, [7, 2, 2, 3, 3])))
    if scope.kind != "region":
        section.paragraphs.append(_("The indicators are computed over all the schools of each programme, not only "
                                    "those of this territory."))
    return section


Builder = Callable[[Scope, int, date, Facts], Section]
BUILDERS: list[tuple[Any, Builder]] = [
    (gettext_lazy("General information"), general),
    (gettext_lazy("Results of assessment procedures"), results),
    (gettext_lazy("Identification of schools"), identification),
    (gettext_lazy("Risk profiles"), risks),
    (gettext_lazy("Schools' documents and roadmaps"), roadmaps),
    (gettext_lazy("Support of the schools"), support),
    (gettext_lazy("Teachers' professional development"), teachers),
    (gettext_lazy("Programme indicators"), kpis),
]


# --- Conclusions ------------------------------------------------------------------------------


def _trend(values: Mapping[int, float | None], year: int) -> tuple[float, float] | None:
    now, before = values.get(year), values.get(year - 1)
    return (before, now) if now is not None and before is not None else None


def conclusions(facts: Facts, scope: Scope, year: int) -> list[str]:
    """Sentences written from the figures only; a figure that is missing yields no sentence."""
    out: list[str] = []
    if facts.listed is not None and scope.kind != "school":
        out.append(_("%(n)s of the territory's %(total)s schools are on the approved list of %(year)s.")
                   % {"n": len(facts.listed), "total": facts.schools, "year": year})
    elif facts.listed is not None:
        out.append(_("The school is on the approved list of %(year)s.") % {"year": year} if facts.listed
                   else _("The school is not on the approved list of %(year)s.") % {"year": year})
    if facts.entered is not None and facts.left is not None and scope.kind != "school":
        out.append(_("Compared with %(prev)s, %(left)s schools left the list and %(entered)s entered it.")
                   % {"prev": year - 1, "left": len(facts.left), "entered": len(facts.entered)})
    for procedure, values in sorted(facts.fail.items()):
        trend = _trend(values, year)
        if trend is None:
            continue
        before, now = trend
        if abs(now - before) < 0.005:
            text = _("The share of marks «2» in %(procedure)s stayed at %(now)s.")
        elif now < before:
            text = _("The share of marks «2» in %(procedure)s fell from %(before)s to %(now)s.")
        else:
            text = _("The share of marks «2» in %(procedure)s rose from %(before)s to %(now)s.")
        sentence = text % {"procedure": procedure, "before": pct(before), "now": pct(now)}
        region_now = facts.fail_region.get(procedure, {}).get(year)
        if region_now is not None:
            sentence += " " + (_("It is above the region's %(region)s.") if now > region_now + 0.005 else
                               _("It is below the region's %(region)s.") if now < region_now - 0.005 else
                               _("It is at the region's level.")) % {"region": pct(region_now)}
        out.append(sentence)
    if facts.flags.get("resilient"):
        out.append(_("Resilient schools: %(n)s; their experience can be shared with the schools of the list.")
                   % {"n": facts.flags["resilient"]})
    if facts.flags.get("decline_risk"):
        out.append(_("Schools at risk of declining results: %(n)s; they need preventive attention.")
                   % {"n": facts.flags["decline_risk"]})
    if facts.top_high_factor:
        out.append(_("The risk factor most often at the high level: «%(factor)s» (%(n)s schools).")
                   % {"factor": facts.top_high_factor[0], "n": facts.top_high_factor[1]})
    if facts.measures_counted:
        out.append(_("Roadmap measures done on time: %(share)s; overdue: %(overdue)s.")
                   % {"share": pct(facts.measures_on_time), "overdue": facts.measures_overdue})
    if facts.documents_due_late:
        out.append(_("%(n)s documents are past their due date and not approved.") % {"n": facts.documents_due_late})
    if facts.unsupported:
        out.append(_("Schools of the list without support in %(year)s: %(n)s; support should be arranged for them.")
                   % {"year": year, "n": len(facts.unsupported)})
    if facts.decisions_overdue:
        out.append(_("Overdue decisions of meetings: %(n)s.") % {"n": facts.decisions_overdue})
    if facts.diagnosed_share is not None:
        out.append(_("%(share)s of teachers were diagnosed for professional deficits.")
                   % {"share": pct(facts.diagnosed_share)})
    if facts.kpi_achieved or facts.kpi_missed:
        out.append(_("Programme indicators achieved: %(done)s of %(total)s.")
                   % {"done": len(facts.kpi_achieved), "total": len(facts.kpi_achieved) + len(facts.kpi_missed)})
    if facts.kpi_missed:
        out.append(_("Not achieved: %(names)s.") % {"names": "; ".join(facts.kpi_missed)})
    if facts.kpi_no_data:
        out.append(_("Without data for the year: %(names)s.") % {"names": "; ".join(facts.kpi_no_data)})
    if not out:
        out.append(_("Opora holds too little data on the territory for %(year)s to draw conclusions.")
                   % {"year": year})
    return out
