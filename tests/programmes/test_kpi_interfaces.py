"""`opora kpi` and `GET /api/kpis`: the same figures, scoped by access in the API."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from tests.conftest import Cast
from tests.programmes.builders import known_programme

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("kpi", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_plan_against_fact_as_csv(cast: Cast) -> None:
    known_programme(cast)
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(_run("--year", "2026", "--programme", "r10-shnor",
                                                                   "--format", "csv")))}
    assert rows["positive_dynamics"]["target_pct"] == "70"
    assert rows["positive_dynamics"]["fact_pct"] == "50"
    assert rows["positive_dynamics"]["schools_missing"] == "1"
    assert rows["network_partnership"]["fact_pct"] == "33.3"
    assert rows["network_partnership"]["status"] == "achieved"


def test_the_command_leaves_a_value_without_data_empty_and_says_what_is_missing(cast: Cast) -> None:
    known_programme(cast)
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(_run("--year", "2027", "--programme", "r10-shnor",
                                                                   "--format", "csv")))}
    assert rows["list_exit"]["fact_pct"] == ""
    assert rows["list_exit"]["status"] == "no_data"
    assert "2027" in rows["list_exit"]["missing"]


def test_the_command_table_names_the_indicators(cast: Cast) -> None:
    known_programme(cast)
    text = _run("--year", "2026", "--programme", "r10-shnor")
    assert "positive_dynamics" in text and "50" in text


def test_an_unknown_programme_is_named_with_the_known_ones(cast: Cast) -> None:
    known_programme(cast)
    with pytest.raises(CommandError, match="r10-shnor"):
        _run("--year", "2026", "--programme", "nope")


def _api(user, **params) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get("/api/kpis", params)
    return response.status_code, response.json()


@time_machine.travel("2026-11-23 12:00 +0300", tick=False)
def test_the_api_gives_the_regional_admin_every_school_behind_a_number(cast: Cast) -> None:
    known_programme(cast)
    status, body = _api(cast.alice, year=2026, programme="r10-shnor")
    assert status == 200
    assert body["schools"] == 3
    kpi = next(k for k in body["kpis"] if k["code"] == "positive_dynamics")
    assert kpi["fact_pct"] == 50.0 and kpi["target_pct"] == 70.0 and kpi["status"] == "not_achieved"
    assert kpi["hit_codes"] == ["1001"] and kpi["missing_codes"] == ["1003"]
    empty = next(k for k in (_api(cast.alice, year=2027, programme="r10-shnor")[1]["kpis"])
                 if k["code"] == "list_exit")
    assert empty["fact_pct"] is None and empty["status"] == "no_data"


def test_a_municipal_coordinator_sees_the_values_but_only_its_schools_behind_them(cast: Cast) -> None:
    known_programme(cast)
    status, body = _api(cast.maria, year=2026, programme="r10-shnor")
    assert status == 200
    kpi = next(k for k in body["kpis"] if k["code"] == "list_exit")
    assert kpi["numerator"] == 2 and kpi["denominator"] == 3  # the whole programme's value
    assert kpi["hit_codes"] == ["1002"]  # s3 (municipality 2) is not listed to her


def test_other_regions_and_users_without_roles_do_not_see_the_programme(cast: Cast) -> None:
    known_programme(cast)
    for user in (cast.zoe, cast.nobody):
        status, body = _api(user, year=2026, programme="r10-shnor")
        assert status == 404, user.username
