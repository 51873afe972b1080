"""The protocol as DOCX, in the usual form (seeds 000 and 003)."""

from __future__ import annotations

from datetime import date, time
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from tests.support.meetings_builders import make_decision, make_meeting

pytestmark = pytest.mark.django_db


def test_protocol_docx_has_the_usual_blocks(cast):
    meeting = make_meeting(
        cast, number="1", held_on=date(2022, 11, 10), starts_at=time(15, 0),
        approver="Начальник Управления образования\nЛ.М. Миннуллина",
        attendees_text="Баранова Е.М., заместитель директора по УВР, куратор;\nБессонова М.В., координатор\x0b",
        agenda=[{"title": "О реализации муниципальной программы", "speaker": "Плотникова Т.А.",
                 "heard": "В 2022/2023 учебном году вопросам оценки качества уделяется внимание."}])
    make_decision(meeting, "Сформировать заявку на курсы повышения квалификации", due_on=date(2022, 12, 8),
                  owners_text="руководители, Плотникова Т.А.")
    make_decision(meeting, "Разработать антирисковую программу", due_on=date(2023, 2, 27), owners_text="",
                  schools=[cast.s1, cast.s2])
    client = Client()
    client.force_login(cast.sam)
    response = client.get(reverse("meetings:protocol", args=[meeting.pk]))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    text = "\n".join(p.text for p in Document(BytesIO(response.content)).paragraphs)
    for expected in ("УТВЕРЖДАЮ", "Л.М. Миннуллина", "ПРОТОКОЛ", meeting.title, "10.11.2022, 15:00", "№ 1",
                     "Присутствовали:", "Баранова Е.М.", "Повестка", "1. Слушали: Плотникова Т.А.",
                     "Решили:", "1. Сформировать заявку", "отв. руководители, Плотникова Т.А.", "срок до 08.12.2022",
                     "отв. МБОУ СОШ № 1 г. Озёрска, МКОУ Заречная ООШ", "Председатель", "Секретарь"):
        assert expected in text, expected
    assert text.index("УТВЕРЖДАЮ") < text.index("ПРОТОКОЛ") < text.index("Присутствовали:") \
        < text.index("Повестка") < text.index("Решили:") < text.index("Председатель\t")


def test_protocol_of_another_region_is_404(cast):
    meeting = make_meeting(cast)
    client = Client()
    client.force_login(cast.zoe)
    assert client.get(reverse("meetings:protocol", args=[meeting.pk])).status_code == 404
