"""Electronic roadmaps: where each school of the programme stands in the year's cycle (the board's
data), scoped exactly as on the pages (Perm.VIEW_PLANS)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from opora.api.auth import caller
from opora.api.schemas import ERRORS
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.models import User
from opora.core.years import FIRST_YEAR, LAST_YEAR
from opora.plans.board import BoardRow, board_rows

router = Router(tags=["Дорожные карты"])


class StatusQuery(Schema):
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR, description="Год цикла")
    municipality: str | None = Field(None, max_length=20, description="Код муниципалитета")
    school: str | None = Field(None, max_length=32, description="Код школы")


class DocumentOut(Schema):
    kind: str = Field(description="concept | programme | antirisk | roadmap | report_half | report_year")
    factor: str = Field(description="Код фактора риска (антирисковая программа); пусто у остальных")
    state: str = Field(description="draft | submitted | returned | approved; none — документа ещё нет")
    due_on: date | None = Field(description="Срок этапа по календарю (муниципальный важнее регионального)")
    overdue: bool = Field(description="Срок прошёл, а документ не утверждён (отчёт — не сдан)")
    submitted_at: datetime | None = Field(description="Последняя отправка на проверку")
    approved_at: datetime | None
    revisions: int = Field(description="Сколько раз документ отправляли на проверку (версий)")


class ExecutionOut(Schema):
    total: int = Field(description="Мероприятий в дорожной карте")
    done: int
    done_on_time: int = Field(description="Выполнено не позже срока")
    overdue: int = Field(description="Срок прошёл, не выполнено и не отменено")
    share_on_time: float | None = Field(
        description="Доля выполненных в срок (0–1, без отменённых); null — нечего считать")


class SchoolStatusOut(Schema):
    school_code: str
    school_name: str
    municipality_code: str
    year: int
    documents: list[DocumentOut] = Field(description="Документы по порядку цикла; этап без документа — state none")
    execution: ExecutionOut


def _reader(request: HttpRequest) -> User:
    user = caller(request)
    if not access.has_perm_anywhere(user, Perm.VIEW_PLANS):
        raise AccessDenied
    return user


def _item(row: BoardRow, year: int) -> dict[str, Any]:
    documents = []
    for cell in row.cells:
        documents += [{"kind": d.kind, "factor": d.factor, "state": d.state, "due_on": d.due_on,
                       "overdue": d.overdue, "submitted_at": d.submitted_at, "approved_at": d.approved_at,
                       "revisions": d.revisions} for d in cell.documents]
        if not cell.documents:
            documents.append({"kind": cell.kind, "factor": "", "state": cell.state, "due_on": cell.due_on,
                              "overdue": cell.overdue, "submitted_at": None, "approved_at": None, "revisions": 0})
    execution = asdict(row.execution) if row.execution else {"total": 0, "done": 0, "done_on_time": 0,
                                                              "overdue": 0, "share_on_time": None}
    return {"school_code": row.school.code, "school_name": row.school.name,
            "municipality_code": row.school.municipality.code, "year": year, "documents": documents,
            "execution": execution}


@router.get("/roadmaps/status", response={200: list[SchoolStatusOut], **ERRORS},
            summary="Состояние документов «500+» по школам за год")
def roadmaps_status(request: HttpRequest, params: Query[StatusQuery]) -> Any:
    """Школы программы, доступные пользователю (есть документы за год или школа в утверждённом списке
    этого или прошлого года): по каждому этапу цикла — состояние документа, срок, просрочка, даты отправки
    и утверждения, число версий; исполнение дорожной карты (доля мероприятий, выполненных в срок).
    Порядок: муниципалитет, школа (по названию)."""
    user = _reader(request)
    rows = board_rows(user, year=params.year, municipality=params.municipality, school=params.school,
                      today=timezone.localdate())
    return [_item(row, params.year) for row in rows]
