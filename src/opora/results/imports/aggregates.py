"""Import of school aggregates: the federal portal's per-school forms, when pupil rows are absent.

One row per school × procedure × year × subject × grade with the mark counts; written straight
into `SchoolIndicator` (source «aggregates», the whole grade) and `TaskIndicator`. A cell that
already has pupil results is refused: those figures come from the pupils themselves.

Forms suppress the mark counts of small schools: a row may leave all four blank (or write «*»,
«<5», «н/д») when it gives the mean score; its shares stay empty and every figure that needs them
says «недостаточно данных».
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opora.analytics.intervals import wilson
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.imports.cells import CellError, cell_count, cell_decimal, cell_text
from opora.core.imports.outcome import ImportOutcome, ignored_note, rejected
from opora.core.imports.tabular import (
    Column,
    ColumnMap,
    ErrorList,
    FileRejected,
    Layout,
    Progress,
    RowError,
    map_columns,
    open_sheet,
)
from opora.core.models import School, User
from opora.core.years import FIRST_YEAR, LAST_YEAR, year_range_error
from opora.results.imports import staging
from opora.results.models import (
    Procedure,
    Scale,
    SchoolIndicator,
    ScoreKind,
    SmallGroup,
    Source,
    Subject,
    TaskIndicator,
)
from opora.results.store import works_present

MARKS = ("mark2", "mark3", "mark4", "mark5")
JOURNAL = ("lowered", "confirmed", "raised")
AGGREGATE_COLUMNS: tuple[Column, ...] = (
    Column("procedure", ("процедура", "оценочная процедура"), required=True),
    Column("year", ("год",), required=True),
    Column("school_code", ("код школы", "код оо"), required=True),
    Column("subject", ("предмет",), required=True),
    Column("grade", ("параллель", "класс"), required=True),
    Column("participants", ("участники", "число участников"), required=True),
    Column("mark2", ("отметка 2", "2")),
    Column("mark3", ("отметка 3", "3")),
    Column("mark4", ("отметка 4", "4")),
    Column("mark5", ("отметка 5", "5")),
    Column("mean_pct", ("средний процент", "средний % выполнения")),
    Column("mean_mark", ("средняя отметка", "средний балл")),
    Column("pct_sd", ("стандартное отклонение %", "ст. откл. %", "sd %")),
    Column("lowered", ("понизили",)),
    Column("confirmed", ("подтвердили",)),
    Column("raised", ("повысили",)),
)
NEGATIVE_DYNAMICS = 0.10
# How forms write a count they suppress (too few pupils to publish).
SUPPRESSED = frozenset({"*", "**", "-", "—", "–", "<5", "< 5", "н/д", "нд", "скрыто", "конфиденциально", "x", "х"})


@dataclass
class _Row:
    row: int
    procedure: Procedure
    year: int
    school: School
    subject: Subject
    grade: int
    counts: dict[str, int] | None  # None: suppressed by the form
    mean_pct: float | None
    journal: dict[str, int | None]
    tasks: dict[int, float] = field(default_factory=dict)
    pct_sd: float | None = None
    scores: list[int] | None = None  # pupils by primary score 0..max
    mean_mark: float | None = None
    participants: int = 0

    @property
    def cell(self) -> tuple[int, int, int, int, int]:
        return (self.school.pk, self.procedure.pk, self.year, self.subject.pk, self.grade)


def small_group(n: int) -> str:
    if n < 10:
        return SmallGroup.TOO_FEW
    if n < 30:
        return SmallGroup.WARN
    return SmallGroup.NONE


def aggregates_import(
    *, actor: User, path: Path, progress: Progress | None = None, sheet: str | None = None,
    layout: Layout | None = None,
) -> ImportOutcome:
    """Check the whole file, then replace the aggregate indicators of its cells, or change nothing."""
    if not access.has_perm_anywhere(actor, Perm.IMPORT_RESULTS):
        raise AccessDenied
    errors = ErrorList()
    rows: list[_Row] = []
    try:
        with open_sheet(path, sheet, layout=layout, known=AGGREGATE_COLUMNS) as table:
            tasks = staging.task_columns(table.header, pct=True, layout=layout)
            columns = map_columns(table, (*AGGREGATE_COLUMNS, *tasks, *staging.score_columns(table.header, layout)),
                                  layout)
            context = _Context.load(actor)
            seen: dict[tuple[int, int, int, int, int], int] = {}
            for done, (number, cells) in enumerate(table.rows, start=1):
                parsed = _parse(number, cells, columns, errors, context)
                if parsed is not None:
                    first = seen.setdefault(parsed.cell, number)
                    if first != number:
                        errors.add(number, columns.label["school_code"],
                                   _("The same school, work and grade are already in row %(row)d.")
                                   % {"row": first})
                    else:
                        rows.append(parsed)
                if progress is not None and done % 500 == 0:
                    progress(done, table.total_rows)
    except FileRejected as exc:
        return rejected(exc)
    if not rows and not errors:
        return rejected([RowError(None, "", staging.no_rows_message())])
    _check_pupil_cells(rows, columns, errors)
    if errors:
        return rejected(errors.final())
    created, updated = _apply(rows)
    outcome = ImportOutcome(rows=len(rows), created=created, updated=updated)
    outcome.notes.extend(ignored_note(columns.ignored))
    return outcome


@dataclass
class _Context:
    find_procedure: Any
    find_subject: Any
    schools: dict[str, School]
    allowed: set[int]
    task_counts: dict[tuple[int, int, int, int], int]
    scales: dict[tuple[int, int, int, int], Scale]

    @classmethod
    def load(cls, actor: User) -> _Context:
        counts: dict[tuple[int, int, int, int], int] = {}
        scales: dict[tuple[int, int, int, int], Scale] = {}
        for scale in Scale.objects.select_related("procedure").prefetch_related("tasks"):
            key = (scale.procedure_id, scale.year, scale.subject_id, scale.grade)
            scales[key] = scale
            n = len(scale.tasks.all())
            if n:
                counts[key] = n
        return cls(
            staging.procedure_finder(), staging.subject_finder(),
            {s.code: s for s in School.objects.only("pk", "code", "name")},
            set(access.schools_for(actor, Perm.IMPORT_RESULTS).values_list("pk", flat=True)),
            counts, scales,
        )


def _whole(reader: _Cells, key: str, low: int, high: int, message: str) -> int | None:
    raw = reader.raw(key)
    if not cell_text(raw):
        reader.fail(key, _("The value is required."))
        return None
    try:
        value = cell_count(raw)
    except CellError as exc:
        reader.fail(key, str(exc))
        return None
    if not low <= value <= high:
        reader.fail(key, message)
        return None
    return value


@dataclass
class _Cells:
    number: int
    cells: list[Any]
    columns: ColumnMap
    errors: ErrorList
    ok: bool = True

    def raw(self, key: str) -> Any:
        return self.columns.cell(self.cells, key)

    def fail(self, key: str, message: str) -> None:
        self.errors.add(self.number, self.columns.label.get(key, key), message)
        self.ok = False
        return None

    def count(self, key: str, *, required: bool, suppressible: bool = False) -> int | None:
        raw = self.raw(key)
        if not cell_text(raw) or (suppressible and cell_text(raw).lower() in SUPPRESSED):
            if required:
                self.fail(key, _("The value is required."))
            return None
        try:
            return cell_count(raw)
        except CellError as exc:
            self.fail(key, str(exc))
            return None

    def mark(self, key: str) -> float | None:
        """A mean mark from 2 to 5."""
        raw = self.raw(key)
        text = cell_text(raw)
        if not text:
            return None
        try:
            value = cell_decimal(raw)
        except CellError as exc:
            self.fail(key, str(exc))
            return None
        if not 2 <= value <= 5:
            self.fail(key, _("A mean mark must be between 2 and 5, found %(value)s.") % {"value": text})
            return None
        return float(value)

    def percent(self, key: str) -> float | None:
        raw = self.raw(key)
        text = cell_text(raw)
        if not text:
            return None
        try:
            value = cell_decimal(text[:-1] if text.endswith("%") else raw)
        except CellError as exc:
            self.fail(key, str(exc))
            return None
        if not 0 <= value <= 100:
            self.fail(key, _("A percentage must be between 0 and 100, found %(value)s.") % {"value": text})
            return None
        return float(value)


def _parse(number: int, cells: list[Any], columns: ColumnMap, errors: ErrorList,
           context: _Context) -> _Row | None:
    reader = _Cells(number, cells, columns, errors)
    procedure = _lookup(reader, "procedure", context.find_procedure,
                        _("Unknown procedure «%(value)s»; known: %(known)s."))
    subject = _lookup(reader, "subject", context.find_subject,
                      _("Unknown subject «%(value)s»: write its code or Russian name."))
    year = _whole(reader, "year", FIRST_YEAR, LAST_YEAR, year_range_error())
    grade = _whole(reader, "grade", 1, 11, _("The grade must be between 1 and 11, found %(value)s.")
                   % {"value": cell_text(reader.raw("grade"))})
    code = cell_text(reader.raw("school_code"))
    school = context.schools.get(code)
    if not code:
        reader.fail("school_code", _("The value is required."))
    elif school is None:
        reader.fail("school_code", _("Unknown school code %(code)s.") % {"code": code})
    elif school.pk not in context.allowed:
        reader.fail("school_code", _("You may not import results of the school %(code)s «%(name)s».")
                    % {"code": school.code, "name": school.name})
    participants = reader.count("participants", required=True)
    counts = {key: reader.count(key, required=False, suppressible=True) for key in MARKS if columns.has(key)}
    journal = {key: reader.count(key, required=False) for key in JOURNAL if columns.has(key)}
    mean_pct = reader.percent("mean_pct") if columns.has("mean_pct") else None
    mean_mark = reader.mark("mean_mark") if columns.has("mean_mark") else None
    known = {k: v for k, v in counts.items() if v is not None}
    if known and len(known) < len(MARKS):
        missing = next(k for k in MARKS if k not in known)
        reader.fail(missing, _("Give all four mark counts, or leave all four empty when the form "
                               "suppresses them."))
    elif not known and reader.ok and mean_pct is None and mean_mark is None:
        reader.fail(next((k for k in MARKS if columns.has(k)), "participants"),
                    _("Without the mark counts the row needs the mean score («средний процент» "
                      "or «средняя отметка»)."))
    pct_sd = reader.percent("pct_sd") if columns.has("pct_sd") else None
    scale = context.scales.get((procedure.pk, year, subject.pk, grade)) if procedure and subject and year and grade \
        else None
    scores = _scores(reader, scale)
    tasks: dict[int, float] = {}
    for key in columns.index:
        if key.endswith("_pct") and key.startswith("task_"):
            value = reader.percent(key)
            if value is not None:
                tasks[staging.task_number(key)] = value
    if participants is not None and participants == 0:
        reader.fail("participants", _("There must be at least one participant."))
    if participants and len(known) == len(MARKS):
        total = sum(known.values())
        if total != participants:
            reader.fail("participants", _("The marks add up to %(total)d, not to the %(count)d "
                                          "participants.") % {"total": total, "count": participants})
        given = [v for v in journal.values() if v is not None]
        if given and sum(given) > participants:
            reader.fail(next(k for k in JOURNAL if columns.has(k)),
                        _("Lowered, confirmed and raised add up to %(total)d, more than the "
                          "%(count)d participants.") % {"total": sum(given), "count": participants})
    if procedure and subject and year and grade and tasks:
        count = context.task_counts.get((procedure.pk, year, subject.pk, grade))
        beyond = [n for n in tasks if count is not None and n > count]
        for n in beyond:
            assert count is not None  # `beyond` is empty without a count
            reader.fail(f"task_{n}_pct", ngettext("The work has only %(count)d task.",
                                                  "The work has only %(count)d tasks.", count)
                        % {"count": count})
    if scores is not None and participants and reader.ok:
        _check_scores(reader, scores, participants, known, scale)
    if scores is not None and pct_sd is None and scale is not None and scale.max_score:
        pct_sd = _distribution_sd(scores, scale.max_score)
    if not reader.ok:
        return None
    assert procedure and subject and school and year and grade and participants
    return _Row(number, procedure, year, school, subject, grade,
                dict(known) if len(known) == len(MARKS) else None, mean_pct, journal, tasks, pct_sd, scores,
                mean_mark, participants)


def _scores(reader: _Cells, scale: Scale | None) -> list[int] | None:
    """Pupils by primary score from the «балл N» columns (a blank is 0); None when the row has none."""
    keys = sorted((k for k in reader.columns.index if k.startswith("score_")), key=staging.task_number)
    if not keys:
        return None
    values = {staging.task_number(k): reader.count(k, required=False) for k in keys}
    if all(v is None for v in values.values()):
        return None
    top = max(values)
    if scale is not None and scale.max_score is not None:
        for n in values:
            if n > scale.max_score and values[n]:
                reader.fail(f"score_{n}", _("The work's maximum primary score is %(max)d.")
                            % {"max": scale.max_score})
        top = scale.max_score
    return [int(values.get(n) or 0) for n in range(top + 1)]


def _check_scores(reader: _Cells, scores: list[int], participants: int, counts: dict[str, int],
                  scale: Scale | None) -> None:
    """The distribution must count the same pupils as the marks, mark by mark where the scale says."""
    first = next(k for k in reader.columns.index if k.startswith("score_"))
    if sum(scores) != participants:
        reader.fail(first, _("The pupils by score add up to %(total)d, not to the %(count)d participants.")
                    % {"total": sum(scores), "count": participants})
        return
    edges = [None if scale is None else getattr(scale, f"mark{m}_from") for m in (3, 4, 5)]
    if scale is None or any(e is None for e in edges) or scale.procedure.score_kind != ScoreKind.MARK:
        return
    bounds = [0, *edges, len(scores)]
    for mark, low, high in zip((2, 3, 4, 5), bounds[:-1], bounds[1:], strict=True):
        got, given = sum(scores[low:high]), counts.get(f"mark{mark}")
        if given is not None and got != given:
            reader.fail(first, _("By the score distribution %(got)d pupils have mark %(mark)d; the marks say "
                                 "%(given)d.") % {"got": got, "mark": mark, "given": given})
            return


def _distribution_sd(scores: list[int], max_score: int) -> float | None:
    """Sample sd of the primary score, % of the maximum, from pupils by score."""
    n = sum(scores)
    if n < 2 or not max_score:
        return None
    mean = sum(p * c for p, c in enumerate(scores)) / n
    var = sum(c * (p - mean) ** 2 for p, c in enumerate(scores)) / (n - 1)
    return var ** 0.5 / max_score * 100


def _lookup(reader: _Cells, key: str, find: Any, unknown: str) -> Any:
    text = cell_text(reader.raw(key))
    if not text:
        reader.fail(key, _("The value is required."))
        return None
    found = find(text)
    if found is None:
        reader.fail(key, unknown % {"value": text, "known": staging.known_procedures_text()})
        return None
    return found


def _check_pupil_cells(rows: list[_Row], columns: ColumnMap, errors: ErrorList) -> None:
    """Refuse cells that pupil results already cover (in the store or in computed indicators)."""
    computed = set(
        SchoolIndicator.objects.filter(
            source=Source.PUPILS, school_id__in={r.school.pk for r in rows},
            year__in={r.year for r in rows},
        ).values_list("school_id", "procedure_id", "year", "subject_id", "grade")
    )
    stored: set[tuple[str, int, str, str, int]] = set()  # procedure, year, school, subject, grade
    for code, year in {(r.procedure.code, r.year) for r in rows}:
        schools = sorted({r.school.code for r in rows if r.procedure.code == code and r.year == year})
        stored.update((code, year, s, subj, g) for s, subj, g in works_present(code, year, schools))
    for r in rows:
        key = (r.procedure.code, r.year, r.school.code, r.subject.code, r.grade)
        if r.cell in computed or key in stored:
            errors.add(r.row, columns.label["school_code"],
                       _("Pupil results of this school and work are already loaded; aggregates "
                         "cannot replace them."))


def _shares(counts: dict[str, int] | None, n: int) -> dict[str, Any]:
    """Mark counts, the shares and their intervals; all empty when the form suppressed the counts."""
    if counts is None:
        return dict.fromkeys((*MARKS, "fail_share", "fail_low", "fail_high", "high_share", "high_low",
                              "high_high"))
    fails, highs = counts["mark2"], counts["mark4"] + counts["mark5"]
    fail_low, fail_high = wilson(fails, n)
    high_low, high_high = wilson(highs, n)
    return {**counts, "fail_share": fails / n, "fail_low": fail_low, "fail_high": fail_high,
            "high_share": highs / n, "high_low": high_low, "high_high": high_high}


def _indicator(r: _Row, previous: dict[tuple[int, int, int, int], float | None]) -> SchoolIndicator:
    n = sum(r.counts.values()) if r.counts is not None else r.participants
    shares = _shares(r.counts, n)
    mean_mark = sum(int(k[-1]) * v for k, v in r.counts.items()) / n if r.counts is not None else r.mean_mark
    before = previous.get((r.school.pk, r.procedure.pk, r.subject.pk, r.grade))
    change = None if before is None or shares["fail_share"] is None else shares["fail_share"] - before
    return SchoolIndicator(
        school=r.school, procedure=r.procedure, year=r.year, subject=r.subject, grade=r.grade,
        class_name="", source=Source.AGGREGATES, participants=n, **shares,
        mean_pct=r.mean_pct, mean_mark=mean_mark, fail_change=change,
        negative_dynamics=change is not None and change >= NEGATIVE_DYNAMICS - 1e-9,
        small_group=small_group(n), lowered=r.journal.get("lowered"), pct_sd=r.pct_sd, score_counts=r.scores,
        confirmed=r.journal.get("confirmed"), raised=r.journal.get("raised"),
    )


def _apply(rows: list[_Row]) -> tuple[int, int]:
    """Replace the aggregate rows of these cells; returns (created, replaced)."""
    schools = {r.school.pk for r in rows}
    years = {r.year for r in rows}
    with transaction.atomic():
        prior = {
            (s, p, y, subj, g): share
            for s, p, y, subj, g, share in SchoolIndicator.objects.filter(
                school_id__in=schools, year__in={y - 1 for y in years}, class_name=""
            ).values_list("school_id", "procedure_id", "year", "subject_id", "grade", "fail_share")
        }
        replaced = 0
        for r in rows:
            previous = {
                (s, p, subj, g): share for (s, p, y, subj, g), share in prior.items()
                if y == r.year - 1
            }
            school, procedure, year, subject, grade = r.cell
            old = SchoolIndicator.objects.filter(
                school_id=school, procedure_id=procedure, year=year, subject_id=subject,
                grade=grade, source=Source.AGGREGATES,
            )
            replaced += old.filter(class_name="").count()
            old.delete()
            TaskIndicator.objects.filter(
                school_id=school, procedure_id=procedure, year=year, subject_id=subject,
                grade=grade, class_name="",
            ).delete()
            indicator = _indicator(r, previous)
            indicator.save()
            TaskIndicator.objects.bulk_create(
                TaskIndicator(school_id=school, procedure_id=procedure, year=year,
                              subject_id=subject, grade=grade, class_name="", task=n,
                              participants=indicator.participants, completion=pct / 100)
                for n, pct in sorted(r.tasks.items())
            )
            _update_next_year(indicator)
    return len(rows) - replaced, replaced


def _update_next_year(indicator: SchoolIndicator) -> None:
    """The following year's whole-grade row of the cell now has a year to compare with."""
    for later in SchoolIndicator.objects.filter(
        school_id=indicator.school_id, procedure_id=indicator.procedure_id,
        year=indicator.year + 1, subject_id=indicator.subject_id, grade=indicator.grade,
        class_name="",
    ):
        now, before = later.fail_share, indicator.fail_share  # None: the form suppressed the counts
        change = None if now is None or before is None else now - before
        later.fail_change = change
        later.negative_dynamics = change is not None and change >= NEGATIVE_DYNAMICS - 1e-9
        later.save(update_fields=["fail_change", "negative_dynamics"])
