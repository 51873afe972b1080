"""`opora demo`: loads the territory and users for every role, and prints working logins."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from opora.core import access
from opora.core.models import (
    PASSPORT_SHARE_FIELDS,
    Municipality,
    Region,
    Role,
    RoleAssignment,
    School,
    SchoolType,
    SocialPassport,
    User,
)
from opora.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

EXPECTED_ROLES = {
    "region.admin": Role.REGIONAL_ADMIN,
    "region.coord": Role.REGIONAL_COORDINATOR,
    "mun.coord": Role.MUNICIPAL_COORDINATOR,
    "mun.officer": Role.MUNICIPAL_OFFICER,
    "methodist": Role.METHODIST,
    "curator": Role.CURATOR,
    "head": Role.SCHOOL_HEAD,
    "teacher": Role.TEACHER,
    "observer": Role.OBSERVER,
}


@pytest.fixture(autouse=True)
def fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_demo(*args: str) -> str:
    """The territory and people part of the demo; results are tested in test_results_demo.py."""
    out = StringIO()
    call_command("demo", *args, "--no-results", stdout=out)
    return out.getvalue()


def test_tiny_demo_creates_schools_of_every_type() -> None:
    run_demo("--size", "tiny", "--seed", "1")
    assert School.objects.count() == 24
    assert set(School.objects.values_list("type", flat=True)) == set(SchoolType.values)
    assert SocialPassport.objects.count() == 72


def test_tiny_demo_creates_a_user_for_every_role() -> None:
    run_demo("--size", "tiny")
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    assert User.objects.get(username="admin").is_superuser


def test_printed_logins_work_with_the_printed_password() -> None:
    output = run_demo("--size", "tiny", "--seed", "1")
    assert DEMO_PASSWORD in output
    for username in ["admin", *EXPECTED_ROLES]:
        assert username in output
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD), username


def test_each_demo_user_holds_the_expected_role() -> None:
    run_demo("--size", "tiny")
    for username, role in EXPECTED_ROLES.items():
        user = User.objects.get(username=username)
        assert list(user.role_assignments.values_list("role", flat=True)) == [role]


def test_demo_users_are_scoped_sensibly() -> None:
    run_demo("--size", "tiny")
    users = {u.username: u for u in User.objects.all()}
    region_schools = School.objects.filter(municipality__region=Region.objects.get())
    assert access.schools_for(users["region.admin"]).count() == region_schools.count()
    municipal = access.schools_for(users["mun.coord"])
    assert 0 < municipal.count() < region_schools.count()
    curated = access.schools_for(users["curator"])
    assert curated.count() == 3
    assert set(curated.values_list("municipality", flat=True)) == set(
        municipal.values_list("municipality", flat=True)
    )
    head_school = access.schools_for(users["head"]).get()
    assert head_school in curated
    assert access.schools_for(users["teacher"]).get() == head_school


def test_demo_passport_shares_are_within_zero_and_one() -> None:
    run_demo("--size", "tiny")
    for passport in SocialPassport.objects.all():
        for name in PASSPORT_SHARE_FIELDS:
            value = getattr(passport, name)
            assert value is not None and 0 <= value <= 1


def test_if_empty_does_not_load_twice_but_prints_the_logins() -> None:
    run_demo("--size", "tiny", "--seed", "1", "--if-empty")
    output = run_demo("--size", "tiny", "--seed", "1", "--if-empty")
    assert School.objects.count() == 24
    assert User.objects.filter(username="curator").count() == 1
    assert "region.admin" in output
    assert DEMO_PASSWORD in output


def test_same_seed_loads_the_same_schools_into_a_fresh_database() -> None:
    run_demo("--size", "tiny", "--seed", "5")
    first = list(School.objects.order_by("code").values_list("code", "name", "enrolment"))
    School.objects.all().delete()  # passports cascade
    RoleAssignment.objects.all().delete()
    Municipality.objects.all().delete()
    Region.objects.all().delete()
    run_demo("--size", "tiny", "--seed", "5")
    assert list(School.objects.order_by("code").values_list("code", "name", "enrolment")) == first


def test_loading_into_a_database_with_schools_is_refused_in_russian() -> None:
    run_demo("--size", "tiny")
    with pytest.raises(CommandError, match="уже есть|already"):
        run_demo("--size", "tiny")


def test_unknown_size_is_refused_with_the_list_of_sizes() -> None:
    with pytest.raises(CommandError, match="tiny, municipality, region, national"):
        run_demo("--size", "huge")
    assert not School.objects.exists()


def test_existing_administrator_keeps_own_password() -> None:
    User.objects.create_superuser("admin", "a@example.org", "Own-secret-2026")
    output = run_demo("--size", "tiny")
    assert User.objects.get(username="admin").check_password("Own-secret-2026")
    admin_line = next(line for line in output.splitlines() if "admin" in line.split())
    assert DEMO_PASSWORD not in admin_line
