"""Sections 4–7: the work with the schools: risk profiles, roadmaps, support, teachers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.reports.content import Scope, Section, Table
from opora.reports.sections.facts import Facts
from opora.reports.sections.formatting import names, pct, share


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def active_in(year: int, start: str = "starts_on", end: str = "ends_on") -> Q:
    first, last = year_bounds(year)
    return Q(**{f"{start}__lte": last}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": first}))



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
    curated = set(Curatorship.objects.filter(active_in(year), school_id__in=ids).values_list("school_id", flat=True))
    partnered = set(Partnership.objects.filter(active_in(year), school_id__in=ids)
                    .values_list("school_id", flat=True))
    mentoring = Mentoring.objects.filter(active_in(year), mentee__school_id__in=ids).count()
    first, last = year_bounds(year)
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
