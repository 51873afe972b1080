"""`opora identify`: computes and stores a run, prints one row per school."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from opora.core.models import Municipality, Region, School
from opora.identification.management.commands.identify import COLUMNS, cell
from opora.identification.models import RuleSet, Run, RunSchool, RunStatus
from tests.identification.builders import LOW, YEAR, Built


def identify(*args: str) -> str:
    out = io.StringIO()
    call_command("identify", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def csv_rows(*args: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(identify("--year", str(YEAR), "--format", "csv", *args))))


def test_csv_has_the_columns_and_the_numbers_of_the_stored_run(built: Built) -> None:
    rows = csv_rows("--rule-set", "federal", "--region", "10")
    assert rows[0] == COLUMNS
    run = Run.objects.get()
    assert run.status == RunStatus.DONE and run.created_by is None
    stored = {r.school.code: r for r in RunSchool.objects.filter(run=run).select_related("school")}
    assert [r[0] for r in rows[1:]] == built.region10
    for row in rows[1:]:
        record = stored[row[0]]
        assert row[1:] == [cell(getattr(record, name)) for name in COLUMNS[1:]]
    low = dict(zip(COLUMNS, next(r for r in rows if r[0] == LOW), strict=True))
    assert (low["low_results"], low["included"]) == ("true", "true")
    assert all(dict(zip(COLUMNS, r, strict=True))["included"] == "false" for r in rows[1:] if r[0] != LOW)


def test_table_names_the_schools(built: Built) -> None:
    lines = identify("--year", str(YEAR), "--rule-set", "quality", "--region", "10").splitlines()
    assert lines[0].split()[:3] == ["school_code", "school_name", "swi"]
    assert len(lines) == 1 + len(built.region10)
    assert "МКОУ Заречная ООШ" in next(line for line in lines if line.startswith(LOW))


def test_the_region_may_be_omitted_when_there_is_only_one(built: Built) -> None:
    with pytest.raises(CommandError, match="--region"):
        identify("--year", str(YEAR), "--rule-set", "federal")
    School.objects.filter(municipality__region=built.cast.r20).delete()
    Municipality.objects.filter(region=built.cast.r20).delete()
    Region.objects.filter(pk=built.cast.r20.pk).delete()
    rows = csv_rows("--rule-set", "federal")
    assert len(rows) == 1 + len(built.region10)


def test_unknown_rule_set_region_and_a_year_without_data_are_refused(
    built: Built, rule_sets: dict[str, RuleSet]
) -> None:
    with pytest.raises(CommandError, match="nope"):
        identify("--year", str(YEAR), "--rule-set", "nope", "--region", "10")
    with pytest.raises(CommandError, match="99"):
        identify("--year", str(YEAR), "--rule-set", "federal", "--region", "99")
    with pytest.raises(CommandError, match="2026"):
        identify("--year", "2026", "--rule-set", "federal", "--region", "10")
    failed = Run.objects.get(year=2026)
    assert failed.status == RunStatus.FAILED and "2026" in failed.error
    own = RuleSet.objects.create(code="r20-own", name="Своё", kind="federal", region=built.cast.r20)
    own.versions.create(number=1, params=rule_sets["federal"].current().params)
    with pytest.raises(CommandError):
        identify("--year", str(YEAR), "--rule-set", "r20-own", "--region", "10")
