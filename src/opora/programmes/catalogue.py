"""The shipped indicators (METHODS.md §8): what is counted, over what, when the denominator is
taken, where the data comes from, and the targets a programme starts with (seed 002)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from opora.programmes import sources
from opora.programmes.sources import Source

# Every denominator is the programme's schools: the approved list of its first year.
LIST_AT_START = _("the programme's schools: the approved list of its first year (exits stay counted)")


@dataclass(frozen=True)
class KpiDefinition:
    code: str
    title: Any  # lazy text
    numerator: Any
    denominator: Any
    denominator_date: Any
    source: Any
    compute: Source
    higher_is_better: bool = True
    default_targets: tuple[float, ...] = ()  # percent for the programme's 1st, 2nd, 3rd … year (last repeats)


CATALOGUE: dict[str, KpiDefinition] = {d.code: d for d in (
    KpiDefinition(
        "positive_dynamics", _("Share of low-result schools with positive dynamics of results"),
        _("schools whose results improved in the year (identification: dynamics «improved»)"),
        _("schools of the programme with dynamics computed for the year"), LIST_AT_START,
        _("identification of the year (the run behind the approved list)"), sources.positive_dynamics,
        default_targets=(60, 70, 80)),
    KpiDefinition(
        "teachers_diagnosed", _("Share of teachers diagnosed for professional deficits"),
        _("teachers with a deficit diagnostic result in the year"),
        _("active teachers of the programme's schools in the staff registry"), LIST_AT_START,
        _("staff registry and deficit diagnostics"), sources.teachers_diagnosed,
        default_targets=(70, 75, 80)),
    KpiDefinition(
        "methodological_coverage", _("Share of low-result schools covered by methodological work"),
        _("schools with a curator during the year, a visit or consultation, or participants at an event"),
        _("schools of the programme"), LIST_AT_START,
        _("curators, visits and event attendance"), sources.methodological_coverage,
        default_targets=(100,)),
    KpiDefinition(
        "network_partnership", _("Share of low-result schools in network partnerships"),
        _("schools with a partner school during the year"),
        _("schools of the programme"), LIST_AT_START, _("partnerships"), sources.network_partnership,
        default_targets=(20, 25, 30)),
    KpiDefinition(
        "list_exit", _("Share of schools that left the list"),
        _("schools of the programme that were on an earlier year's list and are not on this year's"),
        _("schools of the programme listed in an earlier year, when the year's list is approved"), LIST_AT_START,
        _("approved lists of the years"), sources.list_exit),
    KpiDefinition(
        "documents_on_time", _("Share of schools with documents approved on time"),
        _("schools whose concept, programme and roadmap due by now were approved by their dates"),
        _("schools of the programme with a document due by now"), LIST_AT_START,
        _("roadmaps and the calendar of stages"), sources.documents_on_time),
    KpiDefinition(
        "measures_on_time", _("Share of roadmap measures done on time"),
        _("roadmap measures done no later than their deadlines"),
        _("roadmap measures of the programme's schools, cancelled ones left out"), LIST_AT_START,
        _("roadmaps (execution of measures)"), sources.measures_on_time),
    KpiDefinition(
        "teachers_trained", _("Share of teachers trained on their development plans"),
        _("teachers whose development plan of the year is completed"),
        _("teachers of the programme's schools with a development plan for the year"), LIST_AT_START,
        _("development plans and courses"), sources.teachers_trained),
    KpiDefinition(
        "objectivity_signs", _("Share of schools with signs of non-objective results"),
        _("schools with at least one objectivity sign in the year's identification"),
        _("schools of the programme with an identification row for the year"), LIST_AT_START,
        _("identification of the year"), sources.objectivity_signs, higher_is_better=False),
    KpiDefinition(
        "objectivity_confirmed", _("Share of schools with confirmed non-objective results"),
        _("schools with an objectivity case of the year decided as confirmed"),
        _("schools of the programme"), LIST_AT_START,
        _("objectivity cases"), sources.objectivity_confirmed, higher_is_better=False),
    KpiDefinition(
        "pupils_below_minimum", _("Share of pupil results below the minimum"),
        _("results with the mark «2» (below the minimum score), all procedures and subjects of the year"),
        _("all results of the programme's schools in the year"), LIST_AT_START,
        _("assessment results (school rollups)"), sources.pupils_below_minimum, higher_is_better=False),
)}

# The four indicators of the Partizansk programme (seed 002), in its order: a new programme's default.
DEFAULT_CODES: tuple[str, ...] = ("positive_dynamics", "teachers_diagnosed", "methodological_coverage",
                                  "network_partnership")


def default_target(code: str, year_index: int) -> float | None:
    """The shipped target for the programme's `year_index`-th year (0-based); None if it has none."""
    targets = CATALOGUE[code].default_targets
    if not targets:
        return None
    return targets[min(year_index, len(targets) - 1)]
