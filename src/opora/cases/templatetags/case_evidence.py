"""`{% case_evidence case %}`: the charts and numbers of an objectivity case's evidence for each of
its works (`cases/_evidence.html`), with the links to the case file."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from opora.cases import charts
from opora.cases import evidence as case_figures
from opora.cases.evidence import Part, WorkEvidence, work_parts
from opora.cases.models import ObjectivityCase

register = template.Library()


def part_svg(part: Part, work: WorkEvidence, peers_label: str) -> SafeString | None:
    """The chart of one part of a work's evidence; None when it has no figures."""
    title = f"{part.title}: {work.title}"
    if part.key == "distribution" and work.distribution is not None:
        return charts.distribution_svg(work.distribution, title)
    if part.key == "journal" and work.journal is not None:
        return charts.journal_svg(work.journal, title)
    if part.key == "years" and work.years is not None:
        return charts.years_svg(work.years, title, peers_label)
    if part.key == "tasks" and work.tasks is not None:
        return charts.tasks_svg(work.tasks, title)
    return None


@register.inclusion_tag("cases/_evidence.html")
def case_evidence(case: ObjectivityCase) -> dict[str, Any]:
    evidence = case_figures.case_evidence(case)
    works = [{"work": work, "parts": [{"part": part, "svg": part_svg(part, work, evidence.peers_label)}
                                      for part in work_parts(work, evidence.peers_label)]}
             for work in evidence.works]
    return {"case": case, "evidence": evidence, "works": works}
