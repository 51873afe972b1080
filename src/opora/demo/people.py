"""Demo users, one per role, with a shared known password, and the table of their logins."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opora.core.models import Municipality, Region, Role, RoleAssignment, School, User
from opora.demo.names import DEMO_FULL_NAMES, DEMO_POSITIONS
from opora.demo.rows import PASSPORT_YEARS, Territory

DEMO_PASSWORD = "demo-Opora-2026"
SUPERUSER = "admin"
CURATED_SCHOOLS = 3


@dataclass(frozen=True)
class DemoPerson:
    username: str
    role: str | None  # None: the installation superuser
    unit: str  # what the role is held for: region, municipality, school, school_list


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(SUPERUSER, None, ""),
    DemoPerson("region.admin", Role.REGIONAL_ADMIN, "region"),
    DemoPerson("region.coord", Role.REGIONAL_COORDINATOR, "region"),
    DemoPerson("mun.coord", Role.MUNICIPAL_COORDINATOR, "municipality"),
    DemoPerson("mun.officer", Role.MUNICIPAL_OFFICER, "municipality"),
    DemoPerson("methodist", Role.METHODIST, "municipality"),
    DemoPerson("curator", Role.CURATOR, "school_list"),
    DemoPerson("head", Role.SCHOOL_HEAD, "school"),
    DemoPerson("teacher", Role.TEACHER, "school"),
    DemoPerson("observer", Role.OBSERVER, "region"),
)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    scope: str


def curated_school_codes(territory: Territory) -> list[str]:
    """The demo municipality's general schools with the most low-income families last year."""
    municipality = territory.municipalities[0].code
    general = {
        s.code
        for s in territory.schools
        if s.municipality_code == municipality and s.type in ("primary", "basic", "secondary")
    }
    latest = [
        p for p in territory.passports if p.year == PASSPORT_YEARS[-1] and p.school_code in general
    ]
    latest.sort(key=lambda p: (-p.low_income_families, p.school_code))
    return [p.school_code for p in latest[:CURATED_SCHOOLS]]


def demo_people_create(territory: Territory) -> None:
    """Create the demo users and their roles; users that already exist keep their password."""
    region = Region.objects.get(code=territory.regions[0].code)
    municipality = Municipality.objects.get(code=territory.municipalities[0].code)
    curated = list(School.objects.filter(code__in=curated_school_codes(territory)).order_by("code"))
    units: dict[str, dict[str, object]] = {
        "region": {"region": region},
        "municipality": {"municipality": municipality},
        "school": {"school": curated[0]},
        "school_list": {},
    }
    hashed = make_password(DEMO_PASSWORD)  # hashed once: the users share it
    for person in DEMO_PEOPLE:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = User(
                username=person.username,
                full_name=DEMO_FULL_NAMES[person.username],
                email=f"{person.username}@example.org",
                position=DEMO_POSITIONS[person.username],
                password=hashed,
                is_staff=person.role is None,
                is_superuser=person.role is None,
            )
            user.save()
        if person.role is None:
            continue
        unit = units[person.unit]
        if RoleAssignment.objects.filter(user=user, role=person.role, **unit).exists():
            continue
        assignment = RoleAssignment.objects.create(user=user, role=person.role, **unit)
        if person.unit == "school_list":
            assignment.schools.set(curated)


def _scope_label(assignment: RoleAssignment) -> str:
    unit = assignment.region or assignment.municipality or assignment.school
    if unit is not None:
        return str(unit)
    schools = list(assignment.schools.select_related("municipality"))
    municipalities = sorted({str(s.municipality) for s in schools})
    count = len(schools)
    return ngettext(
        "%(count)d school of %(municipality)s", "%(count)d schools of %(municipality)s", count
    ) % {"count": len(schools), "municipality": ", ".join(municipalities)}


def demo_logins() -> list[DemoLogin]:
    """The demo users present in the database, with what each may see."""
    users = {
        u.username: u for u in User.objects.filter(username__in=[p.username for p in DEMO_PEOPLE])
    }
    verified: dict[str, bool] = {}  # by hash: the demo users share one, so one slow check
    logins: list[DemoLogin] = []
    for person in DEMO_PEOPLE:
        user = users.get(person.username)
        if user is None:
            continue
        if user.password not in verified:
            verified[user.password] = check_password(DEMO_PASSWORD, user.password)
        password = DEMO_PASSWORD if verified[user.password] else _("(not the demo password)")
        if person.role is None:
            if user.is_superuser:
                logins.append(
                    DemoLogin(
                        _("installation administrator"), user.username, password, _("everything")
                    )
                )
            continue
        for assignment in RoleAssignment.objects.filter(user=user, role=person.role).select_related(
            "region", "municipality", "school"
        ):
            logins.append(
                DemoLogin(
                    str(Role(person.role).label), user.username, password, _scope_label(assignment)
                )
            )
    return logins


def logins_table(logins: list[DemoLogin]) -> str:
    """A plain-text table: role, login, password, scope."""
    header = DemoLogin(_("Role"), _("Login"), _("Password"), _("Scope"))
    rows = [header, *logins]
    widths = [max(len(getattr(r, f)) for r in rows) for f in ("role", "username", "password")]
    lines = []
    for i, r in enumerate(rows):
        cells = [r.role.ljust(widths[0]), r.username.ljust(widths[1]), r.password.ljust(widths[2])]
        lines.append("  ".join([*cells, r.scope]))
        if i == 0:
            lines.append("  ".join("-" * w for w in [*widths, len(r.scope)]))
    return "\n".join(lines)
