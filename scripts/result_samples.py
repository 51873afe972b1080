"""Write the sample result files of docs/samples/: a school's ВПР results form as the federal
portal (ФИС ОКО) lays it out, and ОГЭ/ЕГЭ protocols as processing centres (РЦОИ) issue them.

Made from the public descriptions of those forms, with invented pupils; tests/results/
test_result_forms.py loads each. Run: .venv/bin/python scripts/result_samples.py
"""

from __future__ import annotations

import random
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

OUT = Path(__file__).resolve().parent.parent / "docs" / "samples"

# ВПР 2025, mathematics, grade 5: eleven criteria (task 5 has two), 20 points.
VPR_TASKS = ["1", "2", "3", "4", "5.1", "5.2", "6", "7", "8", "9", "10"]
VPR_MAX = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 5]
VPR_MARKS = (5, 10, 15)  # the primary score from which a 3, a 4, a 5
# ОГЭ 2025, mathematics: 19 short answers of one point, 6 long answers of two; 31 points.
OGE_SHORT, OGE_LONG = 19, [2] * 6
OGE_MARKS = (8, 15, 22)
# ЕГЭ 2025, profile mathematics: 12 short answers, 7 long answers; 31 points.
EGE_SHORT, EGE_LONG = 12, [2, 2, 2, 2, 3, 4, 4]
EGE_TABLE = [round(p * 100 / 31) if p < 31 else 100 for p in range(32)]
NAMES = [("Иванов", "Пётр", "Сергеевич"), ("Смирнова", "Анна", "Олеговна"), ("Кузнецов", "Илья", "Андреевич"),
         ("Попова", "Мария", "Ивановна"), ("Васильев", "Денис", "Павлович"), ("Петрова", "Ольга", "Юрьевна")]


def _mark(score: int, bounds: tuple[int, int, int]) -> int:
    return 5 if score >= bounds[2] else 4 if score >= bounds[1] else 3 if score >= bounds[0] else 2


def vpr_form(rng: random.Random) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Результаты"
    sheet.append(["Всероссийские проверочные работы 2025. Форма сбора результатов"])
    sheet.merge_cells("A1:H1")
    sheet["A1"].font = Font(bold=True)
    sheet.append(["Код ОО:", "1001"])
    sheet.append(["Предмет:", "Математика"])
    sheet.append(["Класс:", "5"])
    sheet.append([])
    sheet.append(["№ п/п", "Код участника", "Класс", "Вариант", "Пол", *VPR_TASKS, "Сумма баллов",
                  "Отметка за работу", "Отметка по журналу"])
    for i in range(1, 13):
        scores = [rng.randint(0, m) if rng.random() > 0.15 else m for m in VPR_MAX]
        total = sum(scores)
        journal = min(5, max(2, _mark(total, VPR_MARKS) + rng.choice([0, 0, 1])))
        sheet.append([i, f"{10000 + i}", "5А" if i <= 6 else "5Б", 1 + i % 2, rng.choice("МЖ"), *scores, total,
                      _mark(total, VPR_MARKS), journal])
    path = OUT / "vpr-form.xlsx"
    book.save(path)
    return path


def _answers(rng: random.Random, short: int, long: list[int]) -> tuple[str, str, int]:
    signs = "".join("+" if rng.random() < 0.65 else "-" for _ in range(short))
    scores = [rng.randint(0, m) for m in long]
    return signs, "".join(f"{s}({m})" for s, m in zip(scores, long, strict=True)), signs.count("+") + sum(scores)


def oge_protocol(rng: random.Random) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Протокол"
    sheet.append(["Основной государственный экзамен 2025. Протокол проверки результатов"])
    sheet.append(["Предмет:", "Математика"])
    sheet.append(["Код ОО:", "1001", "", "Дата экзамена:", "03.06.2025"])
    sheet.append(["№ п/п", "Фамилия", "Имя", "Отчество", "Номер документа", "Класс", "Вариант",
                  "Задания с кратким ответом", "Задания с развёрнутым ответом", "Первичный балл", "Отметка"])
    for i, (last, first, middle) in enumerate(NAMES, start=1):
        short, long, total = _answers(rng, OGE_SHORT, OGE_LONG)
        sheet.append([i, last, first, middle, f"4510 {123450 + i}", "9А", 300 + i % 2, short, long, total,
                      _mark(total, OGE_MARKS)])
    path = OUT / "oge-protocol.xlsx"
    book.save(path)
    return path


def ege_protocol(rng: random.Random) -> Path:
    lines = ["Единый государственный экзамен 2025;;;;;;;;;",
             "Предмет: Математика профильная;;;;;;;;;",
             "Код ОО: 1001;;;;;;;;;",
             "Код ППЭ;Аудитория;Фамилия;Имя;Отчество;Код участника;Задания с кратким ответом;"
             "Задания с развёрнутым ответом;Первичный балл;Балл"]
    for i, (last, first, middle) in enumerate(NAMES, start=1):
        short, long, total = _answers(rng, EGE_SHORT, EGE_LONG)
        lines.append(f"0101;{10 + i};{last};{first};{middle};{700100 + i};{short};{long};{total};{EGE_TABLE[total]}")
    path = OUT / "ege-protocol.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2025)
    for path in (vpr_form(rng), oge_protocol(rng), ege_protocol(rng)):
        print(path.relative_to(OUT.parent.parent))


if __name__ == "__main__":
    main()
