"""Demo: objectivity cases of the latest year, opened by the regional coordinator from the run of
the approved list for the schools in which that run found signs of non-objective results (the
demo plants them, see results_loader's `inflated` schools), one case in each state a region sees:

- under review, taken without the school's answer, with the municipality's opinion given (the
  region's decision is still to come);
- decided not confirmed, after the head's answer;
- decided confirmed, with its consequences (results marked, the works left out of the
  determination, enhanced control at the next assessment);
- waiting for the school's answer, past its deadline;
- waiting for the school's answer, in time.

The schools are taken by the objectivity index (highest first, then the code), so the same seed
always gives the same cases. The step runs after identification (the cases come from its run) and
the plans (which give the schools their heads: a head answers the case not confirmed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.cases import selectors, services
from opora.cases.models import LowResultsEffect, ObjectivityCase, Outcome
from opora.core.models import Role, RoleAssignment, School, User
from opora.identification.models import RunSchool, YearList

OVERDUE_DAYS = 4  # how long ago the overdue case's answer was due
WAITING_DAYS = 10  # the waiting case's answer is due in this many days


@dataclass(frozen=True)
class _Scenario:
    name: str
    prefers: Callable[[School], bool]  # the school this scenario would rather have


def _first(users: QuerySet[User]) -> User | None:
    return users.order_by("username").first()


def _procedure(rows: list[RunSchool]) -> str:
    """The procedure in which the run found the most signs (ties: alphabetical)."""
    counts: Counter[str] = Counter()
    for row in rows:
        for sign in ((row.evidence or {}).get("objectivity") or {}).get("present") or []:
            if isinstance(sign, dict) and sign.get("procedure"):
                counts[str(sign["procedure"])] += 1
    if not counts:
        return ""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]


def cases_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's cases; returns their count for the summary line (none without a run).
    `seed` is taken like every demo step's; the cases follow from the run alone."""
    coord = (RoleAssignment.objects.filter(user__username="region.coord", role=Role.REGIONAL_COORDINATOR,
                                           region__isnull=False).select_related("user", "region").first())
    if coord is None or coord.region is None:
        return {}
    region, actor = coord.region, coord.user
    year_list = YearList.objects.filter(region=region).select_related("run").order_by("-year").first()
    if year_list is None:
        return {}
    run = year_list.run
    rows = list(RunSchool.objects.filter(run=run).select_related("school__municipality")
                .order_by("-objectivity_index", "school__code"))
    signed = [r for r in rows if r.objectivity_signs]
    procedure = _procedure(signed)
    if not signed or not procedure:
        # No school has a sign in this run: take the schools with the highest objectivity index, so
        # the pages still show the procedure (their cases are about every work of the procedure).
        signed = [r for r in rows if r.objectivity_index is not None][:5]
        procedure = procedure or "vpr"
    if not signed:
        return {}

    def has_head(school: School) -> bool:
        return selectors.heads(school).exists()

    def has_reviewer(school: School) -> bool:
        return selectors.municipal_reviewers(school).exists()

    scenarios = [_Scenario("review", has_reviewer), _Scenario("not_confirmed", has_head),
                 _Scenario("confirmed", lambda school: True), _Scenario("overdue", has_reviewer),
                 _Scenario("waiting", lambda school: True)]
    left = [r.school for r in signed]
    chosen: list[tuple[str, School]] = []
    for scenario in scenarios:
        if not left:
            break
        school = next((s for s in left if scenario.prefers(s)), left[0])
        left.remove(school)
        chosen.append((scenario.name, school))

    today = timezone.localdate()
    made = 0
    for name, school in chosen:
        due = today + timedelta(days=WAITING_DAYS if name == "waiting" else services.ANSWER_DAYS)
        opened = services.cases_open(actor=actor, run=run, procedure=procedure, schools=[school], answer_due=due)
        case = opened.created[0]
        made += 1
        if name == "waiting":
            continue
        if name == "overdue":
            # The demo's clock: the case was sent a while ago and the school has not answered.
            ObjectivityCase.objects.filter(pk=case.pk).update(answer_due=today - timedelta(days=OVERDUE_DAYS))
            continue
        case = _to_review(case, name, actor)
        reviewer = _first(selectors.municipal_reviewers(school))
        if reviewer is not None:
            outcome = Outcome.NOT_CONFIRMED if name == "not_confirmed" else Outcome.CONFIRMED
            reason = (_("The observers' reports and the re-marking of a sample of works do not differ from the "
                        "school's marks.") if name == "not_confirmed"
                      else _("There were no independent observers during the assessment; the works were marked "
                             "by the teachers of the class."))
            case = services.case_municipal_opinion(actor=reviewer, case=case, lock_version=case.lock_version,
                                                   outcome=outcome, reason=reason)
        if name == "not_confirmed":
            services.case_decide(actor=actor, case=case, lock_version=case.lock_version,
                                 outcome=Outcome.NOT_CONFIRMED,
                                 reason=_("The re-marking confirmed the school's marks; the peak at the boundary "
                                          "is explained by a small class."))
        elif name == "confirmed":
            services.case_decide(actor=actor, case=case, lock_version=case.lock_version,
                                 outcome=Outcome.CONFIRMED,
                                 reason=_("The re-marking lowered a third of the marks; the works were checked "
                                          "without an independent commission."),
                                 mark_results=True, low_results_effect=LowResultsEffect.EXCLUDE,
                                 enhanced_control=True)
    return {"objectivity_cases": made}


def _to_review(case: ObjectivityCase, name: str, actor: User) -> ObjectivityCase:
    """The head's answer when the school has a head, otherwise the coordinator takes the case."""
    head = _first(selectors.heads(case.school))
    if head is not None and name == "not_confirmed":
        return services.case_answer(
            actor=head, case=case, lock_version=case.lock_version,
            text=_("The assessment was held with two public observers; the works were checked by a commission "
                   "of teachers of another school. The observers' reports are available on request."))
    return services.case_take(actor=actor, case=case, lock_version=case.lock_version,
                              comment=_("The school did not answer by the deadline: the case is taken for review "
                                        "on the run's evidence."))
