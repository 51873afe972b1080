"""The "why" of a school's flags in words and numbers, from one `RunSchool` (its fields and its
`evidence`, the JSON of `opora.analytics.identify`).

- `summary_sentences(row, names)`: a few plain sentences summing up the school's position
  («Доля неудовлетворительных результатов по предмету «Математика» не ниже 30% 2 года подряд …»).
- `why_items(row, names)`: one item per flag with its value, the rule (parameters used), the
  numbers and the works behind it, for the "why" panel.

Evidence written by an older or newer analytics may lack keys or carry new ones: every read here
tolerates a missing key (the item then shows what there is), and an unknown number is shown
under its own name rather than dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeGuard

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from opora.identification.models import Dynamics, Position, RuleKind, Typology

SIGNS: dict[str, Promise] = {
    "above_region": gettext_lazy("above the region, unconfirmed by ОГЭ/ЕГЭ"),
    "inverted_difficulty": gettext_lazy("inverted task difficulty"),
    "boundary_peak": gettext_lazy("peak at a mark boundary"),
    "journal_gap": gettext_lazy("gap with journal marks"),
    "unstable_jump": gettext_lazy("unstable jump of results"),
}
SIGN_STATUSES: dict[str, Promise] = {
    "present": gettext_lazy("present"),
    "absent": gettext_lazy("absent"),
    "not_enough_data": gettext_lazy("not enough data"),
}
FLAGS: dict[str, Promise] = {
    "low_results": gettext_lazy("Low results"),
    "adverse_context": gettext_lazy("Adverse social context"),
    "expected": gettext_lazy("Result against the expected one"),
    "typology": gettext_lazy("Typology"),
    "quality": gettext_lazy("Quality index and group"),
    "decline_risk": gettext_lazy("Risk of decline"),
    "dynamics": gettext_lazy("Dynamics against last year"),
    "objectivity": gettext_lazy("Signs of non-objective results"),
    "repeated": gettext_lazy("Repeated inclusion"),
    "exit": gettext_lazy("Exit from the list"),
    "stability": gettext_lazy("Stability of the verdict"),
}
CRITERIA: dict[str, Promise] = {
    "core_fail": gettext_lazy("fail share in Russian and mathematics"),
    "core_high": gettext_lazy("share of «4» and «5» in Russian and mathematics"),
    "other_fail": gettext_lazy("fail share in other subjects"),
    "inclusions": gettext_lazy("earlier inclusions in the list"),
    "objectivity": gettext_lazy("objectivity index"),
}
MEASURES: dict[str, Promise] = {
    "quality_index": gettext_lazy("quality index"),
    "core_fail_share": gettext_lazy("fail share in Russian and mathematics"),
    "mean_pct": gettext_lazy("mean score, % of maximum"),
    "pass_pct": gettext_lazy("share without «2», %"),
}
REASONS: dict[str, Promise] = {
    "too_few_indicators": gettext_lazy("too few social passport indicators"),
    "no_result": gettext_lazy("no result"),
    "no_swi": gettext_lazy("no social well-being index"),
    "small_group": gettext_lazy("too few pupils"),
    "not_fitted": gettext_lazy("too few schools to fit the expected result"),
    "no_marks": gettext_lazy("no marks in the selected works"),
    "low_results": gettext_lazy("meets the rule"),
    "kept_objectivity": gettext_lazy("kept: signs of non-objective results"),
    "few_participants": gettext_lazy("too few pupils"),
    "few_schools": gettext_lazy("too few schools in the region"),
    "no_measure": gettext_lazy("no mean score"),
    "no_tasks": gettext_lazy("no task results"),
    "few_tasks": gettext_lazy("too few tasks"),
    "aggregates": gettext_lazy("school aggregates only, no pupil rows"),
    "test_score": gettext_lazy("test scores, no mark boundaries"),
    "no_boundary": gettext_lazy("no mark boundary"),
    "no_journal": gettext_lazy("no journal marks"),
    "no_previous": gettext_lazy("no result last year"),
    "no_evaluable_work": gettext_lazy("no work could be evaluated"),
}
LABELS: dict[str, Promise] = {
    # rule parameters
    "kind": gettext_lazy("method"),
    "procedures": gettext_lazy("procedures"),
    "subjects": gettext_lazy("subjects"),
    "min_participants": gettext_lazy("minimum participants in a work"),
    "fail_bar": gettext_lazy("fail share bar"),
    "min_procedures": gettext_lazy("procedures failing in the year, at least"),
    "connective": gettext_lazy("connective of the two conditions"),
    "years": gettext_lazy("years"),
    "weights": gettext_lazy("weights"),
    "select": gettext_lazy("selection"),
    "share": gettext_lazy("share of schools selected"),
    "rank_threshold": gettext_lazy("composite rank threshold"),
    "quality_selection": gettext_lazy("works of the quality index"),
    "selection": gettext_lazy("works of the quality index"),
    "k": gettext_lazy("number of quality groups"),
    "low_groups": gettext_lazy("lowest groups counted as low results"),
    "min_indicators": gettext_lazy("passport indicators needed, at least"),
    "adverse_stanines": gettext_lazy("stanines counted as adverse context"),
    "measure": gettext_lazy("result measure"),
    "factors": gettext_lazy("taken into account"),
    "z": gettext_lazy("z, in standard deviations"),
    "decline_bar": gettext_lazy("rise of the fail share counted as negative"),
    # numbers
    "score": gettext_lazy("score of the rule"),
    "failing_procedures": gettext_lazy("procedures failing this year"),
    "failing_both_years": gettext_lazy("the same procedure failing last year and this year"),
    "judged": gettext_lazy("judged"),
    "participants": gettext_lazy("participants"),
    "cut": gettext_lazy("cut of the composite rank"),
    "quality_group": gettext_lazy("quality group"),
    "swi": gettext_lazy("social well-being index"),
    "stanine": gettext_lazy("stanine"),
    "indicators_used": gettext_lazy("passport indicators used"),
    "reason": gettext_lazy("reason"),
    "result": gettext_lazy("result"),
    "residual": gettext_lazy("difference from the expected"),
    "shrunk": gettext_lazy("difference, adjusted for the school's size"),
    "low": gettext_lazy("interval from"),
    "high": gettext_lazy("interval to"),
    "reliability": gettext_lazy("reliability"),
    "position": gettext_lazy("position"),
    "adverse_context": gettext_lazy("adverse social context"),
    "low_results": gettext_lazy("low results"),
    "quality_index": gettext_lazy("quality index"),
    "group_participants": gettext_lazy("pupils with marks"),
    "mean_mark": gettext_lazy("mean mark"),
    "share2": gettext_lazy("share of «2»"),
    "share3": gettext_lazy("share of «3»"),
    "share4": gettext_lazy("share of «4»"),
    "share5": gettext_lazy("share of «5»"),
    "fail_before": gettext_lazy("fail share last year"),
    "fail_now": gettext_lazy("fail share this year"),
    "participants_before": gettext_lazy("participants last year"),
    "participants_now": gettext_lazy("participants this year"),
    "change": gettext_lazy("change"),
    "region_change": gettext_lazy("the region's change"),
    "relative_change": gettext_lazy("change beyond the region's"),
    "se": gettext_lazy("standard error"),
    "signs_evaluated": gettext_lazy("signs evaluated"),
    "earlier": gettext_lazy("years in earlier lists"),
    "included": gettext_lazy("in the list proposal"),
    "last_year": gettext_lazy("in last year's list"),
    "kept": gettext_lazy("kept for objectivity signs"),
    "stable_years": gettext_lazy("same place in the list"),
    "stable_thresholds": gettext_lazy("same verdict at thresholds ±10%"),
    "stable_context": gettext_lazy("agrees with the context-adjusted view"),
    # works
    "year": gettext_lazy("year"),
    "procedure": gettext_lazy("procedure"),
    "subject": gettext_lazy("subject"),
    "grade": gettext_lazy("grade"),
    "fail_share": gettext_lazy("fail share"),
    "high_share": gettext_lazy("share of «4» and «5»"),
    "fail_count": gettext_lazy("«2»"),
    "works": gettext_lazy("works"),
    "failing": gettext_lazy("at or above the bar"),
    "change_before": gettext_lazy("change a year earlier, beyond the region's"),
    "change_now": gettext_lazy("change this year, beyond the region's"),
    "projected": gettext_lazy("projected next year"),
    "two_years": gettext_lazy("negative two years running"),
    "trend": gettext_lazy("trend crosses the bar"),
    # objectivity numbers
    "value": gettext_lazy("value"),
    "region_mean": gettext_lazy("the region's typical value (median)"),
    "region_sd": gettext_lazy("the region's spread (robust standard deviation)"),
    "bar": gettext_lazy("bar"),
    "confirm_value": gettext_lazy("ОГЭ/ЕГЭ result"),
    "confirm_region_mean": gettext_lazy("the region's ОГЭ/ЕГЭ mean"),
    "tasks": gettext_lazy("tasks"),
    "hard_tasks": gettext_lazy("hard tasks"),
    "hard_better": gettext_lazy("hard tasks done better than the region"),
    "easy_tasks": gettext_lazy("easy tasks"),
    "easy_worse": gettext_lazy("easy tasks done worse than the region"),
    "rank_corr": gettext_lazy("rank correlation with the region"),
    "boundary": gettext_lazy("boundary"),
    "at": gettext_lazy("pupils at the boundary"),
    "below": gettext_lazy("pupils one point below"),
    "ratio": gettext_lazy("ratio"),
    "journal_n": gettext_lazy("pupils with journal marks"),
    "gap2_share": gettext_lazy("share with marks 2 or more apart"),
    "raised": gettext_lazy("work mark above the journal"),
    "lowered": gettext_lazy("work mark below the journal"),
    "imbalance": gettext_lazy("imbalance"),
    "previous_value": gettext_lazy("last year"),
    "region_mean_change": gettext_lazy("the region's mean change"),
    # calibration against the region's own schools
    "false_positive_rate": gettext_lazy("share of ordinary schools marked by chance"),
    "scale": gettext_lazy("scale of the change"),
    "logit_change": gettext_lazy("change beyond the region's, on the logit scale"),
    "rise": gettext_lazy("rise of the fail share over two years, beyond the region's"),
    "z_before": gettext_lazy("z of the change a year earlier"),
    "z_now": gettext_lazy("z of this year's change"),
    "z_two_years": gettext_lazy("z of the change over two years"),
    "statistic": gettext_lazy("the school's figure over its works"),
    "region_centre": gettext_lazy("the region's usual figure"),
    "region_spread": gettext_lazy("the real spread between the region's schools"),
    "region_schools": gettext_lazy("schools of the region compared"),
    "standing": gettext_lazy("ВПР standing in the region, in its spreads"),
    "confirm_standing": gettext_lazy("ОГЭ/ЕГЭ standing in the region, in its spreads"),
    "contrast": gettext_lazy("hard tasks ahead of easy ones, beyond the school's level"),
    "pooled_participants": gettext_lazy("pupils of its works"),
    "selective": gettext_lazy("lyceum, gymnasium or in-depth school"),
    "imbalance_z": gettext_lazy("z of the imbalance"),
    "gap_z": gettext_lazy("z of the share two marks apart"),
    "earlier_school_z": gettext_lazy("z of last year's change"),
}
SHARES = {
    "fail_bar", "share", "rank_threshold", "decline_bar", "fail_share", "high_share", "share2", "share3", "share4",
    "share5", "fail_before", "fail_now", "change", "region_change", "relative_change", "se", "change_before",
    "change_now", "projected", "cut", "percentile", "gap2_share", "imbalance", "quality_index", "core_fail",
    "core_high", "other_fail", "hard_bar", "easy_bar", "journal_gap_share", "imbalance_share", "reliability",
    "false_positive_rate", "dynamics_fpr", "decline_fpr", "rise",
}
# The numbers of a sign's verdict over all the school's works (its school row), in order.
SCHOOL_SIGN_NUMBERS: dict[str, tuple[str, ...]] = {
    "above_region": ("standing", "confirm_standing", "z", "bar", "false_positive_rate"),
    "inverted_difficulty": ("contrast", "rank_corr", "z", "bar", "false_positive_rate"),
    "boundary_peak": ("boundary", "at", "below", "pooled_participants", "z", "bar", "false_positive_rate"),
    "journal_gap": ("imbalance", "gap2_share", "z", "bar", "false_positive_rate"),
    "unstable_jump": ("statistic", "z", "bar", "false_positive_rate"),
}
# The numbers of each objectivity sign worth showing, in order.
SIGN_NUMBERS: dict[str, tuple[str, ...]] = {
    "above_region": ("participants", "value", "region_mean", "region_sd", "bar", "confirm_value",
                     "confirm_region_mean"),
    "inverted_difficulty": ("participants", "hard_tasks", "hard_better", "easy_tasks", "easy_worse", "rank_corr"),
    "boundary_peak": ("participants", "boundary", "at", "below", "ratio"),
    "journal_gap": ("journal_n", "gap2_share", "raised", "lowered", "imbalance"),
    "unstable_jump": ("participants", "previous_value", "value", "change", "region_mean_change", "z"),
}
BOUNDARIES = {"b3": "«3»", "b4": "«4»", "b5": "«5»"}
SKIP = {"value", "rule", "works", "procedures", "criteria", "present", "statuses", "signs", "low_at"}


@dataclass(frozen=True)
class Names:
    """Display names of procedure and subject codes (a code without a name shows as itself)."""

    procedures: Mapping[str, str] = field(default_factory=dict)
    subjects: Mapping[str, str] = field(default_factory=dict)

    def procedure(self, code: Any) -> str:
        return _named(self.procedures, code) if code else "—"

    def subject(self, code: Any) -> str:
        return _named(self.subjects, code) if code else "—"

    def work(self, record: Mapping[str, Any]) -> str:
        parts = [self.procedure(record.get("procedure"))]
        if record.get("subject"):
            parts.append(self.subject(record.get("subject")))
        if record.get("grade") is not None:
            parts.append(_("grade %(grade)s") % {"grade": record["grade"]})
        return ", ".join(parts)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class SignStatus:
    code: str
    label: str
    status: str  # present / absent / not_enough_data
    status_label: str


@dataclass
class WhyItem:
    key: str
    title: str
    value: str
    flagged: bool
    rule: list[tuple[str, str]] = field(default_factory=list)
    numbers: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    signs: list[SignStatus] = field(default_factory=list)


# --- Formatting -----------------------------------------------------------------------------------


def pct(share: Any, digits: int = 1) -> str:
    """0.305 → "30,5%"."""
    if not _is_number(share):
        return "—"
    return f"{_half_up(float(share) * 100, digits)}%"


def points(change: Any) -> str:
    """A change of a share in percentage points, signed: +12,5."""
    if not _is_number(change):
        return "—"
    sign = "+" if change > 0 else ("−" if change < 0 else "")
    return sign + _half_up(abs(float(change)) * 100, 1)


def _half_up(value: float, digits: int) -> str:
    """Rounded half up, as people round (14 of 32 = 43,75% → 43,8%), in the locale's format."""
    rounded = Decimal(repr(round(value, 9))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=digits)


def number(value: Any, digits: int = 2) -> str:
    if not _is_number(value):
        return "—"
    if float(value).is_integer() and abs(value) < 1e15:
        return number_format(int(value))
    return number_format(float(value), decimal_pos=digits)


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value \
        and value not in (float("inf"), float("-inf"))


def _dict(value: Any) -> dict[str, Any]:
    """A mapping read from a run's stored JSON, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}


def yes_no(value: Any) -> str:
    if value is None:
        return "—"
    return _("yes") if value else _("no")


def stable_years_text(value: str | None) -> str:
    """"2 of 3" → «2 из 3»."""
    parts = (value or "").split(" of ")
    if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
        return _("%(n)s of %(m)s") % {"n": parts[0].strip(), "m": parts[1].strip()}
    return value or "—"


def _named(names: Mapping[str, Any], code: Any, default: Any = None) -> str:
    """The name of a code; an unknown code shows as itself (or `default`), anything odd as text."""
    if isinstance(code, str):
        return str(names.get(code, code if default is None else default))
    return str(code) if default is None else str(default)


def typology_label(code: Any) -> str:
    return _named(dict(Typology.choices), code, "—") if code else "—"


def position_label(code: Any) -> str:
    return _named(dict(Position.choices), code, "—") if code else "—"


def dynamics_label(code: Any) -> str:
    return _named(dict(Dynamics.choices), code, "—") if code else "—"


def reason_label(code: Any) -> str:
    return _named(REASONS, code) if code else ""


def sign_label(code: Any) -> str:
    return _named(SIGNS, code)


def label(key: str) -> str:
    return str(LABELS.get(key, key))


def display(key: str, value: Any, names: Names) -> str:
    """One value as a person reads it, by what the key means (a value of an unexpected shape is
    shown as plain text rather than breaking the page)."""
    try:
        return _display(key, value, names)
    except (TypeError, ValueError, AttributeError):
        return str(value)


def _display(key: str, value: Any, names: Names) -> str:
    if key == "subjects" and value is None:
        return _("all")  # the rule's subjects: None means every subject
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yes_no(value)
    if key == "kind":
        return _named(dict(RuleKind.choices), value)
    if key in ("procedures", "confirm_procedures"):
        return ", ".join(names.procedure(v) for v in value) if isinstance(value, list) else str(value)
    if key == "subjects":
        if value == "core":
            return _("Russian and mathematics")
        return ", ".join(names.subject(v) for v in value) if isinstance(value, list) else _("all")
    if key in ("quality_selection", "selection") and isinstance(value, Mapping):
        return "; ".join(f"{names.procedure(p)}: {', '.join(str(g) for g in grades)}" for p, grades in value.items())
    if key == "connective":
        return _("and") if value == "and" else _("or")
    if key == "select":
        return _("the worst share of schools") if value == "share" else _("past the composite rank threshold")
    if key == "weights" and isinstance(value, Mapping):
        return "; ".join(f"{CRITERIA.get(k) or SIGNS.get(k) or k}: {number(v)}" for k, v in value.items())
    if key in ("measure", "expected_measure"):
        return _named(MEASURES, value)
    if key == "position":
        return position_label(value)
    if key == "reason":
        return reason_label(value) or "—"
    if key == "procedure":
        return names.procedure(value)
    if key == "subject":
        return names.subject(value)
    if key == "boundary":
        return _named(BOUNDARIES, value)
    if key == "factors" and isinstance(value, list):
        if all(_is_number(v) for v in value):
            return ", ".join(f"×{number(v)}" for v in value)
        return ", ".join(_named(LABELS, v) if v != "swi" else _("social well-being") for v in value)
    if key in ("change", "region_change", "relative_change", "change_before", "change_now"):
        return points(value)
    if key in SHARES:
        return pct(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, Mapping):
        return "; ".join(f"{label(str(k))}: {display(str(k), v, names)}" for k, v in value.items())
    if _is_number(value):
        return number(value)
    return str(value)


def _pairs(data: Mapping[str, Any], names: Names, skip: Iterable[str] = ()) -> list[tuple[str, str]]:
    if not isinstance(data, Mapping):
        return []
    hidden = set(skip)
    return [(label(str(k)), display(str(k), v, names)) for k, v in data.items() if k not in hidden]


# --- The "why" panel ------------------------------------------------------------------------------


def _evidence(row: Any) -> dict[str, Any]:
    evidence = getattr(row, "evidence", None)
    return evidence if isinstance(evidence, dict) else {}


def _part(row: Any, key: str) -> dict[str, Any]:
    part = _evidence(row).get(key)
    return part if isinstance(part, dict) else {}


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _records(value: Any) -> list[dict[str, Any]]:
    """The dict items of an evidence list (anything else: none)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _works_table(works: list[dict[str, Any]], names: Names) -> Table:
    works = sorted(works, key=lambda w: tuple(str(w.get(k) or "") for k in ("procedure", "subject", "grade", "year")))
    return Table(
        headers=[label("year"), _("work"), label("participants"), label("fail_share"), label("high_share")],
        rows=[[str(w.get("year", "—")), names.work(w), number(w.get("participants")), pct(w.get("fail_share")),
               pct(w.get("high_share"))] for w in works],
    )


def _low_results(row: Any, part: dict[str, Any], names: Names) -> WhyItem:
    item = WhyItem("low_results", str(FLAGS["low_results"]), yes_no(part.get("value", row.low_results)),
                   bool(part.get("value", row.low_results)), rule=_pairs(part.get("rule") or {}, names))
    item.numbers = _pairs({k: v for k, v in part.items() if k not in SKIP}, names)
    procedures = _records(part.get("procedures"))
    if procedures:
        item.tables.append(Table(
            headers=[label("year"), label("procedure"), label("works"), label("participants"), label("fail_count"),
                     label("fail_share"), label("failing")],
            rows=[[str(p.get("year", "—")), names.procedure(p.get("procedure")), number(p.get("works")),
                   number(p.get("participants")), number(p.get("fail_count")), pct(p.get("fail_share")),
                   yes_no(p.get("failing"))] for p in procedures]))
    criteria = part.get("criteria")
    if isinstance(criteria, dict) and criteria:
        item.tables.append(Table(
            headers=[_("criterion"), label("value"), _("worse than this share of schools"), _("weight")],
            rows=[[str(CRITERIA.get(c, c)),
                   number(v.get("value")) if c in ("inclusions", "objectivity") else pct(v.get("value")),
                   pct(v.get("percentile")), number(v.get("weight"))]
                  for c, v in criteria.items() if isinstance(v, dict)]))
    works = _records(part.get("works"))
    if works:
        item.tables.append(_works_table(works, names))
    return item


def _decline(row: Any, part: dict[str, Any], names: Names) -> WhyItem:
    value = part.get("value", row.decline_risk)
    item = WhyItem("decline_risk", str(FLAGS["decline_risk"]), yes_no(value), bool(value),
                   rule=_pairs(part.get("rule") or {}, names))
    years = _mapping(part.get("rule")).get("years") or []
    works = _records(part.get("works"))
    if works and isinstance(years, list) and len(years) == 3:
        item.tables.append(Table(
            headers=[_("work"), *[f"{label('fail_share')}, {y}" for y in years],
                     *[_("the region, %(year)s") % {"year": y} for y in years],
                     label("change_before"), label("change_now"), label("projected")],
            rows=[[names.work(w), *[pct(w.get(f"fail_share_{s}")) for s in "abc"],
                   *[pct(w.get(f"region_fail_share_{s}")) for s in "abc"],
                   points(w.get("change_before")), points(w.get("change_now")), pct(w.get("projected"))]
                  for w in works]))
    return item


def _objectivity(row: Any, part: dict[str, Any], names: Names) -> WhyItem:
    index = part.get("value", row.objectivity_index)
    signs = part.get("signs")
    present = [c for c in (signs if isinstance(signs, list) else row.objectivity_signs or []) if isinstance(c, str)]
    item = WhyItem("objectivity", str(FLAGS["objectivity"]),
                   _("index %(index)s") % {"index": number(index)} if _is_number(index) else _("not evaluated"),
                   bool(present), rule=_pairs(part.get("rule") or {}, names))
    item.numbers = _pairs({k: v for k, v in part.items() if k in ("signs_evaluated",)}, names)
    statuses = _dict(part.get("statuses"))
    for code in SIGNS:
        status = statuses.get(code)
        if not isinstance(status, str) or status not in SIGN_STATUSES:
            status = "present" if code in present else "not_enough_data"
        item.signs.append(SignStatus(code, sign_label(code), status, str(SIGN_STATUSES[status])))
    rows = _records(part.get("present"))
    if rows:
        table = Table(headers=[_("sign"), _("work"), _("numbers")], rows=[])
        for r in rows:
            numbers = _dict(r.get("numbers"))
            school = numbers.get("scope") == "school"
            chosen = SCHOOL_SIGN_NUMBERS if school else SIGN_NUMBERS
            keys = chosen.get(str(r.get("sign", "")), tuple(numbers))
            text = "; ".join(f"{label(k)}: {_sign_number(k, numbers.get(k), names)}"
                             for k in keys if numbers.get(k) is not None)
            table.rows.append([sign_label(r.get("sign", "")), str(_("all works")) if school else names.work(r), text])
        item.tables.append(table)
    return item


def _sign_number(key: str, value: Any, names: Names) -> str:
    # Means and bars of the signs are on the 0–100 scale of the measure, not shares.
    if key in ("value", "region_mean", "region_sd", "bar", "confirm_value", "confirm_region_mean",
               "previous_value", "change", "region_mean_change"):
        return number(value, 1)
    if key in ("rank_corr", "z", "ratio", "bar", "standing", "confirm_standing", "statistic"):
        return number(value, 2)
    return display(key, value, names)


def _simple(key: str, row: Any, part: dict[str, Any], names: Names, value: str, flagged: bool) -> WhyItem:
    return WhyItem(key, str(FLAGS[key]), value, flagged, rule=_pairs(part.get("rule") or {}, names),
                   numbers=_pairs({k: v for k, v in part.items() if k not in SKIP}, names))


def why_items(row: Any, names: Names | None = None) -> list[WhyItem]:
    """Every flag of the school with its value, rule and numbers, in the panel's order."""
    names = names or Names()
    items = [_low_results(row, _part(row, "low_results"), names)]
    part = _part(row, "adverse_context")
    stanine = row.swi_stanine
    items.append(_simple("adverse_context", row, part, names,
                         (_("yes, stanine %(s)s") if row.adverse_context else _("no, stanine %(s)s")) % {"s": stanine}
                         if stanine else _("no index"), bool(row.adverse_context)))
    part = _part(row, "expected")
    items.append(_simple("expected", row, part, names, position_label(row.position),
                         row.position == Position.BELOW))
    items.append(_simple("typology", row, _part(row, "typology"), names, typology_label(row.typology),
                         row.typology in (Typology.DISADVANTAGED, Typology.UNDERPERFORMING)))
    part = _part(row, "quality")
    quality = (_("group %(group)s, index %(index)s") % {"group": row.quality_group, "index": number(row.quality_index)}
               if row.quality_group else _("not grouped"))
    items.append(_simple("quality", row, part, names, quality, False))
    items.append(_decline(row, _part(row, "decline_risk"), names))
    items.append(_simple("dynamics", row, _part(row, "dynamics"), names, dynamics_label(row.dynamics),
                         row.dynamics == Dynamics.DECLINED))
    items.append(_objectivity(row, _part(row, "objectivity"), names))
    items.append(_simple("repeated", row, _part(row, "repeated"), names,
                         ngettext("%(n)d year in the list", "%(n)d years in the list", row.repeated)
                         % {"n": row.repeated}, row.repeated > 1))
    items.append(_simple("exit", row, _part(row, "exit"), names, yes_no(row.exit), bool(row.exit)))
    part = _part(row, "stability")
    stability = WhyItem("stability", str(FLAGS["stability"]), stable_years_text(row.stable_years), False,
                        rule=_pairs(part.get("rule") or {}, names))
    stability.numbers = [
        (label("stable_years"), stable_years_text(row.stable_years)),
        (label("stable_thresholds"), yes_no(row.stable_thresholds)),
        (label("stable_context"), yes_no(row.stable_context)),
    ]
    low_at = _dict(part.get("low_at"))
    for factor, low in sorted(low_at.items()):
        stability.numbers.append((_("low results at thresholds ×%(f)s") % {"f": number(_float(factor))},
                                  yes_no(low)))
    items.append(stability)
    return items


def _float(text: Any) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


# --- Summary sentences ----------------------------------------------------------------------------


def _streaks(works: list[dict[str, Any]], bar: float, year: int) -> list[tuple[str, int, list[int], list[float]]]:
    """Per subject (pooled over its works, by participants) the run of years up to `year` with a
    fail share at or above `bar`: (subject, years running, the years, the shares)."""
    pooled: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for w in works:
        n, share = w.get("participants"), w.get("fail_share")
        if not (_is_number(n) and _is_number(share) and _is_number(w.get("year"))) \
                or not isinstance(w.get("subject"), str):
            continue
        cell = pooled[w["subject"]][int(w["year"])]
        cell[0] += n * share
        cell[1] += n
    out = []
    for subject, by_year in pooled.items():
        run_years: list[int] = []
        shares: list[float] = []
        current = year
        while current in by_year and by_year[current][1] and by_year[current][0] / by_year[current][1] >= bar - 1e-9:
            run_years.insert(0, current)
            shares.insert(0, by_year[current][0] / by_year[current][1])
            current -= 1
        if run_years:
            out.append((subject, len(run_years), run_years, shares))
    return sorted(out, key=lambda s: (-s[1], -s[3][-1], s[0]))


MAX_SUBJECTS = 3


def _low_sentences(row: Any, kind: str, year: int | None, names: Names) -> list[str]:
    part = _part(row, "low_results")
    rule = _dict(part.get("rule"))
    low = bool(part.get("value", row.low_results))
    out: list[str] = []
    if kind == RuleKind.FEDERAL:
        bar = rule.get("fail_bar", 0.30)
        failing = part.get("failing_procedures")
        now = [p for p in _records(part.get("procedures")) if p.get("year") == year and p.get("failing")]
        if _is_number(failing) and failing:
            out.append(ngettext(
                "In %(year)s the fail share was %(bar)s or more in %(n)d procedure: %(list)s.",
                "In %(year)s the fail share was %(bar)s or more in %(n)d procedures: %(list)s.", int(failing))
                % {"year": year, "bar": pct(bar, 0), "n": int(failing),
                   "list": ", ".join(f"{names.procedure(p.get('procedure'))} {pct(p.get('fail_share'))}" for p in now)
                   or "—"})
        if part.get("failing_both_years"):
            out.append(_("The same procedure failed last year too."))
        streaks = _streaks(_records(part.get("works")), bar, year) if year and _is_number(bar) else []
        for subject, n, years, shares in streaks[:MAX_SUBJECTS]:
            out.append(ngettext(
                "The fail share in «%(subject)s» has been %(bar)s or more for %(n)d year running (%(shares)s).",
                "The fail share in «%(subject)s» has been %(bar)s or more for %(n)d years running (%(shares)s).", n)
                % {"subject": names.subject(subject), "bar": pct(bar, 0), "n": n,
                   "shares": ", ".join(f"{y}: {pct(s)}" for y, s in zip(years, shares, strict=True))})
        if len(streaks) > MAX_SUBJECTS:
            more = len(streaks) - MAX_SUBJECTS
            out.append(ngettext("The same holds for %(n)d more subject.", "The same holds for %(n)d more subjects.",
                                more) % {"n": more})
    elif kind == RuleKind.MUNICIPAL:
        score, cut = part.get("score", row.low_score), part.get("cut")
        if _is_number(score):
            text = _("Composite rank %(score)s (from 0, the best, to 1, the worst)") % {"score": number(score)}
            if _is_number(cut):
                text += _("; the cut for the list is %(cut)s") % {"cut": number(cut)}
            out.append(text + ".")
        criteria = _dict(part.get("criteria"))
        worst = sorted(((c, v) for c, v in criteria.items() if isinstance(v, dict) and _is_number(v.get("percentile"))
                        and v["percentile"] >= 0.75 and v.get("weight")), key=lambda cv: -cv[1]["percentile"])
        for c, v in worst[:MAX_SUBJECTS]:
            out.append(_("%(criterion)s: worse than %(share)s of the region's schools.")
                       % {"criterion": upper_first(str(CRITERIA.get(c, c))), "share": pct(v["percentile"], 0)})
    elif kind == RuleKind.QUALITY:
        group = part.get("quality_group", row.quality_group)
        low_groups = part.get("low_groups") or rule.get("low_groups")
        k = rule.get("k")
        if _is_number(group):
            text = _("Quality group %(group)s of %(k)s") % {"group": int(group), "k": k or "—"}
            if _is_number(low_groups):
                text += _("; groups 1–%(low)s count as low results") % {"low": low_groups}
            out.append(text + ".")
    if not out:
        out.append(_("The school meets the low-results rule.") if low
                   else _("The school does not meet the low-results rule."))
    return out


def _short_of_rule(row: Any, kind: str, year: int | None, names: Names) -> list[str]:
    """For a school the rule does not flag, the numbers it falls short on (why it is out)."""
    part = _part(row, "low_results")
    rule = _dict(part.get("rule"))
    if kind == RuleKind.FEDERAL:
        now = sorted((p for p in _records(part.get("procedures")) if p.get("year") == year
                      and _is_number(p.get("fail_share"))), key=lambda p: -p["fail_share"])
        if now:
            return [_("The highest fail shares in %(year)s: %(list)s; the bar is %(bar)s.")
                    % {"year": year, "bar": pct(rule.get("fail_bar", 0.30), 0),
                       "list": ", ".join(f"{names.procedure(p.get('procedure'))} {pct(p['fail_share'])}"
                                         for p in now[:MAX_SUBJECTS])}]
    elif kind == RuleKind.MUNICIPAL:
        score, cut = part.get("score", row.low_score), part.get("cut")
        if _is_number(score) and _is_number(cut):
            return [_("Composite rank %(score)s, short of the cut for the list, %(cut)s (0 is the best, 1 the worst).")
                    % {"score": number(score), "cut": number(cut)}]
    elif kind == RuleKind.QUALITY:
        group, low_groups = row.quality_group, part.get("low_groups") or rule.get("low_groups")
        if _is_number(group) and _is_number(low_groups):
            return [_("Quality group %(group)s: above the lowest %(low)s groups counted as low results.")
                    % {"group": group, "low": low_groups}]
    return []


def summary_sentences(row: Any, names: Names | None = None, *, kind: str = "", year: int | None = None) -> list[str]:
    """A few plain sentences on the school's position, the most telling first."""
    names = names or Names()
    kind = kind or str(_mapping(_part(row, "low_results").get("rule")).get("kind") or "")
    out: list[str] = []
    exit_part = _part(row, "exit")
    if row.low_results:
        out.extend(_low_sentences(row, kind, year, names))
    elif row.included and exit_part.get("kept"):
        out.append(_("No longer meets the rule, but kept in the list: its results show signs of being "
                     "non-objective."))
    elif row.exit:
        out.append(_("Leaves the list: no longer meets the rule and shows no sign of non-objective results."))
    else:
        out.append(_("The school does not meet the low-results rule."))
    if not row.low_results:
        out.extend(_short_of_rule(row, kind, year, names))
    if row.repeated and row.repeated > 1 and row.included:
        out.append(ngettext("In the list for %(n)d year, this one included.",
                            "In the list for %(n)d years, this one included.", row.repeated) % {"n": row.repeated})
    if row.swi_stanine:
        if row.adverse_context:
            out.append(_("Social well-being in stanine %(s)s of 9: adverse social context.") % {"s": row.swi_stanine})
        else:
            out.append(_("Social well-being in stanine %(s)s of 9.") % {"s": row.swi_stanine})
    if row.position == Position.BELOW:
        out.append(_("Results are below what is expected in a like social context (by %(r)s).")
                   % {"r": number(abs(row.residual or 0), 3)})
    elif row.position == Position.ABOVE:
        out.append(_("Results are above what is expected in a like social context (by %(r)s).")
                   % {"r": number(abs(row.residual or 0), 3)})
    elif row.position == Position.AS_EXPECTED:
        out.append(_("Results are as expected in a like social context."))
    if row.typology:
        out.append(_("Typology: %(t)s.") % {"t": typology_label(row.typology)})
    if row.decline_risk:
        out.append(_("Risk of decline: the fail share is rising towards the bar."))
    elif row.dynamics == Dynamics.DECLINED:
        out.append(_("Results fell since last year more than the region's."))
    elif row.dynamics == Dynamics.IMPROVED:
        out.append(_("Results improved since last year more than the region's."))
    signs = list(row.objectivity_signs or [])
    if signs:
        out.append(_("Signs of non-objective results: %(signs)s. A prompt to analyse, not a verdict.")
                   % {"signs": ", ".join(sign_label(s) for s in signs)})
    if row.stable_thresholds is False:
        out.append(_("A borderline case: the verdict changes when the thresholds move by 10%."))
    if row.stable_context is False and row.low_results:
        out.append(_("Against schools in a like social context the results do not look low."))
    return out


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
