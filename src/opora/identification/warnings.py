"""The words of a run's warnings (analytics/judgeability.py) and of the reasons a school was not
assessed: one place for the page, the command line and the API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.analytics.judgeability import CANNOT, INFO, LIMITED
from opora.identification.explain import Names, sign_label

NOT_ASSESSED_LABELS = {
    "no_results": gettext_lazy("no results of the year"),
    "not_in_selection": gettext_lazy("no results of the works the rule set reads"),
    "too_few_participants": gettext_lazy("too few participants"),
    "no_previous_year": gettext_lazy("no results of the previous year"),
    "no_passport": gettext_lazy("no social passport"),
    "few_passport_indicators": gettext_lazy("fewer passport indicators than the index needs"),
}
LEVEL_LABELS = {
    CANNOT: gettext_lazy("cannot be met"),
    LIMITED: gettext_lazy("not judged"),
    INFO: gettext_lazy("for information"),
}
SIGN_NEEDS = {
    "confirm_exams": gettext_lazy("no ОГЭ or ЕГЭ results of the schools to confirm their ВПР"),
    "tasks": gettext_lazy("no task results are loaded"),
    "distribution": gettext_lazy("no distribution of scores (pupil rows, or aggregates with the counts of primary "
                                 "scores)"),
    "journal": gettext_lazy("no journal marks"),
    "previous_year": gettext_lazy("no results of the previous years"),
}


@dataclass(frozen=True)
class WarningText:
    code: str
    level: str
    level_label: str
    text: str
    details: dict[str, Any]  # the numbers it rests on (the stored warning without code and level)


def not_assessed_label(code: str) -> str:
    return str(NOT_ASSESSED_LABELS.get(code, code)) if code else ""


def _join(values: Iterable[str]) -> str:
    return ", ".join(values) or "—"


def _procedures(codes: Iterable[Any], names: Names) -> str:
    return _join(names.procedure(c) for c in codes)


def _selection(selection: Mapping[str, Any], names: Names) -> str:
    return _join(f"{names.procedure(p)} {', '.join(str(g) for g in grades)}" for p, grades in selection.items())


def _text(w: Mapping[str, Any], names: Names) -> str:
    code = w.get("code")
    if code == "no_works":
        return _("The rule set reads %(procedures)s of %(year)s, but none of these results are loaded "
                 "(loaded: %(loaded)s): no school can meet it.") % {
            "procedures": _procedures(w.get("procedures", []), names), "year": w.get("year"),
            "loaded": _procedures(w.get("loaded", []), names)}
    if code == "procedures_short":
        return _("The federal indicator needs results of %(needed)s procedures; only %(loaded)s %(year)s are loaded: "
                 "no school can meet it.") % {"needed": w.get("needed"), "year": w.get("year"),
                                               "loaded": _procedures(w.get("loaded", []), names)}
    if code == "previous_year_missing":
        return _("The rule compares with %(year)s, but no results of %(procedures)s of that year are loaded: "
                 "no school can meet it.") % {"year": w.get("year"),
                                               "procedures": _procedures(w.get("procedures", []), names)}
    if code == "window_years_missing":
        return _("No results of %(years)s in the rule's window: the ranks use the years loaded.") % {
            "years": _join(str(y) for y in w.get("years", []))}
    if code == "selection_empty":
        return _("The rule set reads Russian and mathematics of %(selection)s; loaded for %(year)s: %(loaded)s. "
                 "No school can be grouped.") % {
            "selection": _selection(w.get("selection", {}), names), "year": w.get("year"),
            "loaded": _join(f"{names.procedure(x.get('procedure'))} {x.get('grade')}" for x in w.get("loaded", []))}
    if code == "dynamics_no_previous_year":
        return _("No results of %(year)s in Russian and mathematics: the dynamics cannot be judged.") % {
            "year": w.get("year")}
    if code == "decline_no_earlier_years":
        return _("The risk of decline needs results of %(years)s: it cannot be judged.") % {
            "years": _join(str(y) for y in w.get("years", []))}
    if code == "passport_indicators_few":
        present = w.get("present", [])
        return _("The social well-being index needs %(needed)s passport indicators; the passports have "
                 "%(count)s: no index, typology or expected result.") % {"needed": w.get("needed"),
                                                                          "count": len(present)}
    if code == "passport_missing":
        return _("%(schools)s schools have no social passport: no index, typology or expected result for them.") % {
            "schools": w.get("schools")}
    if code == "small_region":
        return _("Only %(schools)s schools with enough participants: too few to read the region's own spread "
                 "(%(needed)s are needed); "
                 "changes are judged against sampling noise alone and the signs of non-objective results are "
                 "not judged.") % {"schools": w.get("schools"), "needed": w.get("needed")}
    if code == "expected_not_fitted":
        return _("The expected result could not be computed: too few schools with results and a social "
                 "well-being index.")
    if code == "expected_no_signal":
        return _("The schools differ by no more than sampling noise explains: nobody is placed above or below "
                 "the expected result.")
    if code == "sign_not_judged":
        return _("The sign «%(sign)s» could not be judged for any school: %(needs)s.") % {
            "sign": sign_label(w.get("sign", "")), "needs": SIGN_NEEDS.get(str(w.get("needs")), "")}
    if code == "counts_suppressed":
        return _("%(works)s works of %(schools)s schools in %(year)s have only a mean score (the form "
                 "suppresses their mark counts): not enough data for the shares of marks «2», so they are "
                 "not counted.") % {"works": w.get("works"), "schools": w.get("schools"), "year": w.get("year")}
    if code == "excluded_by_cases":
        return _("%(works)s works of %(schools)s schools in %(year)s are left out of the determination: "
                 "confirmed cases of non-objective results.") % {
            "works": w.get("works"), "schools": w.get("schools"), "year": w.get("year")}
    if code == "not_assessed":
        reasons = w.get("reasons", {})
        return _("%(schools)s schools not assessed: %(reasons)s.") % {
            "schools": w.get("schools"),
            "reasons": _join(f"{not_assessed_label(k)} — {v}" for k, v in reasons.items())}
    return str(code)


def warning_texts(warnings: Iterable[Mapping[str, Any]], names: Names | None = None) -> list[WarningText]:
    """The warnings in words, the ones that cannot be met first."""
    names = names or Names()
    order = {CANNOT: 0, LIMITED: 1, INFO: 2}
    items = sorted(warnings, key=lambda w: order.get(str(w.get("level")), 3))
    return [WarningText(str(w.get("code")), str(w.get("level")), str(LEVEL_LABELS.get(str(w.get("level")), "")),
                        _text(w, names), {k: v for k, v in w.items() if k not in ("code", "level")}) for w in items]


def cannot_be_met(warnings: Iterable[Mapping[str, Any]]) -> bool:
    return any(w.get("level") == CANNOT for w in warnings)
