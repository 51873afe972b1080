"""An instrument version as a workbook for editing in a spreadsheet, and the edited workbook back
into a definition dict (docs/questionnaires.md, «Формат XLSX»).

Sheet and column names are Russian and fixed: they are the file format, read back whatever the
interface language. Groups, bases, directions and yes/no are written as Russian words; the codes
(`head`, `enrolment`, `1`/`-1`, …) are accepted too. Every problem names the sheet, the row and
the column, so a user finds it in the spreadsheet; nothing is half-read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from opora.analytics.risk_definition import Definition, LevelRule, QualityRule
from opora.core.imports.cells import CellError, cell_decimal, cell_text
from opora.core.xlsx import workbook_bytes

FACTORS, SCALES, QUESTIONS, INDICATORS, GROUPS, RULES = (
    "Факторы", "Шкалы", "Вопросы", "Показатели", "Группы", "Правила")
COLUMNS: dict[str, tuple[str, ...]] = {
    FACTORS: ("код", "название", "описание"),
    SCALES: ("код шкалы", "значение", "подпись"),
    QUESTIONS: ("код", "группа", "раздел", "текст", "шкала"),
    INDICATORS: ("фактор", "вопрос", "вес", "направление"),
    GROUPS: ("группа", "основание", "доля", "минимум респондентов", "минимальный отклик", "анонимно"),
    RULES: ("параметр", "значение", "пояснение"),
}
# Columns that may be absent (the explanation of a rule is never read back).
OPTIONAL = {(FACTORS, "описание"), (RULES, "пояснение")}

GROUP_WORDS = {"head": "руководитель", "teacher": "учителя", "pupil": "ученики", "parent": "родители"}
GROUP_SYNONYMS = {"директор": "head", "руководители": "head", "учитель": "teacher", "педагоги": "teacher",
                  "ученик": "pupil", "обучающиеся": "pupil", "родитель": "parent"}
BASIS_WORDS = {"one": "один человек", "teachers": "число учителей", "enrolment": "число учеников"}
DIRECTION_WORDS = {1: "чем выше ответ, тем выше риск", -1: "чем выше ответ, тем ниже риск"}
METHOD_WORDS = {"cutoffs": "пороги", "percentile": "процентили"}
YES, NO = "да", "нет"

# (section, field, Russian name of the parameter, what it means)
RULE_PARAMS: tuple[tuple[str, str, str, str], ...] = (
    ("levels", "method", "способ уровней", "пороги — по значению фактора; процентили — среди школ расчёта"),
    ("levels", "high", "порог высокого уровня", "значение фактора не ниже порога — высокий уровень"),
    ("levels", "medium", "порог среднего уровня", "не ниже порога — средний уровень, ниже — низкий"),
    ("levels", "high_percentile", "процентиль высокого уровня", "для способа «процентили», от 0 до 1"),
    ("levels", "medium_percentile", "процентиль среднего уровня", "для способа «процентили», от 0 до 1"),
    ("quality", "min_seconds_per_question", "минимум секунд на вопрос", "быстрее — анкета заполнена слишком быстро"),
    ("quality", "straightline_min_questions", "минимум вопросов для проверки однообразия",
     "один и тот же ответ во всех разделах не короче стольких вопросов — однообразные ответы"),
    ("quality", "max_flagged_share", "наибольшая доля отбракованных анкет",
     "больше — ответы группы ненадёжны"),
    ("quality", "divergence", "расхождение с руководителем",
     "разница значений фактора у руководителя и другой группы, с которой картина расходится"),
)


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def _lookup(words: dict[Any, str], synonyms: dict[str, Any] | None = None) -> dict[str, Any]:
    """Accepted spellings → code: the code itself, its Russian word, synonyms."""
    out: dict[str, Any] = {_norm(str(code)): code for code in words}
    out.update({_norm(word): code for code, word in words.items()})
    out.update({_norm(k): v for k, v in (synonyms or {}).items()})
    return out


GROUP_CODES = _lookup(GROUP_WORDS, GROUP_SYNONYMS)
BASIS_CODES = _lookup(BASIS_WORDS)
DIRECTION_CODES = {**_lookup(DIRECTION_WORDS), "+1": 1, "выше": 1, "ниже": -1}
METHOD_CODES = _lookup(METHOD_WORDS)
BOOL_CODES = {YES: True, NO: False, "true": True, "false": False, "1": True, "0": False}


# --- writing ---------------------------------------------------------------------------------


def definition_workbook(definition: Definition) -> bytes:
    """The definition as an .xlsx (one sheet per part, bold headers, readable widths)."""
    d = definition
    rules = []
    for section, name, label, hint in RULE_PARAMS:
        value = getattr(getattr(d, section), name)
        rules.append((label, METHOD_WORDS.get(value, value) if name == "method" else value, hint))
    sheets: dict[str, list[tuple[Any, ...]]] = {
        FACTORS: [(f.code, f.name, f.description) for f in d.factors],
        SCALES: [(s.code, o.value, o.label) for s in d.scales for o in s.options],
        QUESTIONS: [(q.code, GROUP_WORDS.get(q.group, q.group), q.section, q.text, q.scale) for q in d.questions],
        INDICATORS: [(i.factor, i.question, i.weight, DIRECTION_WORDS.get(i.direction, i.direction))
                     for i in d.indicators],
        GROUPS: [(GROUP_WORDS.get(g.group, g.group), BASIS_WORDS.get(g.basis, g.basis), g.share,
                  g.min_respondents, g.min_rate, YES if g.anonymous else NO) for g in d.groups],
        RULES: rules,
    }
    workbook = Workbook()
    if (blank := workbook.active) is not None:
        workbook.remove(blank)
    bold = Font(bold=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.append(list(COLUMNS[title]))
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append(list(row))
        for index, header in enumerate(COLUMNS[title]):
            longest = max([len(header)] + [len(str(r[index])) for r in rows if r[index] is not None])
            sheet.column_dimensions[chr(ord("A") + index)].width = min(max(longest + 2, 10), 80)
        sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)


# --- reading ---------------------------------------------------------------------------------


class WorkbookProblems(ValueError):
    """The workbook cannot become a definition; `problems` are ready to show, in file order."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class _Row:
    sheet: str
    number: int  # the spreadsheet's row number (the header is row 1)
    cells: dict[str, Any]


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def sheet_problem(self, sheet: str, reason: str) -> None:
        self.problems.append(_("Sheet «%(sheet)s»: %(reason)s") % {"sheet": sheet, "reason": reason})

    def problem(self, row: _Row, column: str, reason: str) -> None:
        self.problems.append(_("Sheet «%(sheet)s», row %(row)s, column «%(column)s»: %(reason)s")
                             % {"sheet": row.sheet, "row": row.number, "column": column, "reason": reason})

    def rows(self, workbook: Any, title: str) -> list[_Row]:
        names = {_norm(n): n for n in workbook.sheetnames}
        if _norm(title) not in names:
            self.sheet_problem(title, _("the sheet is missing."))
            return []
        values = list(workbook[names[_norm(title)]].iter_rows(values_only=True))
        header = [_norm(cell_text(v)) for v in (values[0] if values else ())]
        positions: dict[str, int] = {}
        for column in COLUMNS[title]:
            if column in header:
                positions[column] = header.index(column)
            elif (title, column) not in OPTIONAL:
                self.sheet_problem(title, _("the column «%(column)s» is missing from the first row.")
                                   % {"column": column})
        if any(c not in positions for c in COLUMNS[title] if (title, c) not in OPTIONAL):
            return []
        out = []
        for number, raw in enumerate(values[1:], start=2):
            cells = {c: (raw[i] if i < len(raw) else None) for c, i in positions.items()}
            if any(cell_text(v) for v in cells.values()):
                out.append(_Row(title, number, cells))
        return out

    def text(self, row: _Row, column: str, *, required: bool = True) -> str:
        value = cell_text(row.cells.get(column))
        if required and not value:
            self.problem(row, column, _("the cell is empty."))
        return value

    def choice(self, row: _Row, column: str, codes: dict[str, Any], words: dict[Any, str]) -> Any:
        value = self.text(row, column)
        if value and _norm(value) not in codes:
            self.problem(row, column, _("«%(value)s» is not one of: %(allowed)s.")
                         % {"value": value, "allowed": ", ".join(f"«{w}»" for w in words.values())})
            return None
        return codes.get(_norm(value))

    def number(self, row: _Row, column: str, cast: Callable[[Any], Any] = float, *, low: float | None = None,
               high: float | None = None, above: float | None = None) -> Any:
        value = row.cells.get(column)
        if not cell_text(value):
            self.problem(row, column, _("the cell is empty."))
            return None
        try:
            number = cell_decimal(value)
        except CellError as error:
            self.problem(row, column, str(error))
            return None
        if cast is int and number != number.to_integral_value():
            self.problem(row, column, _("expected a whole number, found «%(value)s».") % {"value": cell_text(value)})
            return None
        if (low is not None and number < low) or (high is not None and number > high) \
                or (above is not None and number <= above):
            bounds = (_("greater than %(n)s") % {"n": above} if above is not None else
                      _("from %(low)s to %(high)s") % {"low": low, "high": high} if high is not None else
                      _("at least %(n)s") % {"n": low})
            self.problem(row, column, _("«%(value)s» must be %(bounds)s.") % {"value": cell_text(value),
                                                                            "bounds": bounds})
            return None
        return cast(number)

    def unique(self, rows: list[tuple[_Row, str]], column: str, message: str) -> None:
        """`message` (with %(code)s and %(first)s) for each code repeating an earlier row's."""
        seen: dict[str, int] = {}
        for row, code in rows:
            if code and code in seen:
                self.problem(row, column, message % {"code": code, "first": seen[code]})
            seen.setdefault(code, row.number)


def definition_from_workbook(data: bytes) -> dict[str, Any]:
    """The edited workbook as a definition dict, or WorkbookProblems with every problem found."""
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a file that is not a workbook
        raise WorkbookProblems([_("The file is not an .xlsx workbook.")]) from error
    r = _Reader()
    try:
        parsed = _parse(r, workbook)
    finally:
        workbook.close()
    if r.problems:
        raise WorkbookProblems(r.problems)
    return parsed


def _parse(r: _Reader, workbook: Any) -> dict[str, Any]:
    factor_rows = r.rows(workbook, FACTORS)
    factors = [{"code": r.text(row, "код"), "name": r.text(row, "название"),
                "description": r.text(row, "описание", required=False)} for row in factor_rows]
    r.unique([(row, f["code"]) for row, f in zip(factor_rows, factors, strict=True)], "код",
             _("the factor code «%(code)s» repeats row %(first)s."))

    scales: dict[str, list[dict[str, Any]]] = {}
    last = ""
    for row in r.rows(workbook, SCALES):
        # A blank scale code continues the scale above, as people type it.
        code = r.text(row, "код шкалы", required=not last) or last
        last = code
        value, label = r.number(row, "значение", int), r.text(row, "подпись")
        if value is not None and any(o["value"] == value for o in scales.get(code, [])):
            r.problem(row, "значение", _("the value %(value)s repeats in the scale «%(scale)s».")
                      % {"value": value, "scale": code})
        scales.setdefault(code, []).append({"value": value, "label": label})

    question_rows = r.rows(workbook, QUESTIONS)
    questions = []
    for row in question_rows:
        q = {"code": r.text(row, "код"), "group": r.choice(row, "группа", GROUP_CODES, GROUP_WORDS),
             "section": r.text(row, "раздел"), "text": r.text(row, "текст"), "scale": r.text(row, "шкала")}
        if q["scale"] and q["scale"] not in scales:
            r.problem(row, "шкала", _("there is no scale «%(scale)s» on the sheet «%(sheet)s».")
                      % {"scale": q["scale"], "sheet": SCALES})
        questions.append(q)
    r.unique([(row, q["code"]) for row, q in zip(question_rows, questions, strict=True)], "код",
             _("the question code «%(code)s» repeats row %(first)s."))

    factor_codes, question_codes = {f["code"] for f in factors}, {q["code"] for q in questions}
    indicators = []
    seen_pairs: set[tuple[str, str]] = set()
    for row in r.rows(workbook, INDICATORS):
        i = {"factor": r.text(row, "фактор"), "question": r.text(row, "вопрос"),
             "weight": r.number(row, "вес", above=0),
             "direction": r.choice(row, "направление", DIRECTION_CODES, DIRECTION_WORDS)}
        if i["factor"] and i["factor"] not in factor_codes:
            r.problem(row, "фактор", _("there is no factor «%(code)s» on the sheet «%(sheet)s».")
                      % {"code": i["factor"], "sheet": FACTORS})
        if i["question"] and i["question"] not in question_codes:
            r.problem(row, "вопрос", _("there is no question «%(code)s» on the sheet «%(sheet)s».")
                      % {"code": i["question"], "sheet": QUESTIONS})
        if (i["factor"], i["question"]) in seen_pairs:
            r.problem(row, "вопрос", _("the question already measures this factor in a row above."))
        seen_pairs.add((i["factor"], i["question"]))
        indicators.append(i)

    group_rows = r.rows(workbook, GROUPS)
    groups = [{"group": r.choice(row, "группа", GROUP_CODES, GROUP_WORDS),
               "basis": r.choice(row, "основание", BASIS_CODES, BASIS_WORDS),
               "share": r.number(row, "доля", above=0),
               "min_respondents": r.number(row, "минимум респондентов", int, low=1),
               "min_rate": r.number(row, "минимальный отклик", low=0, high=1),
               "anonymous": r.choice(row, "анонимно", BOOL_CODES, {True: YES, False: NO})} for row in group_rows]
    r.unique([(row, g["group"]) for row, g in zip(group_rows, groups, strict=True)], "группа",
             _("the group «%(code)s» repeats row %(first)s."))

    levels: dict[str, Any] = {}
    quality: dict[str, Any] = {}
    params = {_norm(label): (section, name) for section, name, label, _hint in RULE_PARAMS}
    params.update({_norm(f"{section}.{name}"): (section, name) for section, name, _l, _h in RULE_PARAMS})
    for row in r.rows(workbook, RULES):
        key = _norm(r.text(row, "параметр"))
        if key not in params:
            if key:
                r.problem(row, "параметр", _("unknown parameter; known: %(known)s.")
                          % {"known": ", ".join(f"«{p[2]}»" for p in RULE_PARAMS)})
            continue
        section, name = params[key]
        target = levels if section == "levels" else quality
        if name == "method":
            target[name] = r.choice(row, "значение", METHOD_CODES, METHOD_WORDS)
        else:
            default = getattr(LevelRule() if section == "levels" else QualityRule(), name)
            target[name] = r.number(row, "значение", int if isinstance(default, int) else float, low=0)
    return {"factors": factors, "scales": [{"code": c, "options": o} for c, o in scales.items()],
            "questions": questions, "indicators": indicators, "groups": groups, "levels": levels, "quality": quality}
