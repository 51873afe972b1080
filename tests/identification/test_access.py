"""Who sees and does what in identification, per role of the cast (`tests.conftest`)."""

from __future__ import annotations

import pytest
from django.test import Client

from opora.core.errors import AccessDenied
from opora.core.models import User
from opora.identification.models import RuleSet, Run
from opora.identification.selectors import (
    regions_for_identification,
    run_rows,
    runs_for,
    school_history,
)
from opora.identification.services import list_approve, override_set, run_create
from tests.api.conftest import session_client, token_client
from tests.identification.builders import LOW, YEAR, Built

QUERY = {"year": YEAR, "rule_set": "federal", "region": "10", "limit": 1000}


def codes(user: User) -> list[str] | int:
    response = session_client(user).get("/api/identification", QUERY)
    if response.status_code != 200:
        return response.status_code
    return [i["school_code"] for i in response.json()["items"]]


def test_each_role_sees_the_rows_of_its_own_schools_only(federal_run: Run, built: Built) -> None:
    cast = built.cast
    m2 = sorted(set(built.region10) - set(built.m1))
    assert codes(cast.alice) == built.region10
    assert codes(cast.rita) == built.region10
    assert codes(cast.maria) == built.m1
    assert codes(cast.oleg) == built.m1
    assert codes(cast.kate) == ["1001"]
    assert codes(cast.sam) == ["1001"]
    assert codes(cast.olga) == m2
    assert codes(cast.vera) == ["1003"]
    assert LOW in built.m1 and LOW not in m2


def test_teachers_methodists_and_people_without_roles_are_refused(federal_run: Run, built: Built) -> None:
    for user in (built.cast.tom, built.cast.mila, built.cast.nobody):
        response = session_client(user).get("/api/identification", QUERY)
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
        assert session_client(user).get("/api/identification/list", {"year": YEAR}).status_code == 403


def test_another_regions_user_sees_nothing_of_this_region(federal_run: Run, built: Built) -> None:
    zoe = session_client(built.cast.zoe)
    assert zoe.get("/api/identification", QUERY).status_code == 404
    own_region = zoe.get("/api/identification", {k: v for k, v in QUERY.items() if k != "region"})
    assert own_region.status_code == 404  # region 20 has no run: nothing of region 10 leaks in
    assert list(run_rows(built.cast.zoe, federal_run)) == []
    assert list(runs_for(built.cast.zoe)) == []
    assert [r.code for r in regions_for_identification(built.cast.zoe)] == ["20"]


def test_anonymous_callers_are_asked_to_sign_in_and_tokens_work(federal_run: Run, built: Built) -> None:
    response = Client().get("/api/identification", QUERY)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    client, _raw = token_client(built.cast.kate)
    body = client.get("/api/identification", QUERY).json()
    assert [i["school_code"] for i in body["items"]] == ["1001"]


def test_the_approved_list_is_scoped_too(federal_run: Run, built: Built) -> None:
    cast = built.cast
    list_approve(actor=cast.rita, run=federal_run)
    override_set(actor=cast.rita, region=cast.r10, year=YEAR, school=cast.s3, action="include", reason="Проверка")

    def listed(user: User) -> list[str]:
        response = session_client(user).get("/api/identification/list", {"year": YEAR})
        return [i["school_code"] for i in response.json()["items"]]

    assert listed(cast.alice) == [LOW, "1003"]
    assert listed(cast.maria) == [LOW]
    assert listed(cast.vera) == ["1003"]
    assert listed(cast.kate) == []
    assert session_client(cast.zoe).get("/api/identification/list", {"year": YEAR, "region": "10"}).status_code == 404


def test_only_regional_analysts_run_approve_and_decide_by_hand(
    federal_run: Run, built: Built, rule_sets: dict[str, RuleSet]
) -> None:
    cast = built.cast
    for user in (cast.maria, cast.oleg, cast.kate, cast.sam, cast.zoe):
        with pytest.raises(AccessDenied):
            list_approve(actor=user, run=federal_run)
        with pytest.raises(AccessDenied):
            override_set(actor=user, region=cast.r10, year=YEAR, school=cast.s1, action="include", reason="Так")
        with pytest.raises(AccessDenied):
            run_create(actor=user, region=cast.r10, year=YEAR, rule_set=rule_sets["federal"], enqueue=False)
    approved = list_approve(actor=cast.rita, run=federal_run)
    assert list(approved.entries.values_list("school__code", flat=True)) == [LOW]
    override_set(actor=cast.alice, region=cast.r10, year=YEAR, school=cast.s2, action="exclude", reason="Решение")
    assert not approved.entries.exists()


def test_school_history_per_year_for_those_who_see_the_school(federal_run: Run, built: Built) -> None:
    cast = built.cast
    list_approve(actor=cast.alice, run=federal_run)
    history = school_history(cast.maria, cast.s2)
    assert [(h.year, h.listed, h.manual, h.exit) for h in history] == [(YEAR, True, False, False)]
    assert history[0].row is not None and history[0].row.low_results
    assert school_history(cast.kate, cast.s2) == []
    assert school_history(cast.zoe, cast.s2) == []
    assert school_history(cast.tom, cast.s1) == []
