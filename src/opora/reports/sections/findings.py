"""The conclusions, written from the figures the sections left in `Facts`."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from opora.reports.content import Scope
from opora.reports.sections.facts import Facts
from opora.reports.sections.formatting import pct

# --- Conclusions ------------------------------------------------------------------------------


def _trend(values: Mapping[int, float | None], year: int) -> tuple[float, float] | None:
    now, before = values.get(year), values.get(year - 1)
    return (before, now) if now is not None and before is not None else None


def conclusions(facts: Facts, scope: Scope, year: int) -> list[str]:
    """Sentences written from the figures only; a figure that is missing yields no sentence."""
    out: list[str] = []
    if facts.listed is not None and scope.kind != "school":
        out.append(_("%(n)s of the territory's %(total)s schools are on the approved list of %(year)s.")
                   % {"n": len(facts.listed), "total": facts.schools, "year": year})
    elif facts.listed is not None:
        out.append(_("The school is on the approved list of %(year)s.") % {"year": year} if facts.listed
                   else _("The school is not on the approved list of %(year)s.") % {"year": year})
    if facts.entered is not None and facts.left is not None and scope.kind != "school":
        out.append(_("Compared with %(prev)s, %(left)s schools left the list and %(entered)s entered it.")
                   % {"prev": year - 1, "left": len(facts.left), "entered": len(facts.entered)})
    for procedure, values in sorted(facts.fail.items()):
        trend = _trend(values, year)
        if trend is None:
            continue
        before, now = trend
        if abs(now - before) < 0.005:
            text = _("The share of marks «2» in %(procedure)s stayed at %(now)s.")
        elif now < before:
            text = _("The share of marks «2» in %(procedure)s fell from %(before)s to %(now)s.")
        else:
            text = _("The share of marks «2» in %(procedure)s rose from %(before)s to %(now)s.")
        sentence = text % {"procedure": procedure, "before": pct(before), "now": pct(now)}
        region_now = facts.fail_region.get(procedure, {}).get(year)
        if region_now is not None:
            sentence += " " + (_("It is above the region's %(region)s.") if now > region_now + 0.005 else
                               _("It is below the region's %(region)s.") if now < region_now - 0.005 else
                               _("It is at the region's level.")) % {"region": pct(region_now)}
        out.append(sentence)
    if facts.flags.get("resilient"):
        out.append(_("Resilient schools: %(n)s; their experience can be shared with the schools of the list.")
                   % {"n": facts.flags["resilient"]})
    if facts.flags.get("decline_risk"):
        out.append(_("Schools at risk of declining results: %(n)s; they need preventive attention.")
                   % {"n": facts.flags["decline_risk"]})
    if facts.top_high_factor:
        out.append(_("The risk factor most often at the high level: «%(factor)s» (%(n)s schools).")
                   % {"factor": facts.top_high_factor[0], "n": facts.top_high_factor[1]})
    if facts.measures_counted:
        out.append(_("Roadmap measures done on time: %(share)s; overdue: %(overdue)s.")
                   % {"share": pct(facts.measures_on_time), "overdue": facts.measures_overdue})
    if facts.documents_due_late:
        out.append(_("%(n)s documents are past their due date and not approved.") % {"n": facts.documents_due_late})
    if facts.unsupported:
        out.append(_("Schools of the list without support in %(year)s: %(n)s; support should be arranged for them.")
                   % {"year": year, "n": len(facts.unsupported)})
    if facts.decisions_overdue:
        out.append(_("Overdue decisions of meetings: %(n)s.") % {"n": facts.decisions_overdue})
    if facts.diagnosed_share is not None:
        out.append(_("%(share)s of teachers were diagnosed for professional deficits.")
                   % {"share": pct(facts.diagnosed_share)})
    if facts.kpi_achieved or facts.kpi_missed:
        out.append(_("Programme indicators achieved: %(done)s of %(total)s.")
                   % {"done": len(facts.kpi_achieved), "total": len(facts.kpi_achieved) + len(facts.kpi_missed)})
    if facts.kpi_missed:
        out.append(_("Not achieved: %(names)s.") % {"names": "; ".join(facts.kpi_missed)})
    if facts.kpi_no_data:
        out.append(_("Without data for the year: %(names)s.") % {"names": "; ".join(facts.kpi_no_data)})
    if not out:
        out.append(_("Opora holds too little data on the territory for %(year)s to draw conclusions.")
                   % {"year": year})
    return out
