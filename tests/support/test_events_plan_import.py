"""A municipal plan of events imported from a table (seed 004's plan): all or nothing, no duplicates."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook, load_workbook

from opora.core.errors import AccessDenied
from opora.core.models import User
from opora.support.imports_events import events_plan_import, guess_kind, plain_text
from opora.support.models import Event
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

HEADER = ["№ п/п", "Наименование мероприятия (краткое содержание)", "Сроки исполнения",
          "Ответственные исполнители", "Ожидаемый результат"]
# Rows of seed 004 (Оренбург, 2023-2024), with its continuation line and stray HTML.
SEED = [
    ["1.", "Выявление проблемных зон образовательной организации", "Август – октябрь 2023 года",
     "руководители МОО, координаторы от УО", "Анализ проблемных зон образовательной организации"],
    ["2.", "Утверждение списка образовательных организаций – партнеров", "До 20 октября 2023",
     "Долгополова Н.В.", "Распоряжение УО"],
    ["4.", "Корректировка муниципального плана мероприятий", "В течение 2023-2024 учебного года",
     "Долгополова Н.В., координаторы от УО", "Скорректированный план мероприятий"],
    ["6.", "Организация консультационного сопровождения со стороны представителей", "В течение 2023-2024 "
     "учебного года", "Долгополова Н.В., координаторы от", "Создание единого информационного пространства"],
    [None, "образовательных результатов (школ-партнеров)", None, "УО", "качества образования в ШНОР"],
    ["9.", "Мониторинг профессиональных проблем и дефицитов педагогов", "Октябрь-ноябрь 2023 года",
     "Координаторы от УО", "Принятие управленческих решений."],
    ["12.", "<p>Реализация программ (модулей) повышения квалификации</p>", "<p>январь – май 2024 года</p>",
     "<p>Руководители МОО,\nМАУ «Импульс-центр»</p>", "<p>Обучение педагогов</p>"],
    ["13.", "<p>Совещание и собеседования при заместителе начальника управления</p>", "<p>по отдельному плану</p>",
     "<p>Долгополова Н.В.</p>", "<p>Мониторинг реализации дорожной карты</p>"],
    ["14.", "Проведение организационно-методических совещаний", "в течение всего периода",
     "Долгополова Н.В.", "Система комплексного научно-методического сопровождения ШНОР"],
]


def plan_file(tmp_path: Path, rows: list[list[Any]], header: list[str] | None = None, name: str = "plan.xlsx",
              title: bool = True) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append(["Муниципальный план мероприятий по поддержке ШНОР на 2023-2024 учебный год"])
        sheet.append([])
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_seed_plan_imports_every_event_with_its_dates(cast: Cast, tmp_path: Path) -> None:
    outcome = events_plan_import(actor=cast.maria, path=plan_file(tmp_path, SEED), academic_year=2023,
                                 municipality=cast.m1)
    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated) == (8, 0)
    events = {e.period_text: e for e in Event.objects.filter(municipality=cast.m1)}
    assert len(events) == 7  # two rows share «В течение 2023-2024 учебного года»
    first = events["Август – октябрь 2023 года"]
    assert (first.starts_on, first.ends_on) == (datetime.date(2023, 8, 1), datetime.date(2023, 10, 31))
    deadline = events["До 20 октября 2023"]
    assert (deadline.starts_on, deadline.ends_on) == (datetime.date(2023, 9, 1), datetime.date(2023, 10, 20))
    courses = events["январь – май 2024 года"]
    assert courses.title == "Реализация программ (модулей) повышения квалификации" and courses.kind == "course"
    assert courses.responsible == "Руководители МОО, МАУ «Импульс-центр»"
    assert (courses.starts_on, courses.ends_on) == (datetime.date(2024, 1, 1), datetime.date(2024, 5, 31))
    vague = events["по отдельному плану"]
    assert (vague.starts_on, vague.ends_on) == (datetime.date(2023, 9, 1), datetime.date(2024, 8, 31))
    assert vague.kind == "meeting" and vague.region == cast.r10 and vague.created_by == cast.maria
    joined = Event.objects.get(title__startswith="Организация консультационного")
    assert joined.title.endswith("со стороны представителей образовательных результатов (школ-партнеров)")
    assert joined.responsible == "Долгополова Н.В., координаторы от УО"
    assert joined.expected_result == "Создание единого информационного пространства качества образования в ШНОР"
    assert events["Октябрь-ноябрь 2023 года"].kind == "other"


def test_importing_again_updates_rather_than_duplicates(cast: Cast, tmp_path: Path) -> None:
    path = plan_file(tmp_path, SEED)
    events_plan_import(actor=cast.maria, path=path, academic_year=2023, municipality=cast.m1)
    again = events_plan_import(actor=cast.maria, path=path, academic_year=2023, municipality=cast.m1)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 8)
    changed = [list(r) for r in SEED]
    changed[1][3] = "Иванова И.И."
    third = events_plan_import(actor=cast.maria, path=plan_file(tmp_path, changed, name="v2.xlsx"),
                               academic_year=2023, municipality=cast.m1)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 7)
    assert Event.objects.filter(municipality=cast.m1).count() == 8
    assert Event.objects.get(period_text="До 20 октября 2023").responsible == "Иванова И.И."
    # Another municipality's plan with the same rows is its own.
    other = events_plan_import(actor=cast.alice, path=path, academic_year=2023, municipality=cast.m2)
    assert other.created == 8 and Event.objects.count() == 16


def test_a_bad_row_rejects_the_whole_file_with_row_column_and_reason(cast: Cast, tmp_path: Path) -> None:
    header = [*HEADER, "код школы"]
    rows = [[*SEED[0], "1001"], ["2.", "Семинар для заместителей", "31.02.2024", "", "", ""],
            ["3.", "Мастер-класс", "март 2024", "", "", "1003"], ["4.", None, "май 2024", "УО", "", ""]]
    outcome = events_plan_import(actor=cast.maria, path=plan_file(tmp_path, rows, header), academic_year=2023,
                                 municipality=cast.m1)
    assert not outcome.ok
    found = {(e.row, e.column): e.message for e in outcome.errors}
    assert set(found) == {(5, "Сроки исполнения"), (6, "код школы"), (7, "Наименование мероприятия (краткое "
                                                                           "содержание)")}
    assert "31.02.2024" in found[(5, "Сроки исполнения")] and "не существует" in found[(5, "Сроки исполнения")]
    assert "1003" in found[(6, "код школы")]
    assert not Event.objects.exists()
    missing = events_plan_import(actor=cast.maria, path=plan_file(tmp_path, [["x"]], ["сроки"], name="m.xlsx"),
                                 academic_year=2023, municipality=cast.m1)
    assert not missing.ok and "мероприятие" in str(missing.errors[0])


def test_only_who_plans_the_territory_may_import(cast: Cast, tmp_path: Path) -> None:
    path = plan_file(tmp_path, SEED)
    for actor, where in ((cast.sam, {"municipality": cast.m1}), (cast.kate, {"municipality": cast.m1}),
                         (cast.maria, {"municipality": cast.m2}), (cast.maria, {"region": cast.r10})):
        with pytest.raises(AccessDenied):
            events_plan_import(actor=actor, path=path, academic_year=2023, **where)
    regional = events_plan_import(actor=cast.alice, path=path, academic_year=2023, region=cast.r10)
    assert regional.created == 8 and Event.objects.filter(municipality__isnull=True, region=cast.r10).count() == 8
    assert client_for(cast.sam).get("/events/plan-import/").status_code == 403
    assert client_for(cast.kate).get("/events/plan-import/").status_code == 403
    assert client_for(cast.sam).get("/events/plan-import/template.xlsx").status_code == 403


def test_the_page_runs_the_import_as_a_job(cast: Cast, tmp_path: Path,
                                           django_capture_on_commit_callbacks: Any) -> None:
    client = client_for(cast.maria)
    home = client.get("/events/").content.decode()
    assert "/events/plan-import/" in home
    page = client.get("/events/plan-import/").content.decode()
    assert "Загрузить план мероприятий" in page and f'value="m{cast.m1.pk}"' in page
    assert f'value="m{cast.m2.pk}"' not in page
    with plan_file(tmp_path, SEED).open("rb") as f, django_capture_on_commit_callbacks(execute=True):
        response = client.post("/events/plan-import/", {"territory": f"m{cast.m1.pk}", "year": 2023, "file": f})
    assert response.status_code == 302 and "?job=" in response["Location"]
    done = client.get(response["Location"]).content.decode()
    assert "создано 8" in done
    assert Event.objects.filter(municipality=cast.m1).count() == 8
    # Another municipality's plan: refused by the form, what was typed is kept, nothing started.
    with plan_file(tmp_path, SEED).open("rb") as f:
        refused = client.post("/events/plan-import/", {"territory": f"m{cast.m2.pk}", "year": 2031, "file": f})
    assert refused.status_code == 200 and 'value="2031"' in refused.content.decode()
    assert Event.objects.filter(municipality=cast.m2).count() == 0
    # A rejected file: the job lists the errors in Russian, nothing is saved.
    bad = plan_file(tmp_path, [["1.", "Семинар", "31.02.2024", "", ""]], name="bad.xlsx")
    with bad.open("rb") as f, django_capture_on_commit_callbacks(execute=True):
        response = client.post("/events/plan-import/", {"territory": f"m{cast.m1.pk}", "year": 2023, "file": f})
    failed = client.get(response["Location"]).content.decode()
    assert "31.02.2024" in failed and "не существует" in failed and "Traceback" not in failed
    assert Event.objects.filter(municipality=cast.m1).count() == 8
    template = client.get("/events/plan-import/template.xlsx")
    assert template.status_code == 200
    (tmp_path / "t.xlsx").write_bytes(template.content)
    sheet = load_workbook(tmp_path / "t.xlsx").active
    assert sheet is not None and sheet["B1"].value == "мероприятие"


def test_an_excel_date_in_the_period_cell(cast: Cast, tmp_path: Path) -> None:
    path = plan_file(tmp_path, [["1", "Деловая игра «Управление»", datetime.date(2024, 3, 12), "УО", "Решения"]],
                     title=False)
    outcome = events_plan_import(actor=cast.maria, path=path, academic_year=2023, municipality=cast.m1)
    assert outcome.ok, outcome.errors
    event = Event.objects.get()
    assert (event.period_text, event.starts_on, event.ends_on, event.kind) == (
        "12.03.2024", datetime.date(2024, 3, 12), None, "business_game")


def test_a_csv_plan_without_a_number_column(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("Мероприятие;Срок;Ответственный;Результат;Форма\n"
                    "Форсайт-сессия «Школа будущего»;15.11.2023;Методисты;Дорожная карта;\n"
                    ";;и кураторы;;\n"
                    "Встреча с родителями;в течение года;Директора;Протокол;вебинар\n", encoding="utf-8")
    outcome = events_plan_import(actor=cast.maria, path=path, academic_year=2023, municipality=cast.m1)
    assert outcome.ok, outcome.errors
    foresight = Event.objects.get(title="Форсайт-сессия «Школа будущего»")
    assert (foresight.kind, foresight.starts_on, foresight.ends_on) == ("foresight", datetime.date(2023, 11, 15),
                                                                        None)
    assert foresight.responsible == "Методисты и кураторы"
    assert Event.objects.get(title="Встреча с родителями").kind == "seminar"


def test_cli_imports_a_municipal_plan(cast: Cast, tmp_path: Path) -> None:
    out = StringIO()
    path = plan_file(tmp_path, SEED)
    call_command("import_events_plan", str(path), "--municipality", cast.m1.code, "--year", "2023",
                 "--user", "maria", stdout=out)
    assert "создано 8" in out.getvalue()
    assert Event.objects.filter(municipality=cast.m1).count() == 8
    with pytest.raises(CommandError):
        call_command("import_events_plan", str(path), "--municipality", cast.m2.code, "--user", "maria")
    err = StringIO()
    bad = plan_file(tmp_path, [["1.", "Семинар", "31.02.2024", "", ""]], name="bad.xlsx")
    with pytest.raises(CommandError):
        call_command("import_events_plan", str(bad), "--region", cast.r10.code, "--user", "alice", stderr=err)
    assert "31.02.2024" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("import_events_plan", str(path), "--municipality", "nope")


def test_the_sample_of_the_docs_imports(cast: Cast) -> None:
    sample = Path(__file__).resolve().parents[2] / "docs" / "samples" / "events-plan.xlsx"
    outcome = events_plan_import(actor=cast.maria, path=sample, academic_year=2023, municipality=cast.m1)
    assert outcome.ok, outcome.errors
    assert outcome.created == 16  # seed 004's rows 1–17 without 7, continuation lines joined
    monitoring = Event.objects.get(title__startswith="Проведение мониторинга")
    assert monitoring.period_text == "По плану УО" and "<" not in monitoring.title
    assert len(monitoring.title) <= 500
    assert monitoring.description.endswith("демонстрирующих низкие образовательные результаты")
    assert Event.objects.filter(period_text="в течение всего периода").count() == 4


def test_cells_lose_html_and_kinds_come_from_titles() -> None:
    assert plain_text("<p>Совещание&nbsp;и\n собеседования</p> <ul><li>- ГИА;</li><li>- ВПР</li></ul>") == \
        "Совещание и собеседования - ГИА; - ВПР"
    assert plain_text("&lt;p&gt;План&lt;/p&gt; 5 &lt; 7") == "План 5 < 7"
    assert plain_text(datetime.date(2023, 10, 20)) == "20.10.2023"
    assert guess_kind("Мастер-класс «Урок»") == "master_class"
    assert guess_kind("Деловая игра для директоров") == "business_game"
    assert guess_kind("Педагогическое кофе") == "world_cafe"
    assert guess_kind("Коучинг-сессия") == "coaching"
    assert guess_kind("Дебаты") == "debate"
    assert guess_kind("Курсы повышения квалификации") == "course"
    assert guess_kind("Анализ результатов") == "other"
