"""A few plain sentences summing up a school's position, the most telling first."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opora.identification.explain.evidence import as_dict, is_number, part_of, records
from opora.identification.explain.formatting import Names, number, pct, sign_label, typology_label, upper_first
from opora.identification.explain.labels import CRITERIA
from opora.identification.models import Dynamics, Position, RuleKind


def _streaks(works: list[dict[str, Any]], bar: float, year: int) -> list[tuple[str, int, list[int], list[float]]]:
    """Per subject (pooled over its works, by participants) the run of years up to `year` with a
    fail share at or above `bar`: (subject, years running, the years, the shares)."""
    pooled: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for w in works:
        n, share = w.get("participants"), w.get("fail_share")
        if not (is_number(n) and is_number(share) and is_number(w.get("year"))) \
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
    part = part_of(row, "low_results")
    rule = as_dict(part.get("rule"))
    low = bool(part.get("value", row.low_results))
    out: list[str] = []
    if kind == RuleKind.FEDERAL:
        bar = rule.get("fail_bar", 0.30)
        failing = part.get("failing_procedures")
        now = [p for p in records(part.get("procedures")) if p.get("year") == year and p.get("failing")]
        if is_number(failing) and failing:
            out.append(ngettext(
                "In %(year)s the fail share was %(bar)s or more in %(n)d procedure: %(list)s.",
                "In %(year)s the fail share was %(bar)s or more in %(n)d procedures: %(list)s.", int(failing))
                % {"year": year, "bar": pct(bar, 0), "n": int(failing),
                   "list": ", ".join(f"{names.procedure(p.get('procedure'))} {pct(p.get('fail_share'))}" for p in now)
                   or "—"})
        if part.get("failing_both_years"):
            out.append(_("The same procedure failed last year too."))
        streaks = _streaks(records(part.get("works")), bar, year) if year and is_number(bar) else []
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
        if is_number(score):
            text = _("Composite rank %(score)s (from 0, the best, to 1, the worst)") % {"score": number(score)}
            if is_number(cut):
                text += _("; the cut for the list is %(cut)s") % {"cut": number(cut)}
            out.append(text + ".")
        criteria = as_dict(part.get("criteria"))
        worst = sorted(((c, v) for c, v in criteria.items() if isinstance(v, dict) and is_number(v.get("percentile"))
                        and v["percentile"] >= 0.75 and v.get("weight")), key=lambda cv: -cv[1]["percentile"])
        for c, v in worst[:MAX_SUBJECTS]:
            out.append(_("%(criterion)s: worse than %(share)s of the region's schools.")
                       % {"criterion": upper_first(str(CRITERIA.get(c, c))), "share": pct(v["percentile"], 0)})
    elif kind == RuleKind.QUALITY:
        group = part.get("quality_group", row.quality_group)
        low_groups = part.get("low_groups") or rule.get("low_groups")
        k = rule.get("k")
        if is_number(group):
            text = _("Quality group %(group)s of %(k)s") % {"group": int(group), "k": k or "—"}
            if is_number(low_groups):
                text += _("; groups 1–%(low)s count as low results") % {"low": low_groups}
            out.append(text + ".")
    if not out:
        out.append(_("The school meets the low-results rule.") if low
                   else _("The school does not meet the low-results rule."))
    return out


def _short_of_rule(row: Any, kind: str, year: int | None, names: Names) -> list[str]:
    """For a school the rule does not flag, the numbers it falls short on (why it is out)."""
    part = part_of(row, "low_results")
    rule = as_dict(part.get("rule"))
    if kind == RuleKind.FEDERAL:
        now = sorted((p for p in records(part.get("procedures")) if p.get("year") == year
                      and is_number(p.get("fail_share"))), key=lambda p: -p["fail_share"])
        if now:
            return [_("The highest fail shares in %(year)s: %(list)s; the bar is %(bar)s.")
                    % {"year": year, "bar": pct(rule.get("fail_bar", 0.30), 0),
                       "list": ", ".join(f"{names.procedure(p.get('procedure'))} {pct(p['fail_share'])}"
                                         for p in now[:MAX_SUBJECTS])}]
    elif kind == RuleKind.MUNICIPAL:
        score, cut = part.get("score", row.low_score), part.get("cut")
        if is_number(score) and is_number(cut):
            return [_("Composite rank %(score)s, short of the cut for the list, %(cut)s (0 is the best, 1 the worst).")
                    % {"score": number(score), "cut": number(cut)}]
    elif kind == RuleKind.QUALITY:
        group, low_groups = row.quality_group, part.get("low_groups") or rule.get("low_groups")
        if is_number(group) and is_number(low_groups):
            return [_("Quality group %(group)s: above the lowest %(low)s groups counted as low results.")
                    % {"group": group, "low": low_groups}]
    return []


def summary_sentences(row: Any, names: Names | None = None, *, kind: str = "", year: int | None = None) -> list[str]:
    """A few plain sentences on the school's position, the most telling first."""
    names = names or Names()
    kind = kind or str(as_dict(part_of(row, "low_results").get("rule")).get("kind") or "")
    out: list[str] = []
    exit_part = part_of(row, "exit")
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
