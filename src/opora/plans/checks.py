"""What is missing before a document can be submitted.

Saving keeps half-filled drafts; submission (`services/review.py`) runs `submit_problems` and
refuses while the list is not empty. Each problem names the section and the row (or measure), so
the page can link to the place to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from opora.plans.content import SECTIONS, Field, Section
from opora.plans.models import Document, DocumentKind, Measure
from opora.plans.services.documents import selected_factors


@dataclass(frozen=True)
class Problem:
    section: str  # section key
    item: int | None  # 0-based index of the row in a list section
    measure: int | None  # Measure id
    message: str


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _is_date(value: Any) -> bool:
    if isinstance(value, date):
        return True
    try:
        date.fromisoformat(str(value).strip())
    except ValueError:
        return False
    return True


def _row_problems(section: Section, index: int, item: Any) -> list[Problem]:
    where = _("Section «%(section)s», row %(row)s") % {"section": section.title, "row": index + 1}
    if not isinstance(item, dict):
        return [Problem(section.key, index, None, _("%(where)s: the row is not readable.") % {"where": where})]
    problems = []
    for f in section.fields:
        value = item.get(f.key)
        if _blank(value):
            if f.required:
                problems.append(Problem(section.key, index, None, _("%(where)s: «%(field)s» is not filled in.")
                                        % {"where": where, "field": f.label}))
        elif f.type == "date" and not _is_date(value):
            problems.append(Problem(section.key, index, None, _("%(where)s: «%(field)s» is not a date.")
                                    % {"where": where, "field": f.label}))
    return problems


MEASURE_REQUIRED = (Field("responsible", _("responsible")), Field("due_on", _("deadline"), "date"),
                    Field("indicator", _("indicator")))


def _measure_problems(section: Section, document: Document) -> list[Problem]:
    measures = list(Measure.objects.filter(document=document).order_by("position", "pk"))
    problems = []
    if not measures and section.required:
        problems.append(Problem(section.key, None, None, _("Section «%(section)s»: add at least one measure.")
                                % {"section": section.title}))
    for n, m in enumerate(measures, start=1):
        where = _("Section «%(section)s», measure %(row)s «%(title)s»") % {
            "section": section.title, "row": n, "title": m.title}
        for f in MEASURE_REQUIRED:
            if _blank(getattr(m, f.key)):
                problems.append(Problem(section.key, None, m.pk, _("%(where)s: «%(field)s» is not filled in.")
                                        % {"where": where, "field": f.label}))
    addressed = {m.factor for m in measures if m.factor}
    for chosen in selected_factors(document.school, document.year):
        if chosen.factor not in addressed:
            problems.append(Problem(section.key, None, None,
                                    _("Section «%(section)s»: the risk factor «%(factor)s» is not addressed by "
                                      "any measure.") % {"section": section.title, "factor": chosen.name}))
    return problems


def submit_problems(document: Document) -> list[Problem]:
    """Everything that keeps the document from being submitted, in the order of its sections."""
    content = document.content or {}
    problems: list[Problem] = []
    for section in SECTIONS[document.kind]:
        value = content.get(section.key)
        if section.type == "text":
            if section.required and _blank(value):
                problems.append(Problem(section.key, None, None, _("Section «%(section)s»: not filled in.")
                                        % {"section": section.title}))
        elif section.type == "list":
            items = value if isinstance(value, list) else []
            if section.required and not items:
                problems.append(Problem(section.key, None, None, _("Section «%(section)s»: add at least one row.")
                                        % {"section": section.title}))
            for index, item in enumerate(items):
                problems.extend(_row_problems(section, index, item))
        elif section.type == "measures" and document.kind == DocumentKind.ROADMAP:
            problems.extend(_measure_problems(section, document))
    return problems
