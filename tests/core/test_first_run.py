"""A region's first run without the demo, by the commands of docs/admin.md on an empty database:
setup-region, import-schools (municipalities created on the way), import-passports, import-scales,
import-results, then `opora identify` prints the list of the region's schools."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from opora.cli import main
from opora.core import access
from opora.core.models import Municipality, Region, Role, School, User
from opora.identification.models import Run, RunStatus

pytestmark = pytest.mark.django_db

PASSWORD = "Region-Opora-2026"
SCHOOLS = [f"50{n:02d}" for n in range(1, 13)]
LOW = "5003"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> None:
    """A command run from argv closes every connection at the end; the test's must stay open."""
    monkeypatch.setattr(connections, "close_all", lambda: None)
    settings.RESULTS_DIR = tmp_path / "store"


def write(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    return path


def setup_region(*extra: str) -> None:
    main(["opora", "setup-region", "--code", "50", "--name", "Озёрная область", "--admin-username", "iro.admin",
          "--admin-email", "iro@example.org", "--admin-password", PASSWORD, *extra])


def test_setup_region_creates_the_region_and_its_administrator_once(capsys: pytest.CaptureFixture[str]) -> None:
    setup_region()
    first = capsys.readouterr().out
    setup_region()
    second = capsys.readouterr().out
    admin = User.objects.get(username="iro.admin")
    region = Region.objects.get(code="50")
    assert admin.check_password(PASSWORD) and not admin.is_superuser
    assert access.roles(admin) == {Role.REGIONAL_ADMIN}
    assert access.can_on_region(admin, access.Perm.IMPORT_SCHOOLS, region)
    assert "Озёрная область" in first and "ничего не изменено" in second.lower()
    assert Region.objects.count() == 1 and User.objects.count() == 1


def test_setup_region_refuses_a_taken_code_or_login_and_a_weak_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup_region()
    capsys.readouterr()
    for args, reason in [
        (["--code", "50", "--name", "Другая область", "--admin-username", "other"], "Озёрная область"),
        (["--code", "51", "--name", "Другая область", "--admin-username", "iro.admin"], "iro.admin"),
        (["--code", "52", "--name", "Третья область", "--admin-username", "x", "--admin-password", "123"],
         "слишком"),
    ]:
        with pytest.raises(SystemExit) as exited:
            main(["opora", "setup-region", "--admin-password", PASSWORD, *args])
        err = capsys.readouterr().err
        assert exited.value.code == 1 and reason in err and "Traceback" not in err, args
    assert list(Region.objects.values_list("code", flat=True)) == ["50"]


def results_rows() -> list[list[Any]]:
    rows: list[list[Any]] = [["процедура", "год", "код школы", "предмет", "параллель", "ученик", "первичный балл"]]
    for year in (2024, 2025):
        for index, code in enumerate(SCHOOLS):
            fails = 12 if code == LOW else 1 + index % 3
            for subject in ("math", "rus"):
                for pupil in range(30):
                    score = 4 if pupil < fails else 9 + (pupil + index) % 11
                    rows.append(["vpr", year, code, subject, 5, f"{code}-{subject}-{pupil}", score])
    return rows


def test_documented_first_run_ends_with_an_identification_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_region()
    schools = write(tmp_path / "schools.csv", [
        ["код", "наименование", "муниципалитет", "тип", "тип поселения", "численность"],
        *[[code, f"МБОУ СОШ № {code[-2:]}", "Северный район" if n % 2 else "Южный район", "СОШ",
           "город" if n % 3 else "село", 200 + n] for n, code in enumerate(SCHOOLS)],
    ])
    passports = write(tmp_path / "passports.csv", [
        ["код школы", "год", "малообеспеченные семьи", "оба родителя с высшим образованием"],
        *[[code, 2025, "0,5" if code == LOW else f"0,{10 + n}", "0,05" if code == LOW else f"0,{30 + n}"]
          for n, code in enumerate(SCHOOLS)],
    ])
    scales = write(tmp_path / "scales.csv", [
        ["процедура", "год", "предмет", "параллель", "максимальный балл", "отметка 3 от", "отметка 4 от",
         "отметка 5 от"],
        *[["ВПР", year, subject, 5, 20, 8, 12, 17] for year in (2024, 2025) for subject in ("math", "rus")],
    ])
    results = write(tmp_path / "results.csv", results_rows())
    for command, path in [("import-schools", schools), ("import-passports", passports),
                          ("import-scales", scales), ("import-results", results)]:
        main(["opora", command, str(path), "--user", "iro.admin"])
    capsys.readouterr()
    assert set(Municipality.objects.values_list("name", flat=True)) == {"Северный район", "Южный район"}
    assert School.objects.filter(municipality__region__code="50").count() == len(SCHOOLS)

    main(["opora", "identify", "--year", "2025", "--rule-set", "municipal", "--format", "csv"])
    printed = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(printed.out)))
    assert sorted(r["school_code"] for r in rows) == SCHOOLS
    low = next(r for r in rows if r["school_code"] == LOW)
    assert low["low_results"] == "true" and low["included"] == "true"
    assert Run.objects.get().status == RunStatus.DONE and "12" in printed.err
