"""Answers of paper (or other systems') questionnaires loaded from an .xlsx workbook.

One sheet per respondent group (named in Russian, or by the group's code), a header row «Код школы»
and the question codes of that group; every further row is one respondent's answers (a blank cell:
not answered). The whole workbook is checked first and loaded all or nothing (docs/formats.md,
«Ответы анкет»).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from opora.analytics.risk_definition import Definition
from opora.core.errors import AccessDenied
from opora.core.imports.outcome import ImportOutcome, rejected
from opora.core.imports.tabular import ErrorList, Progress, RowError
from opora.core.models import User
from opora.core.xlsx import workbook_bytes
from opora.diagnostics.models import (
    Campaign,
    CampaignStatus,
    ResponseSource,
    ResponseStatus,
    SurveyLink,
    SurveyResponse,
)
from opora.diagnostics.selectors import may_manage_campaign
from opora.jobs.models import Job

# The sheet names are part of the file format (like the column headers of the other imports).
SHEET_NAMES = {"head": "Руководитель", "teacher": "Учителя", "pupil": "Ученики", "parent": "Родители"}
HELP_SHEET = "Справка"
SCHOOL_HEADER = "Код школы"
SCHOOL_ALIASES = {"код школы", "код", "school", "school code", "school_code"}


def _group_of(sheet: str) -> str | None:
    name = sheet.strip().lower()
    for group, shown in SHEET_NAMES.items():
        if name in (group, shown.lower()):
            return group
    return None


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _value(cell: Any) -> int | None | str:
    """The answer as an int, None when blank, or the raw text when it is not a whole number."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else str(cell).replace(".", ",")
    text = str(cell).strip()
    return int(text) if text.lstrip("-").isdigit() else text


@dataclass
class _Row:
    group: str
    school: int  # campaign school id
    answers: dict[str, int]


def _read(path: Path, campaign: Campaign, definition: Definition, errors: ErrorList,
          progress: Progress | None) -> list[_Row]:
    """Every respondent row of the workbook, checked; problems go to `errors`."""
    schools = {cs.school.code: cs.pk for cs in campaign.schools.select_related("school")}
    groups = set(definition.groups_used())
    out: list[_Row] = []
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine raises several unrelated types for damaged files
        errors.add(None, "", _("The file cannot be read as an Excel workbook (.xlsx)."))
        return out
    try:
        sheets = [(name, workbook.get_sheet_by_name(name)) for name in workbook.sheet_names]
        total = sum(max(0, s.height - 1) for _n, s in sheets)
        done = 0
        found = False
        for name, sheet in sheets:
            if name.strip().lower() in (HELP_SHEET.lower(), "help"):
                continue
            group = _group_of(name)
            if group is None or group not in groups:
                errors.add(None, name, _("Unknown sheet «%(sheet)s»: the sheets are named %(names)s.") % {
                    "sheet": name, "names": ", ".join(f"«{SHEET_NAMES[g]}»" for g in definition.groups_used())})
                continue
            rows = [list(r) for r in sheet.iter_rows()]
            found = True
            out += _read_sheet(name, group, rows, schools, definition, errors)
            done += max(0, len(rows) - 1)
            if progress is not None:
                progress(done, total)
        if not found and not errors:
            errors.add(None, "", _("The file has no sheet of answers."))
    finally:
        workbook.close()
    return out


def _read_sheet(name: str, group: str, rows: list[list[Any]], schools: dict[str, int], definition: Definition,
                errors: ErrorList) -> list[_Row]:
    questions = {q.code.lower(): q for q in definition.questions_for(group)}
    start = next((i for i, r in enumerate(rows) if any(_text(c) for c in r)), None)
    if start is None:
        return []  # an empty sheet: the group was not surveyed on paper
    header = [_text(c) for c in rows[start]]
    if not header or header[0].lower() not in SCHOOL_ALIASES:
        errors.add(start + 1, f"{name}, A", _("The first column must be «%(header)s».") % {"header": SCHOOL_HEADER})
        return []
    columns: dict[int, str] = {}
    for i, title in enumerate(header[1:], start=1):
        if not title:
            continue
        question = questions.get(title.lower())
        if question is None:
            errors.add(start + 1, f"{name}, {title}",
                       _("Unknown column: no question «%(code)s» in this questionnaire.") % {"code": title})
        elif question.code in columns.values():
            errors.add(start + 1, f"{name}, {title}", _("The column is repeated."))
        else:
            columns[i] = question.code
    out: list[_Row] = []
    for index in range(start + 1, len(rows)):
        cells, number = rows[index], index + 1
        if not any(_text(c) for c in cells):
            continue
        code = _text(cells[0]) if cells else ""
        school = schools.get(code)
        if not code:
            errors.add(number, f"{name}, {SCHOOL_HEADER}", _("The school code is missing."))
        elif school is None:
            errors.add(number, f"{name}, {SCHOOL_HEADER}",
                       _("School «%(code)s» is not in this campaign.") % {"code": code})
        answers: dict[str, int] = {}
        for i, question_code in columns.items():
            value = _value(cells[i]) if i < len(cells) else None
            if value is None:
                continue
            scale = definition.scale(definition.question(question_code).scale)
            if not isinstance(value, int) or value not in scale.values():
                errors.add(number, f"{name}, {question_code}",
                           _("%(value)s is not an answer of this question: allowed %(allowed)s.") % {
                               "value": value, "allowed": ", ".join(str(v) for v in sorted(scale.values()))})
                continue
            answers[question_code] = value
        if not answers and not any(_value(c) is not None for c in cells[1:]):
            errors.add(number, name, _("The row has no answers."))
        if school is not None and answers:
            out.append(_Row(group=group, school=school, answers=answers))
    return out


def answers_import(*, actor: User, campaign: Campaign, path: Path, progress: Progress | None = None,
                   job: Job | None = None) -> ImportOutcome:
    """Check the whole workbook, then create a submitted response per row (all or nothing)."""
    if not may_manage_campaign(actor, campaign):
        raise AccessDenied(_("You may not import answers into this campaign."))
    if campaign.status != CampaignStatus.OPEN:
        return rejected([RowError(None, "", _("The campaign is closed: reopen it to import answers."))])
    if path.suffix.lower() != ".xlsx":
        return rejected([RowError(None, "", _("Upload the answers as an .xlsx workbook (see the template)."))])
    definition = campaign.version.parsed()
    errors = ErrorList()
    rows = _read(path, campaign, definition, errors, progress)
    if errors:
        return rejected(errors.final())
    if not rows:
        return rejected([RowError(None, "", _("The file has no answers."))])
    return _apply(campaign, rows, job)


@transaction.atomic
def _apply(campaign: Campaign, rows: list[_Row], job: Job | None) -> ImportOutcome:
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != CampaignStatus.OPEN:
        return rejected([RowError(None, "", _("The campaign is closed: reopen it to import answers."))])
    links = {(link.campaign_school_id, link.group): link
             for link in SurveyLink.objects.filter(campaign_school__campaign=campaign)}
    missing = sorted({r.group for r in rows if (r.school, r.group) not in links})
    if missing:
        return rejected([RowError(None, "", _("The campaign has no link for: %(groups)s.") % {
            "groups": ", ".join(SHEET_NAMES[g] for g in missing)})])
    now = timezone.now()
    SurveyResponse.objects.bulk_create([
        SurveyResponse(link=links[(r.school, r.group)], answers=r.answers, seconds=None,
                       status=ResponseStatus.SUBMITTED, source=ResponseSource.IMPORT, import_job=job,
                       submitted_at=now, step=0)
        for r in rows])
    counts = {g: sum(1 for r in rows if r.group == g) for g in SHEET_NAMES}
    notes = [", ".join(f"{SHEET_NAMES[g]}: {n}" for g, n in counts.items() if n)]
    return ImportOutcome(rows=len(rows), created=len(rows), notes=notes)


def answers_template(campaign: Campaign) -> bytes:
    """A workbook to fill in: a sheet per group (school code + question codes) and «Справка»."""
    definition = campaign.version.parsed()
    bold = Font(bold=True)
    book = Workbook()
    if (blank := book.active) is not None:
        book.remove(blank)
    for group in definition.groups_used():
        sheet = book.create_sheet(SHEET_NAMES[group])
        codes = [q.code for q in definition.questions_for(group)]
        sheet.append([SCHOOL_HEADER, *codes])
        for cell in sheet[1]:
            cell.font = bold
        sheet.column_dimensions["A"].width = 14
        sheet.freeze_panes = "B2"
    info = book.create_sheet(HELP_SHEET)
    info.append([_("Sheet"), _("Question"), _("Text"), _("Answers")])
    for cell in info[1]:
        cell.font = bold
    for group in definition.groups_used():
        for q in definition.questions_for(group):
            scale = definition.scale(q.scale)
            info.append([SHEET_NAMES[group], q.code, q.text,
                         "; ".join(f"{o.value} — {o.label}" for o in scale.options)])
    info.append([])
    info.append([_("One row per respondent; leave a cell blank when the question was not answered.")])
    info.append([_("Schools of the campaign: %(codes)s") % {
        "codes": ", ".join(cs.school.code for cs in campaign.schools.select_related("school"))}])
    for column, width in (("A", 14), ("B", 10), ("C", 80), ("D", 60)):
        info.column_dimensions[column].width = width
    return workbook_bytes(book)
