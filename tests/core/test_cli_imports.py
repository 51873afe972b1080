"""`opora import-schools` and `opora import-passports`: the same services, from a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connections

from opora.cli import main
from opora.core.models import School, SocialPassport
from tests.conftest import Cast
from tests.core.imports_files import SCHOOL_HEADER, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command run from argv closes every connection at the end; the test's must stay open."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def test_import_schools_prints_the_summary_and_exits_with_zero(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx", [SCHOOL_HEADER[:5], ["9201", "Школа", "10-01", "СОШ", "город"]]
    )
    main(["opora", "import-schools", str(path), "--user", "oleg"])
    first = capsys.readouterr().out
    main(["opora", "import-schools", str(path), "--user", "oleg"])
    second = capsys.readouterr().out
    assert School.objects.get(code="9201").municipality == cast.m1
    assert first.strip() and second.strip() and first != second  # created 1, then unchanged 1


def test_bad_file_prints_errors_to_stderr_and_exits_with_one(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [
            SCHOOL_HEADER[:5],
            ["9202", "Своя", "10-01", "СОШ", "город"],
            ["9203", "Чужая", "10-02", "СОШ", "город"],
        ],
    )
    with pytest.raises(SystemExit) as exited:
        main(["opora", "import-schools", str(path), "--user", "oleg"])
    err = capsys.readouterr().err
    assert exited.value.code == 1
    assert "3" in err and "municipality" in err and "Лесной район" in err
    assert not School.objects.filter(code__in=["9202", "9203"]).exists()


def test_import_passports_runs_as_the_installation_admin_without_user(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cast.nobody.is_superuser = True
    cast.nobody.save()
    path = write_csv(
        tmp_path / "p.csv",
        [["код школы", "год", "учителя"], ["2001", "2024", "30"]],
        encoding="cp1251",
    )
    main(["opora", "import-passports", str(path)])
    passport = SocialPassport.objects.get(school=cast.s4, year=2024)
    assert passport.teachers == 30 and passport.history.first().history_user == cast.nobody


def test_without_user_and_without_an_admin_the_command_fails(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(
        tmp_path / "p.csv", [["school_code", "year", "teachers"], ["2001", "2024", "30"]]
    )
    with pytest.raises(SystemExit) as exited:
        main(["opora", "import-passports", str(path)])
    assert exited.value.code == 1 and "--user" in capsys.readouterr().err


def test_user_without_the_right_is_refused(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(
        tmp_path / "p.csv", [["school_code", "year", "teachers"], ["1001", "2024", "30"]]
    )
    with pytest.raises(SystemExit) as exited:
        main(["opora", "import-passports", str(path), "--user", "sam"])
    assert exited.value.code == 1 and "sam" in capsys.readouterr().err
    assert not SocialPassport.objects.filter(year=2024).exists()


def test_missing_file_is_reported_not_a_traceback(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["opora", "import-schools", str(tmp_path / "none.xlsx"), "--user", "alice"])
    err = capsys.readouterr().err
    assert exited.value.code == 1 and "Traceback" not in err and err.strip()


def test_sheet_option_reads_the_named_sheet_and_a_wrong_name_lists_the_sheets(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = "Справка"
    first.append(SCHOOL_HEADER[:5])
    first.append(["9301", "Не эта", "10-01", "СОШ", "город"])
    data = book.create_sheet("Школы")
    data.append(SCHOOL_HEADER[:5])
    data.append(["9302", "Эта", "10-01", "СОШ", "город"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    main(["opora", "import-schools", str(path), "--user", "oleg", "--sheet", "Школы"])
    assert set(School.objects.filter(code__in=["9301", "9302"]).values_list("code", flat=True)) == {"9302"}
    with pytest.raises(SystemExit) as exited:
        main(["opora", "import-schools", str(path), "--user", "oleg", "--sheet", "Лист9"])
    err = capsys.readouterr().err
    assert exited.value.code == 1 and "«Справка»" in err and "«Школы»" in err
    with pytest.raises(SystemExit):
        main(["opora", "import-scales", str(path), "--user", "alice", "--sheet", "Школы"])
    assert "--sheet" in capsys.readouterr().err
