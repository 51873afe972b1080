"""`GET /api/identification` and `GET /api/identification/list`."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opora.core.models import User
from opora.identification.management.commands.identify import COLUMNS, cell
from opora.identification.models import RuleSet, Run
from opora.identification.services import list_approve, override_set
from tests.api.conftest import session_client
from tests.identification.builders import LOW, YEAR, Built

QUERY = {"year": YEAR, "rule_set": "federal", "region": "10", "limit": 1000}


def api_rows(user: User, **params: Any) -> list[dict[str, Any]]:
    response = session_client(user).get("/api/identification", {**QUERY, **params})
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_api_rows_equal_the_command_line_rows_of_the_same_run(built: Built) -> None:
    out = io.StringIO()
    call_command("identify", "--year", str(YEAR), "--rule-set", "federal", "--region", "10", "--format", "csv",
                 stdout=out, stderr=io.StringIO())
    printed = list(csv.reader(io.StringIO(out.getvalue())))[1:]
    body = session_client(built.cast.alice).get("/api/identification", QUERY).json()
    assert body["run"]["id"] == Run.objects.get().pk
    assert [[cell(item[c]) for c in COLUMNS] for item in body["items"]] == printed
    assert body["count"] == len(built.region10) == body["run"]["schools"]
    low = next(i for i in body["items"] if i["school_code"] == LOW)
    assert (low["school_name"], low["municipality_code"]) == ("МКОУ Заречная ООШ", "10-01")
    assert (low["low_results"], low["included"], low["in_list"], low["manual"]) == (True, True, None, None)


def test_the_newest_finished_run_is_shown_with_the_list_and_manual_decisions(
    federal_run: Run, built: Built
) -> None:
    cast = built.cast
    list_approve(actor=cast.alice, run=federal_run)
    override_set(actor=cast.rita, region=cast.r10, year=YEAR, school=cast.s2, action="exclude",
                 reason="Школа реорганизована")
    override_set(actor=cast.rita, region=cast.r10, year=YEAR, school=cast.s1, action="include",
                 reason="Жалобы родителей")
    body = session_client(cast.alice).get("/api/identification", QUERY).json()
    assert body["list_approved"] is True
    items = {i["school_code"]: i for i in body["items"]}
    assert (items[LOW]["included"], items[LOW]["in_list"], items[LOW]["manual"]) == (True, False, "exclude")
    assert items[LOW]["manual_reason"] == "Школа реорганизована"
    assert (items["1001"]["included"], items["1001"]["in_list"], items["1001"]["manual"]) == (False, True, "include")
    assert items["1004"]["in_list"] is False and items["1004"]["manual"] is None
    page = session_client(cast.alice).get("/api/identification", {**QUERY, "limit": 2, "offset": 2}).json()
    assert [i["school_code"] for i in page["items"]] == built.region10[2:4]
    assert page["count"] == len(built.region10)


def test_no_run_yet_is_404_with_a_sentence(built: Built, rule_sets: dict[str, RuleSet]) -> None:
    response = session_client(built.cast.alice).get("/api/identification", {**QUERY, "rule_set": "quality"})
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found" and body["detail"] and body["errors"] == []
    unknown = session_client(built.cast.alice).get("/api/identification", {**QUERY, "rule_set": "nope"})
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["field"] == "rule_set"


def test_the_region_defaults_to_the_only_one_and_must_be_chosen_among_several(federal_run: Run, built: Built) -> None:
    query = {"year": YEAR, "rule_set": "federal"}
    assert session_client(built.cast.rita).get("/api/identification", query).json()["region"] == "10"
    root = User.objects.create_superuser(username="root", password="x-Opora-2026", email="root@example.org")
    response = session_client(root).get("/api/identification", query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "region_required" and body["errors"][0]["field"] == "region"
    assert "10" in body["detail"] and "20" in body["detail"]
    assert session_client(root).get("/api/identification", {**query, "region": "10"}).status_code == 200


def test_the_approved_list_with_manual_inclusions(federal_run: Run, built: Built) -> None:
    cast = built.cast
    client = session_client(cast.alice)
    missing = client.get("/api/identification/list", {"year": YEAR})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    list_approve(actor=cast.alice, run=federal_run, comment="Приказ № 12")
    override_set(actor=cast.alice, region=cast.r10, year=YEAR, school=cast.s3, action="include",
                 reason="Жалобы родителей")
    body = client.get("/api/identification/list", {"year": YEAR}).json()
    assert (body["region"], body["run"], body["rule_set"], body["comment"]) == ("10", federal_run.pk, "federal",
                                                                                 "Приказ № 12")
    assert [(i["school_code"], i["manual"], i["reason"]) for i in body["items"]] == [
        (LOW, False, ""), ("1003", True, "Жалобы родителей")]


def queries(user: User, path: str, params: dict[str, Any]) -> int:
    client = session_client(user)
    client.get(path, params)  # the session and the user's roles warm up
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params).status_code == 200
    return len(captured.captured_queries)


def test_the_api_reads_no_row_by_row(federal_run: Run, built: Built) -> None:
    """The number of queries does not grow with the number of schools shown (1 for kate, 15 for alice)."""
    cast = built.cast
    list_approve(actor=cast.alice, run=federal_run)
    for school in (cast.s1, cast.s3):
        override_set(actor=cast.alice, region=cast.r10, year=YEAR, school=school, action="include", reason="Так")
    assert queries(cast.kate, "/api/identification", QUERY) == queries(cast.alice, "/api/identification", QUERY)
    listed = {"year": YEAR}
    assert queries(cast.kate, "/api/identification/list", listed) == \
        queries(cast.alice, "/api/identification/list", listed)
