"""Write docs/cli.md from the `opora` commands' own --help (run: python scripts/cli_reference.py).

A test regenerates it and fails when the file is stale, so the reference never drifts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cli.md"
COMMANDS = [
    ("demo", "Загрузить демонстрационную территорию."),
    ("import-schools", "Загрузить реестр школ из XLSX или CSV."),
    ("import-passports", "Загрузить социальные паспорта школ из XLSX или CSV."),
    ("import-scales", "Загрузить шкалы оценивания (и таблицы перевода баллов ЕГЭ)."),
    ("import-tasks", "Загрузить описание заданий работ."),
    ("import-results", "Загрузить результаты обучающихся из XLSX или CSV."),
    ("import-aggregates", "Загрузить сводные данные школ (формы ФИС ОКО) из XLSX или CSV."),
    ("import-events-plan", "Загрузить план мероприятий муниципалитета или региона из XLSX или CSV."),
    ("refresh-indicators", "Пересчитать показатели школ по процедуре и году."),
    ("indicators", "Напечатать показатели школ (таблицей или CSV)."),
    ("identify", "Выявить школы с низкими результатами по набору правил и напечатать флаги школ (таблицей или CSV)."),
    ("plans-remind", "Разослать напоминания о сроках документов и мероприятий дорожных карт (ежедневно, из cron)."),
    ("plans-digest", "Разослать кураторам еженедельную сводку по их школам (еженедельно, из cron)."),
    ("cases export", "Записать список школ на усиленный контроль (XLSX): подтверждённые дела по признакам "
                     "необъективности за год."),
    ("cases remind", "Разослать напоминания по делам о признаках необъективности (ежедневно, задачей "
                     "`cases_remind` планировщика)."),
    ("kpi", "Напечатать показатели программы за год: план и факт (таблицей или CSV)."),
    ("report", "Сформировать аналитическую справку (DOCX или PDF) по школе, муниципалитету или региону."),
    ("setup-region", "Подготовить регион без демонстрационных данных: регион и его администратор."),
    ("createadmin", "Создать администратора системы."),
    ("backup", "Резервная копия: база данных, хранилище результатов, файлы пользователей."),
    ("restore", "Восстановить резервную копию, сделанную `opora backup`."),
    ("serve", "Веб-сервер для эксплуатации (gunicorn; его запускает `make serve`)."),
    ("scheduler", "Планировщик периодических задач: напоминания, сводка, ночной пересчёт, очистка."),
    ("db_worker", "Обработчик фоновых задач (его запускает `make run`)."),
]
HEADER = """# Команды `opora`

Справочник создан из `--help` самих команд (`python scripts/cli_reference.py`). Кроме этих,
`opora` выполняет любую команду Django `manage.py` (`opora migrate`, `opora runserver` …).
Команды загрузки при ошибках в файле печатают список «строка, столбец: причина» и завершаются
с кодом 1.
"""


def help_text(command: str) -> str:
    env = {**os.environ, "COLUMNS": "100", "DJANGO_SETTINGS_MODULE": "opora.settings"}
    result = subprocess.run(
        [sys.executable, "-m", "opora.cli", *command.split(), "--help"],
        env=env, capture_output=True, text=True, check=True,
    )
    # The program name depends on how it was started; show it as users type it.
    return result.stdout.replace("cli.py", "opora").replace("__main__.py", "opora").rstrip()


def render() -> str:
    parts = [HEADER]
    for command, summary in COMMANDS:
        parts.append(f"## `opora {command}`\n\n{summary}\n\n```\n{help_text(command)}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    print(f"written {DOC.relative_to(ROOT)}")
