"""The board of the «500+» cycle: the schools of the programme × the stages of the cycle.

For one year, every school the user sees (`Perm.VIEW_PLANS`) that is in the programme — it has a
document that year, or it is in the region's approved list of the year or of the year before (so a
school that has not started shows as such) — with, per stage of `content.CYCLE`, the state of its
document(s), the dates, the due date, whether it is overdue, how long it waits for review, and the
roadmap's execution. A fixed handful of queries whatever the number of schools: the board, the
workspace and the API all read it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from opora.core import access
from opora.core.access import Perm
from opora.core.models import School
from opora.identification.models import ListEntry
from opora.plans import calendar, execution, timing
from opora.plans.content import CYCLE
from opora.plans.models import DocState, Document, DocumentKind, Transition
from opora.plans.selectors import UserLike

NONE = "none"  # no document of this stage yet
NOT_STARTED = "not_started"  # the school has no document of the year at all (a filter value)
STATE_FILTERS = (*DocState.values, NOT_STARTED)
# The order in which an anti-risk cell shows the least advanced of its programmes.
_BEHIND = (DocState.RETURNED, DocState.DRAFT, DocState.SUBMITTED, DocState.APPROVED)


def state_label(state: str) -> str:
    """The state in words: a document's state, «none» for a stage without a document."""
    if state == NONE:
        return pgettext("stage", "none")
    if state == NOT_STARTED:
        return _("not started")
    return str(DocState(state).label)


@dataclass(frozen=True)
class DocInfo:
    """One document on the board."""

    pk: int
    kind: str
    factor: str
    title: str
    state: str
    submitted_at: datetime | None
    approved_at: datetime | None
    due_on: date | None
    overdue: bool
    waiting_days: int | None  # days since the submission while it waits for review
    revisions: int

    @property
    def label(self) -> str:
        return state_label(self.state)


@dataclass
class Cell:
    """One stage of one school: a single document, or for anti-risk all the programmes."""

    kind: str
    due_on: date | None
    documents: list[DocInfo] = field(default_factory=list)
    overdue: bool = False  # the stage is due and not done (a missing document counts)

    @property
    def state(self) -> str:
        if not self.documents:
            return NONE
        states = {d.state for d in self.documents}
        return next(s for s in _BEHIND if s in states)

    @property
    def label(self) -> str:
        return state_label(self.state)

    @property
    def title(self) -> str:
        return str(DocumentKind(self.kind).label)

    @property
    def document(self) -> DocInfo | None:
        """The document the cell links to (for anti-risk: the least advanced one)."""
        state = self.state
        return next((d for d in self.documents if d.state == state), None)

    @property
    def approved(self) -> int:
        return sum(1 for d in self.documents if d.state == DocState.APPROVED)

    @property
    def total(self) -> int:
        return len(self.documents)

    @property
    def submitted_at(self) -> datetime | None:
        return max((d.submitted_at for d in self.documents if d.submitted_at), default=None)

    @property
    def approved_at(self) -> datetime | None:
        if not self.documents or self.approved < self.total:
            return None
        return max((d.approved_at for d in self.documents if d.approved_at), default=None)

    @property
    def waiting_days(self) -> int | None:
        return max((d.waiting_days for d in self.documents if d.waiting_days is not None), default=None)


@dataclass
class BoardRow:
    school: School
    cells: list[Cell]
    execution: execution.Execution | None

    @property
    def started(self) -> bool:
        return any(c.documents for c in self.cells)

    @property
    def overdue(self) -> bool:
        return any(c.overdue for c in self.cells) or bool(self.execution and self.execution.overdue)

    def cell(self, kind: str) -> Cell:
        return next(c for c in self.cells if c.kind == kind)

    def documents(self) -> list[DocInfo]:
        return [d for c in self.cells for d in c.documents]


def programme_schools(user: UserLike, *, year: int) -> QuerySet[School]:
    """Schools the user sees that are in the programme this year (a lazy queryset)."""
    listed = ListEntry.objects.filter(school=OuterRef("pk"), year_list__year__in=(year - 1, year),
                                      year_list__region=OuterRef("municipality__region"))
    documents = Document.objects.filter(school=OuterRef("pk"), year=year)
    return (access.schools_for(user, Perm.VIEW_PLANS)
            .filter(Q(Exists(documents)) | Q(Exists(listed)))
            .select_related("municipality"))


def board_rows(user: UserLike, *, year: int, municipality: str | None = None, state: str | None = None,
               overdue_only: bool = False, today: date | None = None,
               school: str | None = None) -> list[BoardRow]:
    """The board's rows, ordered by municipality and school name.

    `municipality` / `school` are codes; `state` keeps the schools having a stage in that state
    (`not_started`: no document at all); `overdue_only` keeps schools with an overdue stage or measure.
    """
    today = today or timezone.localdate()
    schools_qs = programme_schools(user, year=year)
    if municipality:
        schools_qs = schools_qs.filter(municipality__code=municipality)
    if school:
        schools_qs = schools_qs.filter(code=school)
    schools = list(schools_qs.order_by("municipality__name", "name", "pk"))
    rows = build_rows(schools, year=year, today=today)
    if state == NOT_STARTED:
        rows = [r for r in rows if not r.started]
    elif state:
        rows = [r for r in rows if any(c.state == state for c in r.cells)]
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    return rows


def build_rows(schools: list[School], *, year: int, today: date) -> list[BoardRow]:
    """Rows for these schools (already scoped by the caller), in their order."""
    if not schools:
        return []
    ids = [s.pk for s in schools]
    dues = calendar.dues_for(schools, year)
    by_school: dict[int, list[Document]] = defaultdict(list)
    documents = (Document.objects.filter(school_id__in=ids, year=year)
                 .only("pk", "school_id", "kind", "factor", "title", "state", "submitted_at", "approved_at")
                 .annotate(revision_count=Count("revisions")).order_by("school_id", "kind", "factor"))
    for document in documents:
        by_school[document.school_id].append(document)
    waits = review_waits([d.pk for docs in by_school.values() for d in docs if d.state == DocState.SUBMITTED])
    done = execution.execution_by_school(ids, year, today)
    rows = []
    for school in schools:
        cells: dict[str, Cell] = {kind: Cell(kind=kind, due_on=dues.get((school.pk, kind))) for kind in CYCLE}
        for doc in by_school.get(school.pk, []):
            cell = cells.get(doc.kind)
            if cell is not None:
                cell.documents.append(_info(doc, cell.due_on, today, waits.get(doc.pk)))
        for cell in cells.values():
            cell.overdue = (calendar.is_late(cell.kind, cell.state, cell.due_on, today)
                            or any(d.overdue for d in cell.documents))
        rows.append(BoardRow(school=school, cells=list(cells.values()), execution=done.get(school.pk)))
    return rows


def review_waits(submitted: list[int]) -> dict[int, int | None]:
    """Days each submitted document has waited for review, from its transitions (one query)."""
    by_document: dict[int, list[Transition]] = defaultdict(list)
    for t in Transition.objects.filter(document_id__in=submitted).only("pk", "document_id", "to_state", "at"):
        by_document[t.document_id].append(t)
    now = timezone.now()
    return {pk: timing.waits(rows, now).current_days for pk, rows in by_document.items()}


def _info(document: Document, due_on: date | None, today: date, waiting: int | None) -> DocInfo:
    if document.state == DocState.SUBMITTED and waiting is None and document.submitted_at:
        # No transitions recorded (imported or hand-made rows): the latest submission tells.
        waiting = max((timezone.now() - document.submitted_at).days, 0)
    elif document.state != DocState.SUBMITTED:
        waiting = None
    return DocInfo(
        pk=document.pk, kind=document.kind, factor=document.factor, title=document.title, state=document.state,
        submitted_at=document.submitted_at, approved_at=document.approved_at, due_on=due_on,
        overdue=calendar.is_late(document.kind, document.state, due_on, today), waiting_days=waiting,
        revisions=document.revision_count,  # type: ignore[attr-defined]
    )


@dataclass(frozen=True)
class StageCount:
    kind: str
    label: str
    approved: int
    submitted: int
    returned: int
    draft: int
    none: int
    overdue: int
    schools: int


def stage_counts(rows: list[BoardRow]) -> list[StageCount]:
    """Per stage: how many schools have it approved (all anti-risk programmes approved), etc."""
    out = []
    for kind in CYCLE:
        cells = [r.cell(kind) for r in rows]
        states = [c.state for c in cells]
        out.append(StageCount(
            kind=kind, label=str(DocumentKind(kind).label), approved=states.count(DocState.APPROVED),
            submitted=states.count(DocState.SUBMITTED), returned=states.count(DocState.RETURNED),
            draft=states.count(DocState.DRAFT), none=states.count(NONE),
            overdue=sum(1 for c in cells if c.overdue), schools=len(rows)))
    return out
