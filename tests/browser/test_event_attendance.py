"""In the real browser: a methodist opens a held event, ticks who came and adds a walk-in; the
participation figures update without reloading the page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from opora.support.models import EventStatus, Participant
from opora.support.services import events as services
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_methodist_records_attendance_and_the_rate_updates(page, live_server, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    day = timezone.localdate() - datetime.timedelta(days=1)
    event = services.event_create(actor=cast.maria, municipality=cast.m1, data=services.EventData(
        title="Мировое кафе «Мониторинг рисков»", kind="world_cafe", starts_on=day))
    services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1, cast.s2])
    services.participants_register(actor=cast.maria, event=event, school=cast.s1,
                                   typed=services.parse_people("Петрова Анна Сергеевна, учитель\nСидоров Иван"))
    services.event_set_status(actor=cast.maria, event=event, status=EventStatus.HELD)
    base = live_server.url
    sign_in(page, base, "mila")
    page.goto(f"{base}/events/{event.pk}/")
    page.get_by_role("link", name="Отметить посещаемость").click()
    page.wait_for_url(re.compile(r"/attendance/$"))
    assert page.locator("#rate-schools").inner_text().strip() == "0 / 2"
    page.get_by_label("Петрова Анна Сергеевна присутствует").check()
    page.locator("#rate-schools").filter(has_text="1 / 2").wait_for()
    assert page.locator("#rate-registered").inner_text().strip() == "1 / 2"
    page.get_by_label("ФИО").fill("Гостева Галина")
    page.get_by_label("Школа").select_option(label=cast.s2.name)
    page.get_by_role("button", name="Добавить как присутствующего").click()
    page.locator("#rate-schools").filter(has_text="2 / 2").wait_for()
    assert Participant.objects.get(event=event, full_name="Петрова Анна Сергеевна").attended is True
    assert Participant.objects.get(event=event, full_name="Гостева Галина").attended is True
