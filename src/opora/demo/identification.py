"""Identification in the demo: the lists a region would have by now, so every page shows
something real — an approved list for each of the last two years (the municipal selection),
one manual inclusion, and this year's runs of the other shipped rule sets."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max
from django.utils.translation import gettext as _

from opora.core.models import Region, User
from opora.demo.people import SUPERUSER
from opora.identification.execution import run_execute
from opora.identification.models import OverrideAction, RuleSet, Run, RunSchool
from opora.identification.services import list_approve, override_set, run_create
from opora.results.models import ResultPart

APPROVED_RULE_SET = "municipal"


@dataclass(frozen=True)
class IdentificationSummary:
    runs: int
    listed: int  # schools in the approved lists of the latest year


def _run(region: Region, year: int, code: str) -> Run:
    run = run_create(actor=None, region=region, year=year, rule_set=RuleSet.objects.get(code=code), enqueue=False)
    return run_execute(run)


def identification_load() -> IdentificationSummary:
    """Run the shipped rule sets on the demo results and approve the lists (idempotent per call
    on an empty identification: it is part of loading the demo)."""
    admin = User.objects.get(username=SUPERUSER)
    latest = ResultPart.objects.filter(active=True).aggregate(year=Max("year"))["year"]
    if latest is None:
        return IdentificationSummary(runs=0, listed=0)
    runs, listed = 0, 0
    for region in Region.objects.order_by("code"):
        years = [latest - 1, latest]
        for year in years:
            run = _run(region, year, APPROVED_RULE_SET)
            runs += 1
            if year == latest:
                # A school the rule does not propose, included by the municipality's decision.
                candidate = (RunSchool.objects.filter(run=run, included=False, adverse_context=True)
                             .select_related("school").order_by("school__code").first())
                if candidate is not None:
                    override_set(actor=admin, region=region, year=year, school=candidate.school,
                                 action=OverrideAction.INCLUDE,
                                 reason=_("Decision of the municipal commission: adverse context and a "
                                          "new head of school."))
            year_list = list_approve(actor=admin, run=run, comment=_("Approved by the regional commission."))
            if year == latest:
                listed += year_list.entries.count()
        for code in ("federal", "quality"):
            _run(region, latest, code)
            runs += 1
    return IdentificationSummary(runs=runs, listed=listed)
