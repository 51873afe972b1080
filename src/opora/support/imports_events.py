"""A municipal (or regional) plan of events loaded from a table (.xlsx or .csv), all or nothing.

Columns (docs/formats.md, «План мероприятий»): «мероприятие» (required), «сроки», «ответственные»,
«ожидаемый результат», «форма», «место», «код школы»; «№ п/п» is read only to tell continuation
lines. Title rows above the header are skipped. A row without a title (or, in a numbered plan,
without a number) continues the row above: a cell split over two rows when the document was
converted. The period as written is kept and read into dates (`plan_periods`). An event of the same
territory with the same title and period as written is updated, not added again. Every problem is
reported with its row, column and reason; then nothing is saved.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.imports.cells import cell_text
from opora.core.imports.outcome import ImportOutcome, ignored_note, rejected
from opora.core.imports.tabular import (
    CellValue,
    Column,
    ErrorList,
    FileRejected,
    Layout,
    Progress,
    RowError,
    map_columns,
    normalise,
    open_sheet,
)
from opora.core.imports.templates import ColumnHelp, columns_workbook
from opora.core.models import Municipality, Region, School, User
from opora.support.models import Event, EventKind
from opora.support.plan_periods import Period, PeriodError, parse_period, plan_bounds

IMPORT_JOB_KIND = "import_events_plan"

COLUMNS = (
    Column("number", ("№", "№ п/п", "n", "no", "номер", "п/п")),
    Column("title", ("мероприятие", "мероприятия", "наименование мероприятия",
                     "наименование мероприятия (краткое содержание)", "содержание", "содержание мероприятия",
                     "содержание работы", "наименование", "название"), required=True),
    Column("period", ("сроки", "срок", "сроки проведения", "срок проведения", "сроки исполнения",
                      "срок исполнения", "сроки реализации", "дата", "дата проведения", "период")),
    Column("responsible", ("ответственные", "ответственный", "исполнители", "исполнитель",
                           "ответственные исполнители", "ответственный исполнитель")),
    Column("expected_result", ("ожидаемый результат", "ожидаемые результаты", "результат", "результаты",
                               "планируемый результат", "планируемые результаты")),
    Column("kind", ("форма", "вид", "форма проведения", "вид мероприятия", "форма мероприятия")),
    Column("place", ("место", "место проведения")),
    Column("venue_school", ("код школы", "школа-площадка", "код площадки")),
)
TEXT_KEYS = ("number", "title", "period", "responsible", "expected_result", "kind", "place", "venue_school")
# The model's limits; a longer cell is refused rather than cut, since cutting imports something else.
LIMITS = {"period": 200, "responsible": 500, "place": 300}
# A longer title (a cell of lists in a real plan) is shortened; the whole text goes to the description.
TITLE_MAX = 500

# Words of a title that tell the kind, checked in this order (a «курс» inside «мастер-класс» is not).
_KIND_WORDS: tuple[tuple[str, str], ...] = (
    (r"мастер[- ]?класс", EventKind.MASTER_CLASS),
    (r"делов\w* игр", EventKind.BUSINESS_GAME),
    (r"коучинг|коуч-сесс", EventKind.COACHING),
    (r"кофе|кафе", EventKind.WORLD_CAFE),
    (r"дебат", EventKind.DEBATE),
    (r"форсайт", EventKind.FORESIGHT),
    (r"курс|повышени\w* квалификац", EventKind.COURSE),
    (r"семинар|вебинар", EventKind.SEMINAR),
    (r"совещан", EventKind.MEETING),
)
_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]*>")


def guess_kind(text: str) -> str:
    """The event's kind from the words of its title (or its «форма» cell); `other` when none fits."""
    words = normalise(text)
    for pattern, kind in _KIND_WORDS:
        if re.search(pattern, words):
            return str(kind)
    return str(EventKind.OTHER)


def _kind(written: str, title: str) -> str:
    if written:
        wanted = normalise(written)
        for value, label in EventKind.choices:
            if wanted in (value, normalise(str(label))):
                return str(value)
        guessed = guess_kind(written)
        if guessed != EventKind.OTHER:
            return guessed
    return guess_kind(title)


def plain_text(value: CellValue) -> str:
    """A cell as one line of text: HTML tags left over from a conversion dropped, entities decoded,
    runs of whitespace (line breaks too) collapsed; an Excel date as dd.mm.yyyy."""
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    # Tags, then tags that were escaped («&lt;p&gt;», as some converters leave them).
    text = _TAG_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", cell_text(value))))
    return " ".join(text.split())


def column_help() -> list[ColumnHelp]:
    return [
        ColumnHelp("№ п/п", "number", False, _("row number; a row without it continues the row above"), "", 1),
        ColumnHelp("мероприятие", "title", True, _("title of the event"), "",
                   "Семинар «Работа с обучающимися с рисками учебной неуспешности»"),
        ColumnHelp("сроки", "period", False, _("period as written in the plan; empty means the whole plan"),
                   _("dd.mm.yyyy; «до 20 октября 2023»; «январь – май 2024»; «в течение 2023-2024 учебного года»; "
                     "«в течение года», «по отдельному плану»"), "Октябрь-ноябрь 2023 года"),
        ColumnHelp("ответственные", "responsible", False, _("who is responsible"), "",
                   "координаторы от УО, руководители МОО"),
        ColumnHelp("ожидаемый результат", "expected_result", False, _("expected result"), "",
                   "Планы работы, разработанные МОО"),
        ColumnHelp("форма", "kind", False, _("kind of the event; empty: guessed from the title"),
                   ", ".join(str(label) for _v, label in EventKind.choices), "семинар"),
        ColumnHelp("место", "place", False, _("place"), "", ""),
        ColumnHelp("код школы", "venue_school", False, _("code of the host school of the territory"), "", ""),
    ]


def plan_template() -> bytes:
    return columns_workbook(column_help())


@dataclass
class _Row:
    number: int  # the row in the file where the event starts
    cells: dict[str, str]

    def append(self, cells: dict[str, str]) -> None:
        for key, text in cells.items():
            if text and key != "number":
                self.cells[key] = f"{self.cells[key]} {text}".strip()


@dataclass
class _Event:
    number: int
    title: str
    period_text: str
    period: Period
    responsible: str
    expected_result: str
    kind: str
    place: str
    venue_school_id: int | None
    description: str = ""


def short_title(text: str) -> str:
    """The title cut at a word to fit the model, marked with «…»."""
    if len(text) <= TITLE_MAX:
        return text
    return text[:TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def territory_of(municipality: Municipality | None, region: Region | None) -> tuple[Region, Municipality | None]:
    if municipality is not None:
        return municipality.region, municipality
    if region is None:
        raise ValueError("a plan belongs to a municipality or a region")
    return region, None


def _require_manage(actor: User, region: Region, municipality: Municipality | None) -> None:
    allowed = (access.can_on_municipality(actor, Perm.MANAGE_EVENTS, municipality) if municipality is not None
               else access.can_on_region(actor, Perm.MANAGE_EVENTS, region))
    if not allowed:
        raise AccessDenied(_("You may not plan events of this territory."))


def _read(path: Path, sheet_name: str | None, progress: Progress | None,
          layout: Layout | None = None) -> tuple[list[_Row], dict[str, str], list[str], ErrorList]:
    """The file's events with their continuation lines joined; errors of structure."""
    errors = ErrorList()
    rows: list[_Row] = []
    numbered: bool | None = None  # decided by the first event: does the plan number its rows?
    with open_sheet(path, sheet_name, layout=layout, known=COLUMNS) as sheet:
        columns = map_columns(sheet, COLUMNS, layout)
        label = columns.label
        for done, (number, raw) in enumerate(sheet.rows, start=1):
            cells = {key: plain_text(columns.cell(raw, key)) for key in TEXT_KEYS}
            if progress is not None and done % 200 == 0:
                progress(done, sheet.total_rows)
            if not any(cells.values()):
                continue  # a row of stray tags or spaces only
            if cells["number"] and not cells["title"]:
                errors.add(number, label["title"], _("The row has a number but no title of the event."))
                continue
            if numbered is None:
                numbered = columns.has("number") and bool(cells["number"])
            if not cells["title"] or (numbered and not cells["number"]):
                if not rows:
                    errors.add(number, label["title"],
                               _("The row continues nothing: the first event of the plan has no title."))
                else:
                    rows[-1].append(cells)
                continue
            rows.append(_Row(number, cells))
        return rows, dict(label), list(columns.ignored), errors


def _checked(rows: list[_Row], label: dict[str, str], academic_year: int, schools: dict[str, int],
             errors: ErrorList) -> list[_Event]:
    events: list[_Event] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        cells = row.cells
        for key, limit in LIMITS.items():
            if len(cells[key]) > limit:
                errors.add(row.number, label[key],
                           _("The text is too long: %(length)d characters, at most %(max)d.")
                           % {"length": len(cells[key]), "max": limit})
        try:
            period = parse_period(cells["period"], academic_year)
        except PeriodError as error:
            errors.add(row.number, label["period"], str(error))
            continue
        school_id = None
        if code := cells["venue_school"]:
            school_id = schools.get(code)
            if school_id is None:
                errors.add(row.number, label["venue_school"],
                           _("School «%(code)s» is not in the plan's territory.") % {"code": code})
        title = short_title(cells["title"])
        identity = (title, cells["period"])
        if identity in seen:
            errors.add(row.number, label["title"],
                       _("The same event with the same period is already in row %(row)d.") % {"row": seen[identity]})
        seen[identity] = row.number
        events.append(_Event(row.number, title, cells["period"], period, cells["responsible"],
                             cells["expected_result"], _kind(cells["kind"], cells["title"]), cells["place"],
                             school_id, cells["title"] if title != cells["title"] else ""))
    return events


def events_plan_import(*, actor: User, path: Path, academic_year: int, municipality: Municipality | None = None,
                       region: Region | None = None, sheet: str | None = None,
                       progress: Progress | None = None, layout: Layout | None = None) -> ImportOutcome:
    """Check the whole plan, then add or update its events in the territory (one transaction)."""
    region, municipality = territory_of(municipality, region)
    _require_manage(actor, region, municipality)
    schools_of = School.objects.filter(municipality=municipality) if municipality is not None \
        else School.objects.filter(municipality__region=region)
    schools = dict(schools_of.values_list("code", "pk"))
    try:
        rows, label, ignored, errors = _read(path, sheet, progress, layout)
    except FileRejected as rejection:
        return rejected(rejection)  # a HeaderMismatch stays one: the file may then be mapped
    events = _checked(rows, label, academic_year, schools, errors)
    if errors:
        return rejected(errors.final())
    if not events:
        return rejected([RowError(None, "", _("The file has no events."))])
    present = {key for key in TEXT_KEYS if key in label}
    outcome = _apply(actor, region, municipality, academic_year, events, present)
    outcome.notes += ignored_note(ignored)
    return outcome


def _matching(candidates: list[Event], new: _Event, academic_year: int) -> Event | None:
    """The stored event a row stands for: same dates first, else one within the same plan's year, so
    «в течение года» of next year's plan adds an event rather than rewriting this year's."""
    start, end = plan_bounds(academic_year)
    same = [e for e in candidates if (e.starts_on, e.ends_on) == (new.period.starts_on, new.period.ends_on)]
    within = [e for e in candidates if e.starts_on <= end and (e.ends_on or e.starts_on) >= start]
    found = same or within
    return found[0] if found else None


@transaction.atomic
def _apply(actor: User, region: Region, municipality: Municipality | None, academic_year: int,
           events: list[_Event], present: set[str]) -> ImportOutcome:
    stored = Event.objects.select_for_update().filter(region=region, title__in={e.title for e in events})
    stored = stored.filter(municipality=municipality) if municipality is not None \
        else stored.filter(municipality__isnull=True)
    by_key: dict[tuple[str, str], list[Event]] = {}
    for event in stored.order_by("pk"):
        by_key.setdefault((event.title, event.period_text), []).append(event)
    outcome = ImportOutcome(rows=len(events))
    for new in events:
        values: dict[str, object] = {"starts_on": new.period.starts_on, "ends_on": new.period.ends_on}
        # A column the file lacks leaves what was typed in by hand; the kind only from its own column.
        for key in ("responsible", "expected_result", "place", "kind"):
            if key in present:
                values[key] = getattr(new, key)
        if "venue_school" in present:
            values["venue_school_id"] = new.venue_school_id
        if new.description:
            values["description"] = new.description
        found = _matching(by_key.get((new.title, new.period_text), []), new, academic_year)
        if found is None:
            Event.objects.create(region=region, municipality=municipality, created_by=actor, title=new.title,
                                 period_text=new.period_text, **{"kind": new.kind, "responsible": new.responsible,
                                                                 "expected_result": new.expected_result,
                                                                 "place": new.place,
                                                                 "venue_school_id": new.venue_school_id,
                                                                 **values})
            outcome.created += 1
            continue
        changed = [name for name, value in values.items() if getattr(found, name) != value]
        if changed:
            for name in changed:
                setattr(found, name, values[name])
            found.save()
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    return outcome

