"""Sections 1–3: the territory's schools, their results and their identification."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import F, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.reports import charts
from opora.reports.content import Scope, Section, Table
from opora.reports.sections.facts import Facts
from opora.reports.sections.formatting import dec, names, pct, share

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
            .annotate(p=Sum("participants"), m2=Sum("mark2"), pf=Sum("participants", filter=Q(mark2__isnull=False)),
                      mm=Sum(F("mean_mark") * Cast("participants", FloatField()), filter=Q(mean_mark__isnull=False)),
                      mp=Sum("participants", filter=Q(mean_mark__isnull=False))))
    return {(r["procedure__name"], r["year"]): r for r in rows}


def _by_subject(school_ids: list[int] | None, region_id: int, year: int) -> dict[tuple[str, str], dict]:
    from opora.results.models import SchoolIndicator

    qs = SchoolIndicator.objects.filter(class_name="", year=year)
    qs = qs.filter(school_id__in=school_ids) if school_ids is not None else qs.filter(
        school__municipality__region_id=region_id)
    rows = (qs.values("procedure__name", "subject__name").order_by()
            .annotate(p=Sum("participants"), m2=Sum("mark2"), pf=Sum("participants", filter=Q(mark2__isnull=False)),
                      mm=Sum(F("mean_mark") * Cast("participants", FloatField()), filter=Q(mean_mark__isnull=False)),
                      mp=Sum("participants", filter=Q(mean_mark__isnull=False))))
    return {(r["procedure__name"], r["subject__name"]): r for r in rows}


def _fail(row: dict | None) -> float | None:
    # Over the schools whose mark counts are known (a mean-only aggregate has none).
    return share(row["m2"] or 0, row["pf"] or 0) if row else None


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
