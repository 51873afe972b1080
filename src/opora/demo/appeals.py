"""Demo: appeals against the demo region's approved lists, filed by a school's head (or, for a
school without one, its municipal coordinator), one in each state a region sees:

- upheld after the asked information was given: an appeal against the inclusion in the previous
  year's list, so that list gets version 2 and its version 1 stays as it was (the latest list is
  left as identification approved it: the identification demo describes it);
- filed and waiting for the decision: the demo head appeals a flag of the latest list;
- more information asked, and rejected: appeals against the latest list — against the inclusion
  of a school on it, or against the exclusion of a school not on it.

The schools are taken by their code (the schools on the list first), each school once, so the same
seed always gives the same appeals. The step runs after identification (the appeals are against its
lists), the plans (which give the schools their heads), the cases and the support steps (these read
the lists an upheld appeal changes).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from opora.cases import appeals, selectors
from opora.cases.models import Appeal, AppealKind, AppealOutcome
from opora.core import access
from opora.core.access import Perm
from opora.core.models import Region, Role, RoleAssignment, School, User
from opora.identification.models import ListEntry, RunSchool, YearList

FLAG_PREFERENCE = ("decline_risk", "adverse_context", "low_results", "objectivity")


def _filer(school: School) -> User | None:
    """The school's head, else its municipal coordinator (first by username): who may file."""
    for people in (selectors.heads(school), selectors.municipal_reviewers(school)):
        for user in people.order_by("username"):
            if access.can_on_school(user, Perm.FILE_APPEALS, school):
                return user
    return None


def _schools(region: Region, year_list: YearList, *, listed: bool) -> list[School]:
    on_list = ListEntry.objects.filter(year_list=year_list).values("school_id")
    schools = School.objects.filter(municipality__region=region).select_related("municipality__region")
    chosen = schools.filter(pk__in=on_list) if listed else schools.exclude(pk__in=on_list)
    return list(chosen.order_by("code"))


def _pick(candidates: list[School], used: set[int], prefer: School | None = None) -> tuple[School, User] | None:
    ordered = ([prefer] if prefer is not None and prefer in candidates else []) + candidates
    for school in ordered:
        if school.pk in used:
            continue
        filer = _filer(school)
        if filer is not None:
            used.add(school.pk)
            return school, filer
    return None


def _flag(year_list: YearList, school: School) -> str:
    row = RunSchool.objects.filter(run=year_list.run, school=school).first()
    for flag in FLAG_PREFERENCE:
        if row is not None and (bool(row.objectivity_signs) if flag == "objectivity" else getattr(row, flag)):
            return flag
    return FLAG_PREFERENCE[0]


def _against_latest(region: Region, latest: YearList, used: set[int]) -> tuple[School, User, str] | None:
    """A school of the latest list (appealing the inclusion), else one not on it (the exclusion)."""
    for listed, kind in ((True, AppealKind.INCLUSION), (False, AppealKind.EXCLUSION)):
        picked = _pick(_schools(region, latest, listed=listed), used)
        if picked is not None:
            return picked[0], picked[1], kind
    return None


def _reasons(kind: str) -> str:
    if kind == AppealKind.INCLUSION:
        return _("A third of the students who wrote the OGE study by an adapted programme; without them the "
                 "school's results are at the level of the municipality.")
    return _("The school asks to be put on the list: half of its teachers retire within two years, and the "
             "results of the 9th grades fall for the second year.")


def appeals_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's appeals; returns their count for the summary line (none without a list).
    `seed` is taken like every demo step's; the appeals follow from the lists alone."""
    coord = (RoleAssignment.objects.filter(user__username="region.coord", role=Role.REGIONAL_COORDINATOR,
                                           region__isnull=False).select_related("user", "region").first())
    if coord is None or coord.region is None:
        return {}
    region, decider = coord.region, coord.user
    lists = list(YearList.objects.filter(region=region).select_related("run").order_by("-year"))
    if not lists:
        return {}
    latest, earlier = lists[0], (lists[1] if len(lists) > 1 else None)
    head = (RoleAssignment.objects.filter(user__username="head", role=Role.SCHOOL_HEAD, school__isnull=False)
            .select_related("school__municipality__region").first())
    head_school = head.school if head is not None else None
    used: set[int] = set()
    made: list[Appeal] = []

    # Upheld after the information asked: against the inclusion in the previous year's list.
    picked = _pick(_schools(region, earlier, listed=True), used) if earlier is not None else None
    if earlier is not None and picked is not None:
        school, filer = picked
        appeal = appeals.appeal_file(
            actor=filer, school=school, year=earlier.year, kind=AppealKind.INCLUSION,
            reasons=_("The school was merged with another one during the year; the results of the closed "
                      "school were counted as its own."))
        appeal = appeals.appeal_ask(
            actor=decider, appeal=appeal, lock_version=appeal.lock_version,
            question=_("Attach the order on the merger of the schools."))
        appeal = appeals.appeal_reply(
            actor=filer, appeal=appeal, lock_version=appeal.lock_version,
            reply=_("The schools were merged by the order of the municipal education authority; the order is "
                    "sent to the region by e-mail."))
        made.append(appeals.appeal_decide(
            actor=decider, appeal=appeal, lock_version=appeal.lock_version, outcome=AppealOutcome.UPHELD,
            decision=_("The results of the closed school are not the school's own; the school is excluded from "
                       "the list.")))

    # Filed, waiting for the decision: a flag of the latest list, by the demo head if there is one.
    picked = _pick(_schools(region, latest, listed=True) + _schools(region, latest, listed=False), used,
                   prefer=head_school)
    if picked is not None:
        school, filer = picked
        made.append(appeals.appeal_file(
            actor=filer, school=school, year=latest.year, kind=AppealKind.FLAG, flag=_flag(latest, school),
            reasons=_("The decline of the results is explained by the change of the mathematics programme in the "
                      "5th grade; the results of the school's own tests did not fall.")))

    # More information asked.
    chosen = _against_latest(region, latest, used)
    if chosen is not None:
        school, filer, kind = chosen
        appeal = appeals.appeal_file(actor=filer, school=school, year=latest.year, kind=kind,
                                     reasons=_reasons(kind))
        question = (_("Attach the list of the students with the conclusions of the psychological, medical and "
                      "pedagogical commission.") if kind == AppealKind.INCLUSION
                    else _("Attach the school's staffing plan for the next two years."))
        made.append(appeals.appeal_ask(actor=decider, appeal=appeal, lock_version=appeal.lock_version,
                                       question=question))

    # Rejected.
    chosen = _against_latest(region, latest, used)
    if chosen is not None:
        school, filer, kind = chosen
        appeal = appeals.appeal_file(actor=filer, school=school, year=latest.year, kind=kind,
                                     reasons=_reasons(kind))
        decision = (_("The rule counts the results of every student; the adapted programmes are taken into "
                      "account through the school's context.") if kind == AppealKind.INCLUSION
                    else _("The school's results are above the thresholds of the rule in both years; its "
                           "staffing is supported by the municipal programme."))
        made.append(appeals.appeal_decide(actor=decider, appeal=appeal, lock_version=appeal.lock_version,
                                          outcome=AppealOutcome.REJECTED, decision=decision))
    return {"appeals": len(made)} if made else {}
