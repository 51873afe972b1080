"""Meeting and decision pages: who sees what, recording a protocol, reporting a part, lists and XLSX."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from opora.support.models import DecisionOwner, DecisionStatus, Meeting
from tests.support.meetings_builders import make_decision, make_meeting

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def protocol(cast):
    meeting = make_meeting(cast, agenda=[{"title": "Анализ результатов ВПР", "speaker": "Плотникова Т.А.",
                                          "heard": "Результаты снизились при переходе в основную школу."}])
    overdue = make_decision(meeting, "Разработать антирисковую программу", due_on=date(2026, 2, 27),
                            schools=[cast.s1, cast.s2], owners_text="руководители ОО")
    later = make_decision(meeting, "Подготовить методические рекомендации", due_on=date(2026, 5, 1),
                          users=[cast.oleg], owners_text="Плотников О.С.")
    return meeting, overdue, later


def test_nobody_without_support_rights_gets_403(cast, protocol):
    client = login(cast.nobody)
    assert client.get(reverse("meetings:home")).status_code == 403
    assert client.get(reverse("meetings:decisions")).status_code == 403
    assert client.get(reverse("meetings:detail", args=[protocol[0].pk])).status_code == 403


def test_other_region_and_other_municipality_do_not_see_the_meeting(cast, protocol):
    meeting = protocol[0]
    for user in (cast.zoe, cast.olga, cast.vera):
        client = login(user)
        assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
        page = client.get(reverse("meetings:home")).content.decode()
        assert meeting.title not in page
        assert client.get(reverse("meetings:part", args=[protocol[1].owners.first().pk])).status_code == 404


def test_municipal_and_school_roles_see_the_meeting_and_its_decisions(cast, protocol):
    meeting = protocol[0]
    for user in (cast.maria, cast.oleg, cast.alice, cast.rita, cast.sam, cast.tom, cast.kate, cast.mila):
        response = login(user).get(reverse("meetings:detail", args=[meeting.pk]))
        assert response.status_code == 200, user.username
        assert "Разработать антирисковую программу" in response.content.decode()


def test_a_regional_meeting_is_seen_by_an_owner_school_of_another_municipality(cast):
    meeting = make_meeting(cast, municipality=None, title="Региональное совещание")
    make_decision(meeting, "Направить дорожную карту", schools=[cast.s3])
    assert login(cast.vera).get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    assert login(cast.olga).get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    assert login(cast.sam).get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    assert login(cast.maria).get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404


def test_only_organisers_see_the_new_meeting_page(cast):
    assert login(cast.sam).get(reverse("meetings:new")).status_code == 403
    assert login(cast.mila).get(reverse("meetings:new")).status_code == 403
    assert login(cast.oleg).get(reverse("meetings:new")).status_code == 200


def test_recording_a_meeting_keeps_what_was_typed_on_error_and_saves_the_agenda(cast):
    client = login(cast.maria)
    data = {"unit": str(cast.m1.pk), "title": "Совещание руководителей ОО", "held_on": "", "number": "7",
            "place": "г. Озёрск", "attendees": [str(cast.sam.pk)], "attendees_text": "Лосев С.О., директор",
            "agenda-TOTAL_FORMS": "2", "agenda-INITIAL_FORMS": "0", "agenda-MIN_NUM_FORMS": "0",
            "agenda-MAX_NUM_FORMS": "50", "agenda-0-title": "Об итогах ВПР", "agenda-0-speaker": "Зыкова М.И.",
            "agenda-0-heard": "", "agenda-1-title": "", "agenda-1-speaker": "", "agenda-1-heard": ""}
    response = client.post(reverse("meetings:new"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Совещание руководителей ОО" in page and "Об итогах ВПР" in page
    assert "Обязательное поле" in page
    data["held_on"] = "2026-03-05"
    response = client.post(reverse("meetings:new"), data)
    meeting = Meeting.objects.get(title="Совещание руководителей ОО")
    assert response.status_code == 302
    assert meeting.agenda == [{"title": "Об итогах ВПР", "speaker": "Зыкова М.И.", "heard": ""}]
    assert list(meeting.attendees.all()) == [cast.sam]


def test_organiser_adds_a_decision_for_schools_and_the_heads_see_their_parts(cast, protocol):
    meeting = protocol[0]
    response = login(cast.maria).post(reverse("meetings:detail", args=[meeting.pk]), {
        "number": "5", "text": "Направить дорожную карту на согласование", "due_on": "2026-03-27",
        "owners_text": "руководители ОО", "schools": [str(cast.s1.pk)], "users": [str(cast.mila.pk)]})
    assert response.status_code == 302
    decision = meeting.decisions.get(number="5")
    assert decision.owners.count() == 2
    assert "Направить дорожную карту" in login(cast.sam).get(reverse("meetings:decisions") + "?mine=1").content.decode()


def test_head_cannot_add_decisions(cast, protocol):
    response = login(cast.sam).post(reverse("meetings:detail", args=[protocol[0].pk]), {"text": "Решение"})
    assert response.status_code == 403


def test_head_reports_the_schools_part_with_a_file_and_others_cannot(cast, protocol, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    part = protocol[1].owners.get(school=cast.s1)
    url = reverse("meetings:part", args=[part.pk])
    assert login(cast.tom).post(url, {"evidence": "готово"}).status_code == 403
    assert login(cast.kate).post(url, {"evidence": "готово"}).status_code == 403
    bad = login(cast.sam).post(url, {"evidence": "", "file": SimpleUploadedFile("a.exe", b"MZ")})
    assert bad.status_code == 400
    assert "не принимается" in bad.content.decode()
    pdf = SimpleUploadedFile("Программа.pdf", b"%PDF-1.4\n%%EOF\n")
    response = login(cast.sam).post(url, {"evidence": "Программа утверждена приказом № 15", "file": pdf})
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.status == DecisionStatus.DONE and part.closed_by == cast.sam
    download = login(cast.maria).get(reverse("meetings:part_file", args=[part.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert login(cast.zoe).get(reverse("meetings:part_file", args=[part.pk])).status_code == 404


def test_a_part_reported_by_an_account_since_deleted_still_opens(cast, protocol):
    part = protocol[1].owners.get(school=cast.s1)
    login(cast.sam).post(reverse("meetings:part", args=[part.pk]), {"evidence": "Программа утверждена"})
    DecisionOwner.objects.filter(pk=part.pk).update(closed_by=None)  # SET_NULL when the user is deleted
    response = login(cast.maria).get(reverse("meetings:part", args=[part.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Программа утверждена" in page and "—" in page


def test_organiser_closes_the_decision_as_a_whole(cast, protocol):
    decision = protocol[2]
    url = reverse("meetings:decision_status", args=[decision.pk])
    assert login(cast.sam).post(url, {"status": "done"}).status_code == 403
    login(cast.oleg).post(url, {"status": "cancelled", "note": ""})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OPEN  # a cancellation needs a reason
    login(cast.oleg).post(url, {"status": "done", "note": "Рекомендации размещены на сайте"})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE


def test_decision_list_filters_overdue_and_school_and_exports_xlsx(cast, protocol, django_assert_max_num_queries):
    client = login(cast.maria)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("meetings:decisions") + "?overdue=1").content.decode()
    assert "Разработать антирисковую программу" in page
    assert "Подготовить методические рекомендации" not in page
    page = client.get(reverse("meetings:school_decisions", args=[cast.s2.code])).content.decode()
    assert "Разработать антирисковую программу" in page and "методические рекомендации" not in page
    response = client.get(reverse("meetings:decisions") + "?format=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert any("МКОУ Заречная ООШ" in (row[7] or "") for row in rows[1:])


def test_decision_list_page_does_not_grow_queries_with_rows(cast, protocol, django_assert_max_num_queries):
    meeting = protocol[0]
    for n in range(30):
        make_decision(meeting, f"Решение {n}", schools=[cast.s1, cast.s2], users=[cast.oleg])
    client = login(cast.maria)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("meetings:decisions")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("meetings:home")).status_code == 200


def test_school_decisions_of_a_school_outside_scope_is_404(cast, protocol):
    assert login(cast.sam).get(reverse("meetings:school_decisions", args=[cast.s2.code])).status_code == 404
    assert login(cast.sam).get(reverse("meetings:school_decisions", args=[cast.s1.code])).status_code == 200


def test_start_page_shows_the_heads_overdue_part_first_in_red(cast, protocol):
    page = login(cast.sam).get(reverse("home")).content.decode()
    assert 'id="decisions-due"' in page
    block = page[page.index('id="decisions-due"'):]
    assert block.index("Разработать антирисковую программу") < block.index("</section>")
    assert "status-not_achieved" in block and "просрочено" in block.lower()
    assert 'id="decisions-due"' not in login(cast.vera).get(reverse("home")).content.decode()


def test_start_page_lists_a_persons_part(cast, protocol):
    page = login(cast.oleg).get(reverse("home")).content.decode()
    assert "Подготовить методические рекомендации" in page


def test_meeting_list_exports_xlsx(cast, protocol):
    response = login(cast.alice).get(reverse("meetings:home") + "?format=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][2] == protocol[0].title and rows[1][5] == 2 and rows[1][7] == 1


def test_removing_an_owner_settles_the_decision(cast, protocol):
    decision = protocol[1]
    part_s1 = decision.owners.get(school=cast.s1)
    part_s1.status = DecisionStatus.DONE
    part_s1.save()
    other = decision.owners.get(school=cast.s2)
    assert login(cast.sam).post(reverse("meetings:part_remove", args=[other.pk])).status_code == 403
    login(cast.maria).post(reverse("meetings:part_remove", args=[other.pk]))
    decision.refresh_from_db()
    assert not DecisionOwner.objects.filter(pk=other.pk).exists()
    assert decision.status == DecisionStatus.DONE
