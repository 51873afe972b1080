"""`opora cases export` (the enhanced-control XLSX, read back with openpyxl) and `opora cases remind`."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone
from openpyxl import load_workbook

from opora.cases.models import Outcome
from opora.cli import main
from opora.jobs.periodic import JOB_TITLES, PERIODIC_JOBS
from opora.notifications.models import Notification
from tests.cases.test_api import YEAR, decided, make_case
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def cases(*args: str) -> str:
    out = io.StringIO()
    call_command("cases", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def sheet_rows(path: Path) -> list[list[object]]:
    sheet = load_workbook(path, read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def confirmed(cast: Cast) -> None:
    """Confirmed cases of YEAR in both regions, one not confirmed and one confirmed a year earlier."""
    decided(cast, make_case(cast.s1))
    s4 = make_case(cast.s4, procedure="oge")
    s4.state, s4.outcome, s4.reason, s4.decided_at = "decided", Outcome.CONFIRMED, "Перепроверка", timezone.now()
    s4.save()
    decided(cast, make_case(cast.s1, procedure="oge"), outcome=Outcome.NOT_CONFIRMED)
    decided(cast, make_case(cast.s1, year=YEAR - 1))


def test_export_writes_the_enhanced_control_list_of_every_region(
    cast: Cast, confirmed: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    printed = cases("export", "--year", str(YEAR))
    path = tmp_path / f"enhanced-control-{YEAR + 1}.xlsx"
    assert str(path) in printed and "Записан файл" in printed and f"в {YEAR + 1} году: 2" in printed
    header, *rows = sheet_rows(path)
    assert header == ["Регион", "Муниципалитет", "Код школы", "Школа", "Процедура", "Работы", "Решение по делу",
                      "Причина"]
    assert [(r[0], r[2], r[4]) for r in rows] == [("Северная область", "1001", "VPR"),
                                                  ("Южная область", "2001", "OGE")]
    first = rows[0]
    assert (first[1], first[3], first[5]) == ("Озёрский округ", cast.s1.name, "math 5")
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", str(first[6])) and first[7] == "Пик у границы отметки «3»"


def test_export_of_one_region_into_a_named_file(cast: Cast, confirmed: None, tmp_path: Path) -> None:
    out = tmp_path / "control.xlsx"
    printed = cases("export", "--year", str(YEAR), "--region", "20", "--output", str(out))
    assert str(out) in printed and printed.strip().endswith(": 1.")
    assert [r[2] for r in sheet_rows(out)[1:]] == ["2001"]
    empty = tmp_path / "none.xlsx"
    assert printed_count(cases("export", "--year", str(YEAR + 1), "--output", str(empty))) == 0
    assert len(sheet_rows(empty)) == 1  # the header only


def printed_count(text: str) -> int:
    return int(text.strip().rstrip(".").rsplit(" ", 1)[-1])


def test_a_bad_year_region_or_folder_is_refused_in_russian(cast: Cast, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Год должен быть от 1990 до 2100"):
        cases("export", "--year", "1800", "--output", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="Нет региона с кодом «99»"):
        cases("export", "--year", str(YEAR), "--region", "99")
    with pytest.raises(CommandError, match="Папки"):
        cases("export", "--year", str(YEAR), "--output", str(tmp_path / "no" / "x.xlsx"))
    assert not list(tmp_path.iterdir())


def test_the_console_script_exits_non_zero_on_a_bad_year(
    cast: Cast, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test's connection
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["opora", "cases", "export", "--year", "1800"])
    assert exit_.value.code != 0
    assert "Год должен быть от 1990 до 2100" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_remind_prints_how_many_went_out_and_sends_nothing_twice(cast: Cast) -> None:
    make_case(cast.s1, due_in=2)  # due soon: the head
    make_case(cast.s2, due_in=-1)  # overdue: the municipality and the region (s2 has no head)
    assert cases("remind").strip() == "Отправлено напоминаний по делам о признаках необъективности: 3."
    assert set(Notification.objects.values_list("user__username", "verb")) == {
        ("sam", "case_due"), ("maria", "case_overdue"), ("rita", "case_overdue")}
    assert cases("remind").strip().endswith(": 0.")
    later = (timezone.localdate() + timedelta(days=5)).isoformat()
    assert cases("remind", "--date", later).strip().endswith(": 3.")  # s1 is overdue by then, for three people
    with pytest.raises(CommandError, match="ГГГГ-ММ-ДД"):
        cases("remind", "--date", "31.12.2025")


def test_the_reminders_are_a_periodic_job(cast: Cast) -> None:
    make_case(cast.s1, due_in=1)
    assert PERIODIC_JOBS["cases_remind"]() == "Отправлено напоминаний по делам о признаках необъективности: 1."
    assert str(JOB_TITLES["cases_remind"]) == "Напоминания по делам о признаках необъективности"
