"""The "why" panel: one item per flag with its value, the rule (parameters used), the numbers and
the works behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opora.identification.explain.evidence import as_dict, is_number, part_of, records
from opora.identification.explain.formatting import (
    Names,
    display,
    dynamics_label,
    label,
    number,
    pairs,
    pct,
    points,
    position_label,
    sign_label,
    stable_years_text,
    to_float,
    typology_label,
    yes_no,
)
from opora.identification.explain.labels import (
    CRITERIA,
    FLAGS,
    SCHOOL_SIGN_NUMBERS,
    SIGN_NUMBERS,
    SIGN_STATUSES,
    SIGNS,
    SKIP,
)
from opora.identification.models import Dynamics, Position, Typology


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


def _works_table(works: list[dict[str, Any]], names: Names) -> Table:
    works = sorted(works, key=lambda w: tuple(str(w.get(k) or "") for k in ("procedure", "subject", "grade", "year")))
    return Table(
        headers=[label("year"), _("work"), label("participants"), label("fail_share"), label("high_share")],
        rows=[[str(w.get("year", "—")), names.work(w), number(w.get("participants")), pct(w.get("fail_share")),
               pct(w.get("high_share"))] for w in works],
    )


def _low_results(row: Any, part: dict[str, Any], names: Names) -> WhyItem:
    item = WhyItem("low_results", str(FLAGS["low_results"]), yes_no(part.get("value", row.low_results)),
                   bool(part.get("value", row.low_results)), rule=pairs(part.get("rule") or {}, names))
    item.numbers = pairs({k: v for k, v in part.items() if k not in SKIP}, names)
    procedures = records(part.get("procedures"))
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
    works = records(part.get("works"))
    if works:
        item.tables.append(_works_table(works, names))
    return item


def _decline(row: Any, part: dict[str, Any], names: Names) -> WhyItem:
    value = part.get("value", row.decline_risk)
    item = WhyItem("decline_risk", str(FLAGS["decline_risk"]), yes_no(value), bool(value),
                   rule=pairs(part.get("rule") or {}, names))
    years = as_dict(part.get("rule")).get("years") or []
    works = records(part.get("works"))
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
                   _("index %(index)s") % {"index": number(index)} if is_number(index) else _("not evaluated"),
                   bool(present), rule=pairs(part.get("rule") or {}, names))
    item.numbers = pairs({k: v for k, v in part.items() if k in ("signs_evaluated",)}, names)
    statuses = as_dict(part.get("statuses"))
    for code in SIGNS:
        status = statuses.get(code)
        if not isinstance(status, str) or status not in SIGN_STATUSES:
            status = "present" if code in present else "not_enough_data"
        item.signs.append(SignStatus(code, sign_label(code), status, str(SIGN_STATUSES[status])))
    rows = records(part.get("present"))
    if rows:
        table = Table(headers=[_("sign"), _("work"), _("numbers")], rows=[])
        for r in rows:
            numbers = as_dict(r.get("numbers"))
            school = numbers.get("scope") == "school"
            chosen = SCHOOL_SIGN_NUMBERS if school else SIGN_NUMBERS
            keys = chosen.get(str(r.get("sign", "")), tuple(numbers))
            text = "; ".join(f"{label(k)}: {_sign_number(k, numbers.get(k), names)}"
                             for k in keys if numbers.get(k) is not None)
            table.rows.append([sign_label(r.get("sign", "")), str(_("all works")) if school else names.work(r), text])
        item.tables.append(table)
    return item


def objectivity_item(index: Any, signs: list[str], statuses: dict[str, str], present: list[dict[str, Any]],
                     names: Names) -> WhyItem:
    """The objectivity part of the "why" panel from a snapshot (an objectivity case keeps one)."""
    row = SimpleNamespace(objectivity_index=index, objectivity_signs=signs)
    return _objectivity(row, {"value": index, "signs": signs, "statuses": statuses, "present": present}, names)


def _sign_number(key: str, value: Any, names: Names) -> str:
    # Means and bars of the signs are on the 0–100 scale of the measure, not shares.
    if key in ("value", "region_mean", "region_sd", "bar", "confirm_value", "confirm_region_mean",
               "previous_value", "change", "region_mean_change"):
        return number(value, 1)
    if key in ("rank_corr", "z", "ratio", "bar", "standing", "confirm_standing", "statistic"):
        return number(value, 2)
    return display(key, value, names)


def _simple(key: str, row: Any, part: dict[str, Any], names: Names, value: str, flagged: bool) -> WhyItem:
    return WhyItem(key, str(FLAGS[key]), value, flagged, rule=pairs(part.get("rule") or {}, names),
                   numbers=pairs({k: v for k, v in part.items() if k not in SKIP}, names))


def why_items(row: Any, names: Names | None = None) -> list[WhyItem]:
    """Every flag of the school with its value, rule and numbers, in the panel's order."""
    names = names or Names()
    items = [_low_results(row, part_of(row, "low_results"), names)]
    part = part_of(row, "adverse_context")
    stanine = row.swi_stanine
    items.append(_simple("adverse_context", row, part, names,
                         (_("yes, stanine %(s)s") if row.adverse_context else _("no, stanine %(s)s")) % {"s": stanine}
                         if stanine else _("no index"), bool(row.adverse_context)))
    part = part_of(row, "expected")
    items.append(_simple("expected", row, part, names, position_label(row.position),
                         row.position == Position.BELOW))
    items.append(_simple("typology", row, part_of(row, "typology"), names, typology_label(row.typology),
                         row.typology in (Typology.DISADVANTAGED, Typology.UNDERPERFORMING)))
    part = part_of(row, "quality")
    quality = (_("group %(group)s, index %(index)s") % {"group": row.quality_group, "index": number(row.quality_index)}
               if row.quality_group else _("not grouped"))
    items.append(_simple("quality", row, part, names, quality, False))
    items.append(_decline(row, part_of(row, "decline_risk"), names))
    items.append(_simple("dynamics", row, part_of(row, "dynamics"), names, dynamics_label(row.dynamics),
                         row.dynamics == Dynamics.DECLINED))
    items.append(_objectivity(row, part_of(row, "objectivity"), names))
    items.append(_simple("repeated", row, part_of(row, "repeated"), names,
                         ngettext("%(n)d year in the list", "%(n)d years in the list", row.repeated)
                         % {"n": row.repeated}, row.repeated > 1))
    items.append(_simple("exit", row, part_of(row, "exit"), names, yes_no(row.exit), bool(row.exit)))
    part = part_of(row, "stability")
    stability = WhyItem("stability", str(FLAGS["stability"]), stable_years_text(row.stable_years), False,
                        rule=pairs(part.get("rule") or {}, names))
    stability.numbers = [
        (label("stable_years"), stable_years_text(row.stable_years)),
        (label("stable_thresholds"), yes_no(row.stable_thresholds)),
        (label("stable_context"), yes_no(row.stable_context)),
    ]
    low_at = as_dict(part.get("low_at"))
    for factor, low in sorted(low_at.items()):
        stability.numbers.append((_("low results at thresholds ×%(f)s") % {"f": number(to_float(factor))},
                                  yes_no(low)))
    items.append(stability)
    return items
