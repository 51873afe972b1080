"""Result files as the federal portal and the processing centres issue them, recognised without a
column mapping:

- the ВПР results form of a school (ФИС ОКО): a title block («Предмет: Математика», «Класс: 5»,
  «Код ОО: …», the year) above a table with the pupil's code, the variant, one column per task
  and sub-task («1», «2.1», «2.2» … — Opora numbers them 1, 2, 3 … in order), the total score, the
  mark and the journal mark;
- the ОГЭ/ЕГЭ protocol of a processing centre (РЦОИ): the answer strings of the short and long
  parts, the primary score and the test score (ЕГЭ) or the mark (ОГЭ); names and documents are
  never loaded (a document number becomes a keyed code: `answers.py`).

Each recogniser looks at the first rows of the file and returns a `Layout`: the header row, what
each column means and the values the title gives for every row. The samples are in docs/samples/.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.translation import gettext as _

from opora.core.imports.mapping import Preview
from opora.core.imports.tabular import HEADER_SEARCH_ROWS, Layout, header_name, normalise

_TASK = re.compile(r"^(?:№\s*)?\d{1,2}(?:[.,]\d{1,2})?[а-я]?$")
_YEAR = re.compile(r"\b(19[9]\d|20\d\d)\b")
_PERSONAL = ("фамилия", "имя", "отчество", "фио", "ф.и.о.", "пол", "дата рождения", "серия документа",
             "серия", "снилс")
_PUPIL = ("код участника", "код ученика", "код", "номер участника", "код работы", "номер бланка", "№ бланка",
          "id участника", "идентификатор участника")
_SCHOOL = ("код оо", "код оу", "код школы", "логин оо", "код образовательной организации", "оо")
_COMMON = {
    "вариант": "variant", "номер варианта": "variant",
    "класс": "class", "литера класса": "class",
    "предмет": "subject", "год": "year", "параллель": "grade",
}
_TOTAL = ("сумма баллов", "первичный балл", "общий балл", "итого", "итоговый балл", "балл", "сумма")
_MARK = ("отметка", "отметка за работу", "оценка", "оценка за работу", "отметка по пятибалльной шкале",
         "отметка пятибалльная")
_JOURNAL = ("отметка по журналу", "отметка в журнале", "журнальная отметка", "отметка за предыдущий период",
            "отметка за предыдущую четверть", "отметка за предыдущий триместр", "отметка за четверть",
            "отметка за предыдущую четверть (триместр)")
_PROCEDURES = (("впр", "ВПР"), ("всероссийск", "ВПР"), ("огэ", "ОГЭ"), ("основной государственный", "ОГЭ"),
               ("егэ", "ЕГЭ"), ("единый государственный", "ЕГЭ"))


def _cells(row: Sequence[str]) -> list[str]:
    return [normalise(c).rstrip(":") for c in row]


def _title_values(rows: Sequence[tuple[int, list[str]]]) -> dict[str, str]:
    """«Предмет: Математика», «Класс: 5», «Код ОО: 1001», a year and the procedure's name in the
    rows above the table, written in one cell or as a label and its value in the next cell."""
    found: dict[str, str] = {}
    for _number, cells in rows:
        texts = [c.strip() for c in cells if c.strip()]
        line = " ".join(texts)
        pairs = [(texts[i].rstrip(":").strip(), texts[i + 1]) for i in range(len(texts) - 1)]
        pairs += [tuple(p.strip() for p in t.split(":", 1)) for t in texts if ":" in t]  # type: ignore[misc]
        for label, value in pairs:
            name = normalise(label)
            if not value:
                continue
            if name in ("предмет", "учебный предмет"):
                found.setdefault("subject", value)
            elif name in ("класс", "параллель") and (grade := re.match(r"\d{1,2}", value)):
                found.setdefault("grade", grade.group(0))
            elif name in _SCHOOL or name in ("код оо (логин)", "логин"):
                found.setdefault("school_code", value.split()[0])
            elif name == "год" and _YEAR.search(value):
                found.setdefault("year", _YEAR.search(value).group(1))  # type: ignore[union-attr]
        lowered = normalise(line)
        if "grade" not in found and (grade := re.search(r"\b(\d{1,2})\s*класс", lowered)):
            found["grade"] = grade.group(1)
        if "year" not in found and (year := _YEAR.search(line)):
            found["year"] = year.group(1)
        for marker, procedure in _PROCEDURES:
            if marker in lowered:
                found.setdefault("procedure", procedure)
    return found


def _find(rows: Sequence[tuple[int, list[str]]], test: object) -> int | None:
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if test(_cells(cells)):  # type: ignore[operator]
            return index
    return None


def _is_vpr_header(cells: list[str]) -> bool:
    return any(c in _PUPIL for c in cells) and sum(bool(_TASK.match(c)) for c in cells if c) >= 2 \
        and any(c in _TOTAL for c in cells)


def _is_protocol_header(cells: list[str]) -> bool:
    answers = ("задания с кратким ответом", "задания с развёрнутым ответом", "задания с развернутым ответом")
    return any(normalise(a) in cells for a in answers) and "первичный балл" in cells


def _common(name: str) -> str | None:
    if name in _PERSONAL:
        return ""
    if name in _SCHOOL:
        return "school_code"
    if name in _JOURNAL:
        return "journal_mark"
    if name in _MARK:
        return "mark"
    return _COMMON.get(name)


def vpr_form(shown: Preview) -> Layout | None:
    """The ВПР results form of a school: task columns by order, the rest from the title."""
    found = _find(shown.rows, _is_vpr_header)
    if found is None:
        return None
    number, header = shown.rows[found]
    columns: dict[str, str] = {}
    task = 0
    for pos, written in enumerate(header):
        name = normalise(written).rstrip(":")
        key: str | None
        if not name:
            key = ""
        elif _TASK.match(name):
            task += 1
            key = f"task_{task}"
        elif name in _PUPIL:
            key = "pupil"
        elif name in _TOTAL:
            key = "primary_score"
        elif name in ("№", "№ п/п", "n", "номер"):
            key = ""
        else:
            key = _common(name)
        if key is not None:
            columns[header_name(header, pos)] = key
    values = _title_values(shown.rows[:found])
    values.setdefault("procedure", "ВПР")
    values = {k: v for k, v in values.items() if k not in columns.values()}
    return Layout(shown.sheet, number, columns, values, str(_("the ВПР results form (ФИС ОКО)")))


def exam_protocol(shown: Preview) -> Layout | None:
    """An ОГЭ or ЕГЭ protocol: answer strings, primary score, test score or mark; no names."""
    found = _find(shown.rows, _is_protocol_header)
    if found is None:
        return None
    number, header = shown.rows[found]
    values = _title_values(shown.rows[:found])
    columns: dict[str, str] = {}
    for pos, written in enumerate(header):
        name = normalise(written).rstrip(":")
        key: str | None
        if name in ("задания с кратким ответом", "ответы на задания с кратким ответом"):
            key = "short_answers"
        elif name in ("задания с развёрнутым ответом", "задания с развернутым ответом",
                      "ответы на задания с развёрнутым ответом"):
            key = "long_answers"
        elif name == "первичный балл":
            key = "primary_score"
        elif name in ("балл", "тестовый балл", "итоговый балл", "балл (100-балльная шкала)"):
            key = "mark" if values.get("procedure") == "ОГЭ" else "test_score"
        elif name in _PUPIL:
            key = "pupil"
        elif name in ("номер документа", "документ", "серия и номер документа", "номер паспорта"):
            key = "pupil_document"
        elif name in ("код ппэ", "ппэ", "аудитория", "номер аудитории", "дата", "дата экзамена", "№", "№ п/п"):
            key = ""
        else:
            key = _common(name)
        if key is not None:
            columns[header_name(header, pos)] = key
    if "pupil" in columns.values():
        columns = {k: ("" if v == "pupil_document" else v) for k, v in columns.items()}
    if "grade" not in values and "grade" not in columns.values():
        grade = {"ОГЭ": "9", "ЕГЭ": "11"}.get(values.get("procedure", ""))
        if grade:
            values["grade"] = grade
    values = {k: v for k, v in values.items() if k not in columns.values()}
    return Layout(shown.sheet, number, columns, values, str(_("an examination protocol (ОГЭ, ЕГЭ)")))


RESULT_FORMS = (vpr_form, exam_protocol)
