"""What an objectivity case's page and file show for each of its works: the reads from the results
store and the rollups, then the pure figures of `opora.analytics.case_evidence`.

Per work of the case (the case's year): the score distribution around the mark boundaries
against the region's — from pupil rows (one DuckDB pass over the active parts of the procedure
and year), else from the score distributions the school aggregates carry; the journal against
the assessment marks; the school's results over the years against schools of similar context
(the case's run rows when it has one, else every school of the region); the tasks where they are
loaded. Other schools reach the evidence only as sums, shares and quartiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opora.analytics import case_evidence as figures
from opora.analytics.connection import connection
from opora.cases.effects import works_of
from opora.cases.models import ObjectivityCase
from opora.core.models import School
from opora.identification.models import RunSchool
from opora.identification.selectors import display_names
from opora.results.models import ResultPart, Scale, SchoolIndicator, TaskIndicator

COUNT_COLUMNS = ["school_code", "subject", "grade", "score", "pupils"]


@dataclass
class WorkEvidence:
    subject: str
    grade: int
    title: str  # «Математика, 5 класс»
    max_score: int | None = None
    distribution: figures.Distribution | None = None
    distribution_source: str = ""  # "pupils" or "aggregates"
    journal: figures.Journal | None = None
    years: figures.Years | None = None
    tasks: figures.Tasks | None = None
    notes: dict[str, str] = field(default_factory=dict)  # part → why it is missing


@dataclass
class CaseEvidence:
    works: list[WorkEvidence]
    peers: str  # how the schools of similar context were chosen: stanine / quality / region
    peers_label: str

    @property
    def empty(self) -> bool:
        return not self.works


def _not_enough(what: str) -> str:
    return _("Not enough data: %(what)s.") % {"what": what}


def _works(case: ObjectivityCase, school: School) -> list[tuple[str, int]]:
    """(subject, grade) of each work of the case; a case on every work takes the school's works of
    the procedure and year."""
    loaded = sorted(set(SchoolIndicator.objects.filter(
        school=school, procedure__code=case.procedure, year=case.year, class_name="",
    ).values_list("subject__code", "grade")))
    found: list[tuple[str, int]] = []
    for work in works_of(case):
        if work.subject is not None and work.grade is not None:
            found.append((work.subject, work.grade))
        else:
            found += [(s, g) for s, g in loaded if work.subject in (None, s) and work.grade in (None, g)]
    return list(dict.fromkeys(found))


def _pupil_counts(procedure: str, year: int, codes: list[str]) -> pd.DataFrame:
    """Pupils by school, work and primary score of the region's schools, from the active parts."""
    wanted = set(codes)
    paths = [Path(settings.RESULTS_DIR) / path for path, part_codes in ResultPart.objects.filter(
        active=True, procedure__code=procedure, year=year).order_by("pk").values_list("path", "school_codes")
        if wanted.intersection(part_codes or [])]
    paths = [p for p in paths if p.exists()]
    if not paths:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    t = connection().read_parquet([str(p) for p in paths])
    t = t.filter([t.procedure == procedure, t.year == year, t.school_code.isin(sorted(wanted)),
                  t.primary_score.notnull()])
    t = t.mutate(score=t.primary_score.round().cast("int64"))
    frame = t.group_by(["school_code", "subject", "grade", "score"]).aggregate(pupils=t.count()).to_pandas()
    return frame.astype({"school_code": object, "subject": object, "grade": "int64", "score": "int64",
                         "pupils": "int64"})[COUNT_COLUMNS]


def _distribution(work: WorkEvidence, code: str, pupils: pd.DataFrame, aggregates: list[tuple[str, list[int]]],
                  scale: Scale | None) -> None:
    rows = pupils[(pupils["subject"] == work.subject) & (pupils["grade"] == work.grade)]
    counts = rows[["school_code", "score", "pupils"]]
    known = set(counts["school_code"].astype(str))
    extra = figures.counts_from_lists([(c, v) for c, v in aggregates if c not in known])
    counts = pd.concat([f for f in (counts, extra) if len(f)], ignore_index=True) if len(extra) else counts
    max_score = scale.max_score if scale else int(counts["score"].max() if len(counts) else 0)
    work.max_score = max_score or None
    edges = (scale.mark3_from, scale.mark4_from, scale.mark5_from) if scale else (None, None, None)
    work.distribution = figures.score_distribution(counts, code, max_score, edges) if max_score else None
    if work.distribution is None:
        work.notes["distribution"] = _not_enough(_("the school has neither pupil results nor a score distribution"))
    else:
        work.distribution_source = "pupils" if code in known else "aggregates"


def _context(case: ObjectivityCase, codes: list[str]) -> pd.DataFrame:
    if case.run_id is None:
        return pd.DataFrame({"school_code": codes, "swi_stanine": None, "quality_group": None})
    rows = RunSchool.objects.filter(run_id=case.run_id).values_list("school__code", "swi_stanine", "quality_group")
    return pd.DataFrame(list(rows), columns=["school_code", "swi_stanine", "quality_group"])


def _peers_label(basis: str) -> str:
    return {"stanine": _("schools of similar social well-being (within one stanine)"),
            "quality": _("schools of the same quality group"),
            "region": _("every school of the region")}[basis]


def case_evidence(case: ObjectivityCase) -> CaseEvidence:
    school = case.school
    code = str(school.code)
    codes = sorted(School.objects.filter(municipality__region=case.region, is_active=True)
                   .values_list("code", flat=True))
    names = display_names()
    peers, basis = figures.similar_schools(_context(case, codes), code)
    found = _works(case, school)
    evidence = CaseEvidence(works=[], peers=basis, peers_label=_peers_label(basis))
    if not found:
        return evidence
    subjects = sorted({s for s, _g in found})
    grades = sorted({g for _s, g in found})
    indicators = pd.DataFrame(list(SchoolIndicator.objects.filter(
        procedure__code=case.procedure, year__lte=case.year, subject__code__in=subjects, grade__in=grades,
        class_name="", school__code__in=codes,
    ).values_list("school__code", "year", "subject__code", "grade", "mean_pct", "fail_share", "lowered",
                  "confirmed", "raised", "score_counts")),
        columns=["school_code", "year", "subject", "grade", "mean_pct", "fail_share", "lowered", "confirmed",
                 "raised", "score_counts"])
    tasks = pd.DataFrame(list(TaskIndicator.objects.filter(
        procedure__code=case.procedure, year=case.year, subject__code__in=subjects, grade__in=grades,
        class_name="", school__code__in=codes,
    ).values_list("school__code", "subject__code", "grade", "task", "participants", "completion")),
        columns=["school_code", "subject", "grade", "task", "participants", "completion"])
    scales = {(s.subject.code, s.grade): s for s in Scale.objects.filter(
        procedure__code=case.procedure, year=case.year, subject__code__in=subjects).select_related("subject")}
    pupils = _pupil_counts(case.procedure, case.year, codes)
    for subject, grade in found:
        work = WorkEvidence(subject=subject, grade=grade,
                            title=f"{names.subject(subject)}, {_('grade %(grade)s') % {'grade': grade}}")
        of_work = indicators[(indicators["subject"] == subject) & (indicators["grade"] == grade)]
        now = of_work[of_work["year"] == case.year]
        aggregates = [(str(c), list(v)) for c, v in zip(now["school_code"], now["score_counts"], strict=True)
                      if isinstance(v, list)]
        _distribution(work, code, pupils, aggregates, scales.get((subject, grade)))
        work.journal = figures.journal_comparison(now[["school_code", "lowered", "confirmed", "raised"]], code)
        if work.journal is None:
            work.notes["journal"] = _not_enough(_("no pupil of the school has both a journal and an assessment mark"))
        work.years = figures.years_against_peers(of_work[["school_code", "year", "mean_pct", "fail_share"]], code,
                                                 peers)
        if work.years is None:
            work.notes["years"] = _not_enough(_("the school has no results of this work"))
        of_tasks = tasks[(tasks["subject"] == subject) & (tasks["grade"] == grade)]
        work.tasks = figures.task_comparison(of_tasks[["school_code", "task", "participants", "completion"]], code)
        if work.tasks is None:
            work.notes["tasks"] = _not_enough(_("the tasks of this work are not loaded"))
        evidence.works.append(work)
    return evidence


# --- The numbers as tables, for the page and the file -----------------------------------------


@dataclass
class Part:
    key: str  # distribution / journal / years / tasks
    title: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""  # what the figures stand on, or why they are missing
    summary: str = ""

    @property
    def has_figures(self) -> bool:
        return bool(self.rows)


def _pct(share: float | None, digits: int = 1) -> str:
    return "—" if share is None else f"{number_format(100 * share, decimal_pos=digits)}%"


def _value(value: float | None, measure: str) -> str:
    if value is None:
        return "—"
    return number_format(value, decimal_pos=1) if measure == "mean_pct" else _pct(value)


def _distribution_part(work: WorkEvidence) -> Part:
    part = Part("distribution", _("Score distribution around the mark boundaries"),
                note=work.notes.get("distribution", ""))
    d = work.distribution
    if d is None:
        return part
    part.headers = [_("Mark"), _("From score"), _("On the boundary: school"), _("On the boundary: region"),
                    _("One point below: school"), _("One point below: region")]
    part.rows = [[f"«{b.mark}»", str(b.score), _pct(b.school_at), _pct(b.region_at), _pct(b.school_below),
                  _pct(b.region_below)] for b in d.boundaries]
    source = (_("from the pupils' results") if work.distribution_source == "pupils"
              else _("from the score distribution of the school aggregates"))
    part.note = _("Pupils: the school %(school)s, the region %(region)s; %(source)s.") % {
        "school": d.school_n, "region": d.region_n, "source": source}
    return part


def _journal_part(work: WorkEvidence) -> Part:
    part = Part("journal", _("Journal marks against the assessment marks"), note=work.notes.get("journal", ""))
    j = work.journal
    if j is None:
        return part
    part.headers = [_("Who"), _("Pupils with both marks"), _("Lowered"), _("Confirmed"), _("Raised")]
    part.rows = [[who, str(s.pupils), _pct(s.lowered), _pct(s.confirmed), _pct(s.raised)]
                 for who, s in ((_("the school"), j.school), (_("the region"), j.region))]
    part.note = _("Lowered: the assessment mark is below the journal mark; raised: above it.")
    return part


def _years_part(work: WorkEvidence, peers_label: str) -> Part:
    part = Part("years", _("Results over the years against schools of similar context"),
                note=work.notes.get("years", ""))
    y = work.years
    if y is None:
        return part
    measure = _("mean score, % of the maximum") if y.measure == "mean_pct" else _("share of marks «2»")
    part.headers = [_("Year"), _("The school"), _("Median"), _("Quartiles"), _("Schools in the reference")]
    part.rows = [[str(p.year), _value(p.school, y.measure), _value(p.median, y.measure),
                  "—" if p.q1 is None or p.q3 is None else f"{_value(p.q1, y.measure)} – {_value(p.q3, y.measure)}",
                  str(p.peers)] for p in y.points]
    text = _("Measure: %(measure)s; reference: %(peers)s (the school itself left out, at least %(n)s schools).")
    part.note = text % {"measure": measure, "peers": peers_label, "n": figures.MIN_PEERS}
    return part


def _tasks_part(work: WorkEvidence) -> Part:
    part = Part("tasks", _("Task completion against the region"), note=work.notes.get("tasks", ""))
    t = work.tasks
    if t is None:
        return part
    part.headers = [_("Task"), _("The school"), _("The region"), _("Difference, points"), _("Oddity")]
    part.rows = [[f"№{r.task}", _pct(r.school), _pct(r.region), number_format(100 * (r.school - r.region),
                                                                                decimal_pos=1),
                  _("harder, done better than an easier one") if r.odd else ""] for r in t.rows]
    part.note = _("Tasks are ordered from the easiest for the region to the hardest.")
    odd = sum(r.odd for r in t.rows)
    part.summary = (ngettext("%(n)s hard task was done better than easier ones.",
                             "%(n)s hard tasks were done better than easier ones.", odd) % {"n": odd}
                    if odd else _("No hard task was done better than easier ones."))
    return part


def work_parts(work: WorkEvidence, peers_label: str) -> list[Part]:
    """The four parts of a work's evidence with their numbers (the charts are drawn apart)."""
    return [_distribution_part(work), _journal_part(work), _years_part(work, peers_label), _tasks_part(work)]
