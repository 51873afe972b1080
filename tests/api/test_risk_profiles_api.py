"""`GET /api/risk-profiles`: the stored risk profiles of a year, scoped like the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from opora.core.models import User
from opora.diagnostics.models import Profile
from tests.api.conftest import session_client, token_client
from tests.conftest import Cast
from tests.diagnostics.builders import make_campaign
from tests.diagnostics.test_heatmap import make_profile

URL = "/api/risk-profiles"


@pytest.fixture
def profiles(cast: Cast) -> dict[str, Profile]:
    """2026 entry: s1 (verified, motivation raised to high and selected), s2 (weak answers) in m1;
    s3 in m2; and an exit-wave profile of s1."""
    campaign = make_campaign(municipality=cast.m1, schools=[cast.s1, cast.s2])
    other = make_campaign(municipality=cast.m2, schools=[cast.s3])
    exit_wave = make_campaign(municipality=cast.m1, schools=[cast.s1], wave="exit")
    return {
        "s1": make_profile(campaign, cast.s1, {"motivation": ("medium", 0.55), "equipment": ("", None)},
                           verified={"motivation": "high"}, selected=("motivation",), status="verified"),
        "s2": make_profile(campaign, cast.s2, {"motivation": ("high", 0.8)}, trusted=False,
                           weak_reasons=[{"code": "too_few", "group": "pupil", "used": 3, "min": 10}]),
        "s3": make_profile(other, cast.s3),
        "s1_exit": make_profile(exit_wave, cast.s1, {"motivation": ("low", 0.3)}),
    }


def items(user: User, **params: Any) -> list[dict[str, Any]]:
    response = session_client(user).get(URL, {"year": 2026, **params})
    assert response.status_code == 200, response.content
    return response.json()


def schools(user: User, **params: Any) -> list[tuple[str, str]]:
    return [(i["school_code"], i["wave"]) for i in items(user, **params)]


def test_each_role_reads_exactly_its_schools(cast: Cast, profiles: dict[str, Profile]) -> None:
    assert schools(cast.maria) == [("1001", "entry"), ("1001", "exit"), ("1002", "entry")]
    assert schools(cast.kate) == [("1001", "entry"), ("1001", "exit")]
    assert schools(cast.alice) == [("1001", "entry"), ("1001", "exit"), ("1002", "entry"), ("1003", "entry")]
    assert schools(cast.olga) == [("1003", "entry")]
    assert schools(cast.zoe) == []


def test_teachers_and_people_without_roles_are_refused_and_strangers_must_sign_in(
    cast: Cast, profiles: dict[str, Profile]
) -> None:
    for user in (cast.tom, cast.mila, cast.nobody):
        response = session_client(user).get(URL, {"year": 2026})
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    anonymous = Client().get(URL, {"year": 2026})
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"


def test_a_personal_token_reads_the_same_as_the_session(cast: Cast, profiles: dict[str, Profile]) -> None:
    client, _raw = token_client(cast.kate)
    response = client.get(URL, {"year": 2026})
    assert response.status_code == 200
    assert response.json() == items(cast.kate)


def test_the_year_is_required_and_checked_in_the_one_error_shape(cast: Cast, profiles: dict[str, Profile]) -> None:
    for params in ({}, {"year": "soon"}, {"year": 1989}, {"year": 2026, "wave": "middle"}):
        response = session_client(cast.maria).get(URL, params)
        assert response.status_code == 422, params
        body = response.json()
        assert body["code"] == "validation_error" and body["detail"]
        assert body["errors"][0]["field"] in {"year", "wave"} and body["errors"][0]["message"]


def test_the_filters_narrow_but_never_widen_the_scope(cast: Cast, profiles: dict[str, Profile]) -> None:
    assert schools(cast.alice, wave="exit") == [("1001", "exit")]
    assert schools(cast.alice, municipality=cast.m2.code) == [("1003", "entry")]
    assert schools(cast.alice, school="1002") == [("1002", "entry")]
    assert schools(cast.maria, school="1003") == []
    assert schools(cast.maria, year=2025) == []


def test_values_equal_the_stored_rows(cast: Cast, profiles: dict[str, Profile]) -> None:
    s1 = items(cast.kate, wave="entry")[0]
    stored = profiles["s1"]
    assert (s1["school_name"], s1["municipality_code"], s1["year"], s1["wave"]) == (
        cast.s1.name, cast.m1.code, 2026, "entry")
    assert s1["campaign_id"] == stored.campaign_school.campaign_id
    assert s1["campaign_title"] == stored.campaign_school.campaign.title
    assert s1["instrument_version"] == f"{stored.version.instrument.code} v{stored.version.number}"
    assert (s1["status"], s1["trusted"], s1["weak_reasons"]) == ("verified", True, [])
    assert s1["verified_at"] is not None and s1["computed_at"] is not None
    assert [f["factor"] for f in s1["factors"]] == [f.factor for f in stored.factors.order_by("position")]
    motivation = next(f for f in s1["factors"] if f["factor"] == "motivation")
    assert motivation == {"factor": "motivation", "name": "Низкая учебная мотивация обучающихся", "score": 0.55,
                          "level": "medium", "verified_level": "high", "final_level": "high",
                          "verified_reason": "Обсудили со школой", "selected": True}
    equipment = next(f for f in s1["factors"] if f["factor"] == "equipment")
    assert (equipment["score"], equipment["level"], equipment["final_level"]) == (None, "", "")
    s2 = items(cast.maria, school="1002")[0]
    assert (s2["status"], s2["trusted"]) == ("computed", False)
    assert s2["weak_reasons"] == [{"code": "too_few", "group": "pupil", "used": 3, "min": 10}]


def test_many_profiles_take_a_few_queries(cast: Cast, profiles: dict[str, Profile],
                                          django_assert_max_num_queries: Any) -> None:
    client = session_client(cast.alice)
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"year": 2026})
    assert len(response.json()) == 4
