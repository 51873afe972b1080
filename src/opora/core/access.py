"""The one place that decides who sees and does what.

A permission is granted by a role, and it reaches exactly the org unit the role is held for:
a region (all its municipalities and schools), a municipality (its schools), a school, or, for
a curator, the listed schools. Every selector, page, export, API endpoint and task asks here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from opora.core.models import (
    ROLE_SCOPE_LEVELS,
    Municipality,
    Region,
    Role,
    RoleAssignment,
    School,
    ScopeLevel,
    User,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class Perm(StrEnum):
    VIEW_SCHOOL = "view_school"  # school card, social passport, staff summary
    CHANGE_SCHOOL = "change_school"
    IMPORT_SCHOOLS = "import_schools"
    IMPORT_PASSPORTS = "import_passports"
    # Pupil results and school aggregates for the schools in scope; scales and tasks need it region-wide.
    IMPORT_RESULTS = "import_results"
    IMPORT_REFERENCE = "import_reference"  # scales and tasks of the procedures, which all regions share
    VIEW_PEOPLE = "view_people"  # who works in the territory and in which role
    MANAGE_PEOPLE = "manage_people"  # invite users, assign and revoke roles
    VIEW_HISTORY = "view_history"
    VIEW_IDENTIFICATION = "view_identification"  # flags, the year's list, the "why" panel
    RUN_IDENTIFICATION = "run_identification"  # start runs and previews (region-wide)
    APPROVE_LIST = "approve_list"  # approve the year's list, include/exclude by hand
    MANAGE_RULE_SETS = "manage_rule_sets"  # new rule sets and versions
    VIEW_RISK_PROFILES = "view_risk_profiles"  # campaigns, response rates, profiles, heat map
    MANAGE_CAMPAIGNS = "manage_campaigns"  # open/close survey campaigns, import answers, compute profiles
    VERIFY_RISK_PROFILES = "verify_risk_profiles"  # confirm a profile, change a level with a reason
    SELECT_RISK_FACTORS = "select_risk_factors"  # the factors the school will work on
    MANAGE_INSTRUMENTS = "manage_instruments"  # risk factors and questionnaires (versions)
    VIEW_PLANS = "view_plans"  # the school's concept, programmes, roadmap, reports; boards
    EDIT_PLANS = "edit_plans"  # write and submit the school's documents, report on measures
    REVIEW_PLANS = "review_plans"  # approve or return a submitted document
    MANAGE_STAGES = "manage_stages"  # the calendar of stages (which document is due when)
    VIEW_SUPPORT = "view_support"  # curators, partners, visits, events, meetings and decisions of the schools
    MANAGE_SUPPORT = "manage_support"  # assign curators, pair schools (municipality or region)
    MANAGE_MENTORING = "manage_mentoring"  # pair teachers with mentors
    RECORD_VISITS = "record_visits"  # visits and consultations, their findings and follow-ups
    MANAGE_EVENTS = "manage_events"  # the plan of events, invitations, attendance
    REGISTER_FOR_EVENTS = "register_for_events"  # register the school's participants
    MANAGE_MEETINGS = "manage_meetings"  # meetings, protocols, decisions and their owners
    SUBMIT_PRACTICES = "submit_practices"  # describe the school's practice and send it for review
    REVIEW_PRACTICES = "review_practices"  # publish or return a practice
    VIEW_STAFF = "view_staff"  # the staff registry by name: only via a school or municipality role
    MANAGE_STAFF = "manage_staff"  # edit and import the staff registry and vacancies
    IMPORT_DEFICITS = "import_deficits"  # import professional-deficit diagnostics
    MANAGE_DEVELOPMENT_PLANS = "manage_development_plans"  # teachers' development plans, courses
    MANAGE_PROGRAMMES = "manage_programmes"  # municipal/regional programmes, their indicators and targets
    ANSWER_CASES = "answer_cases"  # answer an objectivity case of the school, attach its files
    REVIEW_CASES = "review_cases"  # give the municipality's opinion on an objectivity case
    DECIDE_CASES = "decide_cases"  # open objectivity cases, send them, decide them and appeals (region-wide)
    FILE_APPEALS = "file_appeals"  # appeal against the school's place in the approved list
    VIEW_SCHEDULE = "view_schedule"  # the periodic jobs of the installation: last run, result, next run


_READ = {Perm.VIEW_SCHOOL, Perm.VIEW_HISTORY, Perm.VIEW_IDENTIFICATION, Perm.VIEW_RISK_PROFILES,
         Perm.VIEW_SUPPORT}
_REGION_ANALYST = {Perm.RUN_IDENTIFICATION, Perm.APPROVE_LIST, Perm.MANAGE_CAMPAIGNS, Perm.IMPORT_RESULTS}
_ADMIN = _READ | {
    Perm.CHANGE_SCHOOL,
    Perm.IMPORT_SCHOOLS,
    Perm.IMPORT_PASSPORTS,
    Perm.VIEW_PEOPLE,
    Perm.MANAGE_PEOPLE,
}

# Personal rows of the staff registry: granted here, but reached only through a school or a
# municipality role (`staff_schools_for`); a region-wide role sees aggregate figures.
_STAFF_READ = {Perm.VIEW_STAFF}
_COORDINATION = {Perm.MANAGE_SUPPORT, Perm.MANAGE_EVENTS, Perm.MANAGE_MEETINGS, Perm.RECORD_VISITS,
                 Perm.REVIEW_PRACTICES, Perm.MANAGE_PROGRAMMES}

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.REGIONAL_ADMIN: frozenset(_ADMIN | _REGION_ANALYST | {Perm.IMPORT_REFERENCE, Perm.MANAGE_RULE_SETS,
                                                                Perm.MANAGE_INSTRUMENTS,
                                                                Perm.VIEW_PLANS, Perm.MANAGE_STAGES,
                                                                Perm.MANAGE_SUPPORT, Perm.MANAGE_EVENTS,
                                                                Perm.MANAGE_MEETINGS, Perm.MANAGE_PROGRAMMES,
                                                                Perm.VIEW_SCHEDULE}),
    Role.REGIONAL_COORDINATOR: frozenset(_READ | _REGION_ANALYST | _COORDINATION | {Perm.VIEW_PEOPLE, Perm.VIEW_PLANS,
                                                                                    Perm.MANAGE_STAGES,
                                                                                    Perm.DECIDE_CASES}),
    Role.MUNICIPAL_COORDINATOR: frozenset(
        _READ | _COORDINATION | _STAFF_READ | {Perm.VIEW_PEOPLE, Perm.MANAGE_CAMPAIGNS, Perm.VERIFY_RISK_PROFILES,
                                               Perm.VIEW_PLANS, Perm.REVIEW_PLANS, Perm.MANAGE_STAGES,
                                               Perm.MANAGE_MENTORING, Perm.IMPORT_DEFICITS,
                                               Perm.MANAGE_DEVELOPMENT_PLANS, Perm.REVIEW_CASES,
                                               Perm.FILE_APPEALS}),
    Role.MUNICIPAL_OFFICER: frozenset(_ADMIN | _STAFF_READ | {Perm.MANAGE_EVENTS, Perm.MANAGE_MEETINGS,
                                                             Perm.MANAGE_STAFF, Perm.IMPORT_RESULTS}),
    Role.CURATOR: frozenset(_READ | {Perm.VERIFY_RISK_PROFILES, Perm.SELECT_RISK_FACTORS,
                                     Perm.VIEW_PLANS, Perm.REVIEW_PLANS, Perm.RECORD_VISITS,
                                     Perm.SUBMIT_PRACTICES}),
    Role.SCHOOL_HEAD: frozenset(_READ | _STAFF_READ | {Perm.VIEW_PEOPLE, Perm.SELECT_RISK_FACTORS, Perm.VIEW_PLANS,
                                                       Perm.EDIT_PLANS, Perm.MANAGE_MENTORING,
                                                       Perm.REGISTER_FOR_EVENTS, Perm.SUBMIT_PRACTICES,
                                                       Perm.MANAGE_STAFF, Perm.IMPORT_DEFICITS,
                                                       Perm.MANAGE_DEVELOPMENT_PLANS, Perm.ANSWER_CASES,
                                                       Perm.FILE_APPEALS}),
    Role.TEACHER: frozenset({Perm.VIEW_SCHOOL, Perm.VIEW_SUPPORT, Perm.SUBMIT_PRACTICES}),
    Role.METHODIST: frozenset({Perm.VIEW_SCHOOL, Perm.VIEW_SUPPORT, Perm.RECORD_VISITS, Perm.MANAGE_EVENTS,
                               Perm.REVIEW_PRACTICES, Perm.SUBMIT_PRACTICES, Perm.MANAGE_MENTORING,
                               Perm.IMPORT_DEFICITS, Perm.MANAGE_DEVELOPMENT_PLANS} | _STAFF_READ),
    Role.OBSERVER: frozenset(_READ | {Perm.VIEW_PLANS}),
}

# Roles an administrator may hand out, by the level the administrator holds.
ASSIGNABLE_BY_LEVEL: dict[str, frozenset[str]] = {
    ScopeLevel.REGION: frozenset(Role.values),
    ScopeLevel.MUNICIPALITY: frozenset(
        role for role, levels in ROLE_SCOPE_LEVELS.items() if ScopeLevel.REGION not in levels
    )
    | {Role.METHODIST, Role.OBSERVER},
}



def assignments(user: User | AnonymousUser) -> list[RoleAssignment]:
    """The user's role assignments, read once per request object and cached on it."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[RoleAssignment] | None = getattr(user, "_opora_assignments", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user)
            .select_related("region", "municipality", "school")
            .prefetch_related("schools")
        )
        user._opora_assignments = cached  # type: ignore[attr-defined]  # the request's cache on its user object
    return cached


def forget(user: User) -> None:
    """Drop the cached assignments (after roles change within one request)."""
    if hasattr(user, "_opora_assignments"):
        del user._opora_assignments


def is_superuser(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def roles(user: User | AnonymousUser) -> set[str]:
    return {a.role for a in assignments(user)}


def has_perm_anywhere(user: User | AnonymousUser, perm: Perm) -> bool:
    return is_superuser(user) or any(perm in ROLE_PERMS[a.role] for a in assignments(user))


def _granting(user: User | AnonymousUser, perm: Perm) -> list[RoleAssignment]:
    return [a for a in assignments(user) if perm in ROLE_PERMS[a.role]]


def school_filter(user: User | AnonymousUser, perm: Perm) -> Q | None:
    """A filter on School for the schools where the user holds `perm`; None means all schools."""
    if is_superuser(user):
        return None
    q = Q(pk__in=[])
    for a in _granting(user, perm):
        if a.region_id:
            q |= Q(municipality__region_id=a.region_id)
        elif a.municipality_id:
            q |= Q(municipality_id=a.municipality_id)
        elif a.school_id:
            q |= Q(pk=a.school_id)
        else:
            q |= Q(pk__in=[s.pk for s in a.schools.all()])
    return q


def schools_for(user: User | AnonymousUser, perm: Perm = Perm.VIEW_SCHOOL) -> QuerySet[School]:
    q = school_filter(user, perm)
    qs = School.objects.all()
    return qs if q is None else qs.filter(q)


def municipalities_for(
    user: User | AnonymousUser, perm: Perm = Perm.VIEW_SCHOOL
) -> QuerySet[Municipality]:
    """Municipalities the user holds `perm` for as a whole (not just for some of its schools)."""
    if is_superuser(user):
        return Municipality.objects.all()
    q = Q(pk__in=[])
    for a in _granting(user, perm):
        if a.region_id:
            q |= Q(region_id=a.region_id)
        elif a.municipality_id:
            q |= Q(pk=a.municipality_id)
    return Municipality.objects.filter(q)


def visible_municipalities(user: User | AnonymousUser) -> QuerySet[Municipality]:
    """Municipalities shown when browsing: whole ones plus those holding a visible school."""
    if is_superuser(user):
        return Municipality.objects.all()
    whole = municipalities_for(user, Perm.VIEW_SCHOOL)
    partial = schools_for(user, Perm.VIEW_SCHOOL).values("municipality_id")
    return Municipality.objects.filter(Q(pk__in=whole.values("pk")) | Q(pk__in=partial))


def regions_for(user: User | AnonymousUser, perm: Perm = Perm.VIEW_SCHOOL) -> QuerySet[Region]:
    """Regions the user holds `perm` for as a whole."""
    if is_superuser(user):
        return Region.objects.all()
    ids = [a.region_id for a in _granting(user, perm) if a.region_id]
    return Region.objects.filter(pk__in=ids)


def visible_regions(user: User | AnonymousUser) -> QuerySet[Region]:
    if is_superuser(user):
        return Region.objects.all()
    return Region.objects.filter(pk__in=visible_municipalities(user).values("region_id"))


def can_on_school(user: User | AnonymousUser, perm: Perm, school: School) -> bool:
    if is_superuser(user):
        return True
    for a in _granting(user, perm):
        if a.region_id and school.municipality.region_id == a.region_id:
            return True
        if a.municipality_id and school.municipality_id == a.municipality_id:
            return True
        if a.school_id and school.pk == a.school_id:
            return True
        if a.scope_level == ScopeLevel.SCHOOL_LIST and any(s.pk == school.pk for s in a.schools.all()):
            return True
    return False


def staff_schools_for(user: User | AnonymousUser, perm: Perm = Perm.VIEW_STAFF) -> QuerySet[School]:
    """Schools whose staff the user may see (or change) by name.

    Personal data stays inside the school and its municipality: only roles held for a school or a
    municipality count; region-wide roles and curators' lists see aggregate figures only.
    """
    if is_superuser(user):
        return School.objects.all()
    q = Q(pk__in=[])
    for a in _granting(user, perm):
        if a.municipality_id:
            q |= Q(municipality_id=a.municipality_id)
        elif a.school_id:
            q |= Q(pk=a.school_id)
    return School.objects.filter(q)


def member_school_ids(user: User | AnonymousUser) -> list[int] | None:
    """Schools where the user holds a role at the school itself (head, teacher, observer of it).

    Their classes (a handful of pupils each) are shown only to them; None means every school.
    """
    if is_superuser(user):
        return None
    return sorted({a.school_id for a in assignments(user) if a.school_id})


def is_school_member(user: User | AnonymousUser, school: School) -> bool:
    ids = member_school_ids(user)
    return ids is None or school.pk in ids


def can_on_municipality(user: User | AnonymousUser, perm: Perm, municipality: Municipality) -> bool:
    return municipalities_for(user, perm).filter(pk=municipality.pk).exists()


def can_on_region(user: User | AnonymousUser, perm: Perm, region: Region) -> bool:
    return is_superuser(user) or any(a.region_id == region.pk for a in _granting(user, perm))


# --- People -----------------------------------------------------------------------------------


def users_for(user: User | AnonymousUser, perm: Perm = Perm.VIEW_PEOPLE) -> QuerySet[User]:
    """Users holding at least one role inside the territory where `user` holds `perm`.

    A user with no role yet is visible to whoever invited them, so an invitation is never lost.
    """
    if is_superuser(user):
        return User.objects.all()
    if not user.is_authenticated:
        return User.objects.none()
    grants = _granting(user, perm)
    if not grants:
        return User.objects.filter(pk=user.pk)
    schools_q = school_filter(user, perm)
    municipalities = municipalities_for(user, perm)
    regions = [a.region_id for a in grants if a.region_id]
    inside = (
        Q(role_assignments__region_id__in=regions)
        | Q(role_assignments__municipality__in=municipalities)
        | Q(role_assignments__school__in=School.objects.filter(schools_q))
        | Q(role_assignments__schools__in=School.objects.filter(schools_q))
    )
    # Someone whose last role here was revoked stays findable, so they can be given a new one.
    past = RoleAssignment.history.filter(
        Q(region_id__in=regions)
        | Q(municipality_id__in=municipalities.values("pk"))
        | Q(school_id__in=School.objects.filter(schools_q).values("pk"))
    ).values("user_id")
    return User.objects.filter(
        inside | Q(pk__in=past) | Q(invited_by=user) | Q(pk=user.pk)
    ).distinct()


def can_view_user(user: User | AnonymousUser, target: User) -> bool:
    return users_for(user, Perm.VIEW_PEOPLE).filter(pk=target.pk).exists()


def can_assign(
    user: User | AnonymousUser,
    *,
    role: str,
    region: Region | None = None,
    municipality: Municipality | None = None,
    school: School | None = None,
    schools: list[School] | None = None,
) -> bool:
    """May `user` grant `role` for this org unit (or this curator's list of schools)?"""
    if is_superuser(user):
        return True
    for a in _granting(user, Perm.MANAGE_PEOPLE):
        if role not in ASSIGNABLE_BY_LEVEL.get(a.scope_level, frozenset()):
            continue
        if a.region_id:
            inside = (
                (region is not None and region.pk == a.region_id)
                or (municipality is not None and municipality.region_id == a.region_id)
                or (school is not None and school.municipality.region_id == a.region_id)
                or (bool(schools) and all(s.municipality.region_id == a.region_id for s in schools or []))
            )
        elif a.municipality_id:
            inside = (
                (municipality is not None and municipality.pk == a.municipality_id)
                or (school is not None and school.municipality_id == a.municipality_id)
                or (bool(schools) and all(s.municipality_id == a.municipality_id for s in schools or []))
            )
        else:
            inside = False
        if inside:
            return True
    return False


def can_revoke(user: User | AnonymousUser, assignment: RoleAssignment) -> bool:
    return can_assign(
        user,
        role=assignment.role,
        region=assignment.region,
        municipality=assignment.municipality,
        school=assignment.school,
        schools=list(assignment.schools.all()) if assignment.scope_level == ScopeLevel.SCHOOL_LIST else None,
    )
