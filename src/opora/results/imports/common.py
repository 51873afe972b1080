"""What the scales and tasks imports share: who may run them, the work key, whole numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.imports.cells import CellError, cell_count, cell_text
from opora.core.imports.tabular import CellValue, Column, ColumnMap, ErrorList
from opora.core.models import User
from opora.core.years import FIRST_YEAR, LAST_YEAR
from opora.results.models import Procedure, Scale, Subject
from opora.results.reference import ProcedureIndex, SubjectIndex

WORK_COLUMNS: tuple[Column, ...] = (
    Column("procedure", ("процедура", "оценочная процедура"), required=True),
    Column("year", ("год",), required=True),
    Column("subject", ("предмет", "учебный предмет"), required=True),
    Column("grade", ("класс", "параллель"), required=True),
)

WorkKey = tuple[int, int, int, int]  # procedure id, year, subject id, grade


def may_import_reference(actor: User) -> bool:
    """Scales and tasks serve every region, so only a region-wide importer or the superuser.

    IMPORT_REFERENCE held for a whole region: the regional administrator.
    """
    return access.regions_for(actor, Perm.IMPORT_REFERENCE).exists()


def work_name(procedure: Procedure, year: int, subject: Subject, grade: int) -> str:
    return _("%(procedure)s %(year)d, %(subject)s, grade %(grade)d") % {
        "procedure": procedure.name,
        "year": year,
        "subject": subject.name,
        "grade": grade,
    }


def scale_name(scale: Scale) -> str:
    return work_name(scale.procedure, scale.year, scale.subject, scale.grade)


@dataclass(frozen=True)
class Work:
    procedure: Procedure
    year: int
    subject: Subject
    grade: int

    @property
    def key(self) -> WorkKey:
        return (self.procedure.pk, self.year, self.subject.pk, self.grade)

    def __str__(self) -> str:
        return work_name(self.procedure, self.year, self.subject, self.grade)


@dataclass
class RowReader:
    """Reads the cells of one row, adding a row/column/reason error for each bad one."""

    number: int
    cells: Sequence[CellValue]
    columns: ColumnMap
    errors: ErrorList
    column_prefix: str = ""  # «Лист2!» for a sheet after the first
    ok: bool = True

    def label(self, key: str) -> str:
        return self.column_prefix + self.columns.label.get(key, key)

    def fail(self, key: str, message: str) -> None:
        self.errors.add(self.number, self.label(key), message)
        self.ok = False

    def text(self, key: str) -> str:
        return cell_text(self.columns.cell(self.cells, key)) if self.columns.has(key) else ""

    def whole(self, key: str, low: int, high: int, *, required: bool = True) -> int | None:
        """A whole number in low..high; None if empty (an error if required) or bad."""
        raw = self.columns.cell(self.cells, key) if self.columns.has(key) else None
        if not cell_text(raw):
            if required:
                self.fail(key, _("The value is required."))
            return None
        try:
            value = cell_count(raw)
        except CellError as exc:
            self.fail(key, str(exc))
            return None
        if not low <= value <= high:
            self.fail(
                key,
                _("The value must be from %(low)d to %(high)d, found %(value)d.")
                % {"low": low, "high": high, "value": value},
            )
            return None
        return value

    def work(self, procedures: ProcedureIndex, subjects: SubjectIndex) -> Work | None:
        procedure_text = self.text("procedure")
        procedure = procedures.find(procedure_text)
        if not procedure_text:
            self.fail("procedure", _("The value is required."))
        elif procedure is None:
            self.fail(
                "procedure",
                _("Unknown procedure «%(value)s»; accepted: %(accepted)s.")
                % {"value": procedure_text, "accepted": procedures.accepted()},
            )
        year = self.whole("year", FIRST_YEAR, LAST_YEAR)
        subject_text = self.text("subject")
        subject = subjects.find(subject_text)
        if not subject_text:
            self.fail("subject", _("The value is required."))
        elif subject is None:
            self.fail(
                "subject",
                _("Unknown subject «%(value)s»; accepted: %(accepted)s.")
                % {"value": subject_text, "accepted": subjects.accepted()},
            )
        grade = self.whole("grade", 1, 11)
        if procedure is None or subject is None or year is None or grade is None:
            return None
        return Work(procedure, year, subject, grade)
