"""Rule-set versions: a region's edit of a shipped rule set never changes another region's rule."""

from __future__ import annotations

import pytest

from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import User
from opora.identification.models import RuleSet
from opora.identification.services import rule_set_version_create, run_create
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _stricter(rule_set: RuleSet) -> dict:
    return {**rule_set.current().params, "fail_bar": 0.25}


def test_regional_admin_edits_a_copy_of_a_shipped_rule_set(cast: Cast, rule_sets: dict[str, RuleSet]) -> None:
    federal = rule_sets["federal"]
    version = rule_set_version_create(actor=cast.zoe, rule_set=federal, params=_stricter(federal),
                                      comment="Порог 25% по решению региона")
    assert version.rule_set.region == cast.r20 and version.rule_set.code == f"federal-{cast.r20.code}"
    assert version.number == 1 and version.params["fail_bar"] == 0.25
    # The shipped rule set, which region 10 uses, is unchanged.
    assert federal.current().number == 1 and federal.current().params["fail_bar"] == 0.30
    # A second edit versions the same copy.
    again = rule_set_version_create(actor=cast.zoe, rule_set=federal, params=_stricter(federal), comment="ещё раз")
    assert again.rule_set == version.rule_set and again.number == 2
    # Region 10 cannot run region 20's copy.
    with pytest.raises(ValidationFailed):
        run_create(actor=cast.alice, region=cast.r10, year=2025, rule_set=version.rule_set, enqueue=False)


def test_installation_admin_versions_the_shipped_rule_set_itself(cast: Cast, rule_sets: dict[str, RuleSet]) -> None:
    root = User.objects.create_superuser("root", "root@example.org", "pass-Opora-2026")
    federal = rule_sets["federal"]
    version = rule_set_version_create(actor=root, rule_set=federal, params=_stricter(federal), comment="v2")
    assert version.rule_set == federal and version.number == 2


def test_only_rule_set_managers_may_version_and_bad_params_are_refused(cast: Cast,
                                                                        rule_sets: dict[str, RuleSet]) -> None:
    federal = rule_sets["federal"]
    for user in (cast.rita, cast.maria, cast.kate, cast.sam):
        with pytest.raises(AccessDenied):
            rule_set_version_create(actor=user, rule_set=federal, params=_stricter(federal), comment="x")
    with pytest.raises(ValidationFailed) as error:
        rule_set_version_create(actor=cast.alice, rule_set=federal, params={**_stricter(federal), "fail_bar": 7},
                                comment="x")
    assert "fail_bar" in str(error.value)
    with pytest.raises(ValidationFailed):
        rule_set_version_create(actor=cast.alice, rule_set=federal, params=_stricter(federal), comment="  ")
    assert not RuleSet.objects.filter(region__isnull=False).exists()
