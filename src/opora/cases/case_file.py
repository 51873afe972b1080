"""The file of an objectivity case as DOCX and PDF: the school, the works, the status, the signs with
their numbers, the evidence of each work (charts as pictures and their numbers), the school's
answer, the municipality's opinion, the decision and the history.

The content is the analytical report's structure (`opora.reports.content.ReportData`), so the
report's DOCX and PDF builders print it in the same formal layout; the charts are the page's
charts drawn as PNG with matplotlib, as the report's are. The decision is the file's conclusions.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.formats import date_format  # noqa: E402
from django.utils.text import capfirst  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from django.utils.translation import pgettext  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from opora.analytics.case_evidence import Distribution, Journal, Tasks, Years  # noqa: E402
from opora.cases import charts as svg  # noqa: E402
from opora.cases.evidence import Part, WorkEvidence, case_evidence, work_parts  # noqa: E402
from opora.cases.models import CaseState, ObjectivityCase  # noqa: E402
from opora.cases.services import works_label  # noqa: E402
from opora.identification.explain.why import objectivity_item  # noqa: E402
from opora.identification.selectors import display_names  # noqa: E402
from opora.reports.charts import _png  # noqa: E402
from opora.reports.content import Chart, ReportData, Section, Table  # noqa: E402
from opora.reports.docx import report_docx  # noqa: E402
from opora.reports.pdf import report_pdf  # noqa: E402

SIZE = (7, 3.4)


def _percent(value: float, _pos: int) -> str:
    return f"{value:.0f} %"


def distribution_png(d: Distribution) -> bytes:
    figure, axes = plt.subplots(figsize=SIZE)
    xs = list(d.scores)
    axes.bar([x - 0.2 for x in xs], [100 * v for v in d.school], width=0.4, color=svg.SCHOOL, label=svg.school_label())
    axes.bar([x + 0.2 for x in xs], [100 * v for v in d.region], width=0.4, color=svg.REGION, label=svg.region_label())
    for b in d.boundaries:
        axes.axvline(b.score - 0.5, color=svg.ODD, linestyle="--", linewidth=1)
        axes.text(b.score - 0.4, axes.get_ylim()[1] * 0.92, f"«{b.mark}»", color=svg.ODD, fontsize=8)
    axes.set_xlabel(_("Primary score"), fontsize=8)
    axes.set_ylabel(_("Share of pupils, %"), fontsize=8)
    axes.yaxis.set_major_formatter(FuncFormatter(_percent))
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=7, loc="upper left")
    return _png(figure)


def journal_png(j: Journal) -> bytes:
    figure, axes = plt.subplots(figsize=(7, 2.2))
    labels = svg.journal_labels()
    rows = [(svg.school_label(), j.school), (svg.region_label(), j.region)]
    lefts = [0.0, 0.0]
    for key, colour in svg.JOURNAL_COLOURS.items():
        widths = [100 * float(getattr(s, key)) for _w, s in rows]
        axes.barh([0, 1], widths, left=lefts, color=colour, label=labels[key])
        lefts = [left + w for left, w in zip(lefts, widths, strict=True)]
    axes.set_yticks([0, 1])
    axes.set_yticklabels([who for who, _s in rows], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.xaxis.set_major_formatter(FuncFormatter(_percent))
    axes.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3)
    return _png(figure)


def years_png(y: Years, peers_label: str) -> bytes:
    figure, axes = plt.subplots(figsize=SIZE)
    scale = 1.0 if y.measure == "mean_pct" else 100.0
    banded = [p for p in y.points if p.q1 is not None and p.q3 is not None and p.median is not None]
    if banded:
        axes.bar([p.year for p in banded], [((p.q3 or 0) - (p.q1 or 0)) * scale for p in banded], width=0.5,
                 bottom=[(p.q1 or 0) * scale for p in banded], color=svg.BAND,
                 label=_("quartiles of %(peers)s") % {"peers": peers_label})
        axes.scatter([p.year for p in banded], [(p.median or 0) * scale for p in banded], marker="_", s=600,
                     color="#7b8494", label=_("Median"))
    own = [p for p in y.points if p.school is not None]
    axes.plot([p.year for p in own], [(p.school or 0) * scale for p in own], "-o", color=svg.SCHOOL,
              label=svg.school_label())
    axes.set_xticks([p.year for p in y.points])
    axes.set_xlabel(_("Year"), fontsize=8)
    axes.set_ylabel(svg.measure_label(y.measure), fontsize=8)
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=6, loc="best")
    return _png(figure)


def tasks_png(t: Tasks) -> bytes:
    figure, axes = plt.subplots(figsize=SIZE)
    xs = list(range(len(t.rows)))
    axes.bar([x - 0.2 for x in xs], [100 * r.school for r in t.rows], width=0.4, color=svg.SCHOOL,
             edgecolor=[svg.ODD if r.odd else svg.SCHOOL for r in t.rows], linewidth=2, label=svg.school_label())
    axes.bar([x + 0.2 for x in xs], [100 * r.region for r in t.rows], width=0.4, color=svg.REGION,
             label=svg.region_label())
    axes.set_xticks(xs)
    axes.set_xticklabels([f"№{r.task}" + ("!" if r.odd else "") for r in t.rows], fontsize=7)
    for label, row in zip(axes.get_xticklabels(), t.rows, strict=True):
        if row.odd:
            label.set_color(svg.ODD)
    axes.set_ylim(0, 100)
    axes.set_xlabel(_("Tasks, from the easiest for the region to the hardest"), fontsize=8)
    axes.set_ylabel(_("Completion, %"), fontsize=8)
    axes.yaxis.set_major_formatter(FuncFormatter(_percent))
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=7, loc="best")
    return _png(figure)


def _chart(part: Part, work: WorkEvidence, peers_label: str) -> Chart | None:
    title = f"{part.title}: {work.title}"
    if part.key == "distribution" and work.distribution is not None:
        return Chart(title, distribution_png(work.distribution))
    if part.key == "journal" and work.journal is not None:
        return Chart(title, journal_png(work.journal))
    if part.key == "years" and work.years is not None:
        return Chart(title, years_png(work.years, peers_label))
    if part.key == "tasks" and work.tasks is not None:
        return Chart(title, tasks_png(work.tasks))
    return None


def _moment(value: object) -> str:
    return date_format(timezone.localtime(value), "d.m.Y H:i") if value else ""  # type: ignore[arg-type]


def _who(user: object, at: object) -> str:
    return ", ".join(t for t in (str(user) if user else "", _moment(at)) if t)


def _general(case: ObjectivityCase, procedure: str) -> Section:
    rows = [[_("School"), f"{case.school.name} ({case.school.code})"],
            [_("Municipality"), case.school.municipality.name],
            [_("Procedure"), f"{procedure} {case.year}"],
            [_("Works"), works_label(case)],
            [_("Status"), str(case.get_state_display())]]
    if case.answer_due:
        rows.append([_("Answer due"), date_format(case.answer_due, "d.m.Y")])
    if case.decision_due and case.state == CaseState.REVIEW:
        rows.append([_("Decision due"), date_format(case.decision_due, "d.m.Y")])
    if case.run_id:
        rows.append([_("Identification run"), f"№ {case.run_id}"])
    return Section(_("General information"), tables=[("", Table([_("Field"), _("Value")], rows, [1, 2]))])


def _signs(case: ObjectivityCase) -> Section:
    names = display_names()
    item = objectivity_item(case.objectivity_index, sorted({str(s.get("sign")) for s in case.signs}),
                            case.statuses or {}, case.signs, names)
    section = Section(_("Signs of non-objective results"), paragraphs=[f"{item.title}: {item.value}."])
    if item.signs:
        section.tables.append(("", Table([_("Sign"), _("Status")], [[s.label, s.status_label] for s in item.signs],
                                         [3, 1])))
    section.tables += [(_("The signs' numbers"), Table(list(t.headers), [list(map(str, r)) for r in t.rows]))
                       for t in item.tables]
    section.paragraphs.append(_("Signs of non-objective results are a prompt to analyse, never a verdict."))
    return section


def _evidence(case: ObjectivityCase) -> list[Section]:
    evidence = case_evidence(case)
    if evidence.empty:
        return [Section(_("Evidence"), empty=_("Not enough data: the school has no results of the case's works."))]
    sections = []
    for work in evidence.works:
        for part in work_parts(work, evidence.peers_label):
            section = Section(f"{part.title} ({work.title})",
                              paragraphs=[t for t in (part.summary, part.note if part.rows else "") if t],
                              empty=part.note)
            if part.rows:
                section.tables.append(("", Table(part.headers, part.rows)))
            chart = _chart(part, work, evidence.peers_label)
            if chart is not None:
                section.charts.append(chart)
            sections.append(section)
    return sections


def _answer(case: ObjectivityCase) -> Section:
    section = Section(_("The school's answer"), empty=_("The school has not answered."))
    if case.answer:
        section.paragraphs += [*case.answer.splitlines(), _who(case.answered_by, case.answered_at)]
    files = list(case.files.all())
    if files:
        section.tables.append((_("Files"), Table([_("File name"), _("Size, bytes")],
                                                 [[f.name, str(f.size)] for f in files], [3, 1])))
    return section


def _opinion(case: ObjectivityCase) -> Section:
    section = Section(_("The municipality's opinion"), empty=_("The municipality has not given its opinion."))
    if case.municipal_outcome:
        section.paragraphs += [f"{case.get_municipal_outcome_display()}: {case.municipal_reason}",
                               _who(case.municipal_by, case.municipal_at)]
    return section


def _history(case: ObjectivityCase) -> Section:
    rows = [[_moment(e.at), str(e.get_kind_display()), str(e.actor or ""), e.text]
            for e in case.events.select_related("actor")]
    headers = [_("When"), pgettext("case history", "Event"), _("Who"), _("Text")]
    return Section(_("History"), tables=[("", Table(headers, rows, [2, 3, 3, 4]))] if rows else [])


def _decision(case: ObjectivityCase) -> list[str]:
    if case.state != CaseState.DECIDED:
        return [_("The region has not decided yet (status: %(state)s).") % {"state": case.get_state_display()}]
    lines = [_("Decision: %(outcome)s. %(reason)s") % {"outcome": case.get_outcome_display(), "reason": case.reason}]
    if case.confirmed:
        if case.mark_results:
            lines.append(_("The works' results are marked as not objective."))
        lines.append(capfirst(str(case.get_low_results_effect_display())) + ".")
        if case.enhanced_control:
            lines.append(_("Enhanced control at the assessment of %(next)s.") % {"next": case.year + 1})
    lines.append(_who(case.decided_by, case.decided_at))
    return [line for line in lines if line]


def case_file_data(case: ObjectivityCase) -> ReportData:
    procedure = display_names().procedure(case.procedure)
    sections: Sequence[Section] = [_general(case, procedure), _signs(case), *_evidence(case), _answer(case),
                                   _opinion(case), _history(case)]
    for number, section in enumerate(sections, start=1):
        section.number = number
    return ReportData(heading=_("Objectivity case file"), subject=f"{case.school.name}, {procedure} {case.year}",
                      territory=f"{case.school.municipality.name}, {case.region.name}",
                      made_on=timezone.localdate(), sections=list(sections), conclusions=_decision(case))


def case_file_docx(case: ObjectivityCase) -> bytes:
    return report_docx(case_file_data(case))


def case_file_pdf(case: ObjectivityCase) -> bytes:
    return report_pdf(case_file_data(case))
