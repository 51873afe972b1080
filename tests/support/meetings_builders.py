"""Builders for meetings and decisions in tests (part D)."""

from __future__ import annotations

from datetime import date
from typing import Any

from opora.core.models import School, User
from opora.support.models import Decision, DecisionOwner, Meeting


def make_meeting(cast: Any, *, municipality: Any = "m1", **fields: Any) -> Meeting:
    m = getattr(cast, municipality) if isinstance(municipality, str) else municipality
    region = m.region if m is not None else cast.r10
    data = {"title": "Заседание рабочей группы по работе со школами с низкими результатами обучения",
            "number": "1", "held_on": date(2026, 1, 15), "place": "Управление образования, каб. 5",
            "chair": "Плотникова Т.А.", "secretary": "Зыкова М.В."} | fields
    return Meeting.objects.create(region=region, municipality=m, **data)


def make_decision(meeting: Meeting, text: str = "Разработать антирисковую программу", *,
                  due_on: date | None = date(2026, 2, 27), schools: list[School] = (),  # type: ignore[assignment]
                  users: list[User] = (), **fields: Any) -> Decision:  # type: ignore[assignment]
    position = meeting.decisions.count() + 1
    decision = Decision.objects.create(meeting=meeting, text=text, due_on=due_on, position=position,
                                       number=fields.pop("number", str(position)), **fields)
    for school in schools:
        DecisionOwner.objects.create(decision=decision, school=school)
    for user in users:
        DecisionOwner.objects.create(decision=decision, user=user)
    return decision
