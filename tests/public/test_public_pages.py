"""The public pages, without login: what a visitor sees of a public programme, and that nothing
private reaches any public page or export."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from opora.support.models.practices import Practice
from tests.conftest import Cast
from tests.public.builders import (
    APPROVED_TITLE,
    EVENT_TITLE,
    FACTOR_CHOSEN,
    GOALS,
    NEWS_TITLE,
    PRACTICE_TITLE,
    PRIVATE,
    World,
    public_world,
)

pytestmark = pytest.mark.django_db
JUNE_2026 = datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.fixture
def world(cast: Cast) -> World:
    return public_world(cast)


@pytest.fixture(autouse=True)
def _june_2026():  # noqa: ANN202
    with time_machine.travel(JUNE_2026, tick=False):
        yield


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def xlsx_text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)


def public_urls(world: World) -> list[str]:
    code = world.programme.code
    return [reverse("public:home"), reverse("public:programme", args=[code]), reverse("public:events", args=[code]),
            reverse("public:news"), reverse("public:news_detail", args=[world.news.pk])]


def export_urls(world: World) -> list[str]:
    code = world.programme.code
    return [reverse("public:programme_kpis_export", args=[code]),
            reverse("public:programme_schools_export", args=[code]),
            reverse("public:events_export", args=[code]), reverse("public:news_export")]


def test_visitor_without_login_sees_the_public_programme_but_not_a_closed_one(client: Client, world: World) -> None:
    home = page(client, reverse("public:home"))
    assert world.programme.title in home
    assert "Закрытая программа" not in home
    assert client.get(reverse("public:programme", args=[world.hidden_programme.code])).status_code == 404


def test_programme_page_shows_goals_indicator_values_and_missing_data_never_as_zero(client: Client,
                                                                                     world: World) -> None:
    html = page(client, reverse("public:programme", args=[world.programme.code]))
    assert GOALS in html
    # 2026 by hand (tests/programmes/builders): dynamics 1 of 2 = 50 %, exits 2 of 3 = 66,7 %,
    # partnerships 1 of 3 = 33,3 %, coverage 2 of 3 = 66,7 %, teachers diagnosed 3 of 6 = 50 %.
    for value in ("50%", "66,7%", "33,3%"):
        assert value in html
    # Teachers trained on plans in 2025: nobody has a plan → no data, not 0 %; 2027 has not started.
    assert 'class="no_data"' in html
    assert 'class="not_started"' in html
    no_data_cell = html.split('<li class="no_data">', 1)[1].split("</li>", 1)[0]
    assert '<span class="fact">—</span>' in no_data_cell


def test_programme_page_lists_schools_with_chosen_factors_and_approved_documents_only(client: Client,
                                                                                      cast: Cast,
                                                                                      world: World) -> None:
    html = page(client, reverse("public:programme", args=[world.programme.code]))
    for school in (cast.s1, cast.s2, cast.s3):
        assert school.name in html
    assert cast.s4.name not in html
    assert FACTOR_CHOSEN in html and APPROVED_TITLE in html
    assert "Фактор не выбранный школой" not in html  # not chosen
    assert "Фактор без проверки" not in html  # chosen on a profile still to verify


def test_programme_page_shows_events_and_links_to_the_public_practice(client: Client, world: World) -> None:
    html = page(client, reverse("public:programme", args=[world.programme.code]))
    assert EVENT_TITLE in html and "актовый зал" in html
    assert PRACTICE_TITLE in html
    assert reverse("practices:public_detail", args=[world.practice.pk]) in html
    assert NEWS_TITLE in html
    events = page(client, reverse("public:events", args=[world.programme.code]))
    assert EVENT_TITLE in events and "14.10.2026" in events


def test_no_public_page_or_export_shows_anything_private(client: Client, world: World) -> None:
    for url in public_urls(world):
        html = page(client, url)
        leaked = [p for p in PRIVATE if p in html]
        assert not leaked, (url, leaked)
    for url in export_urls(world):
        text = xlsx_text(client, url)
        leaked = [p for p in PRIVATE if p in text]
        assert not leaked, (url, leaked)


def test_a_signed_in_user_sees_the_same_public_pages_without_private_data(client: Client, cast: Cast,
                                                                          world: World) -> None:
    client.force_login(cast.alice)
    html = page(client, reverse("public:programme", args=[world.programme.code]))
    assert not [p for p in PRIVATE if p in html and p != "Смирнова"]  # her own name is in the top bar


def test_unpublished_news_and_practices_are_not_reachable(client: Client, world: World) -> None:
    assert client.get(reverse("public:news_detail", args=[world.draft_news.pk])).status_code == 404
    hidden = Practice.objects.get(title="Непубличная практика")
    html = page(client, reverse("public:programme", args=[world.programme.code]))
    assert reverse("practices:public_detail", args=[hidden.pk]) not in html


def test_indicator_export_has_plan_and_fact_per_year(client: Client, world: World) -> None:
    response = client.get(reverse("public:programme_kpis_export", args=[world.programme.code]))
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    exits_2026 = [r for r in rows[1:] if r[1] == 2026 and r[3] == 66.7]  # 2 of 3 schools left the list
    assert exits_2026, rows
    assert len(rows) == 1 + 6 * 3  # six indicators × three years


def test_programme_page_queries_do_not_grow_with_schools(client: Client, world: World,
                                                          django_assert_max_num_queries) -> None:  # noqa: ANN001
    with django_assert_max_num_queries(80):  # the first view computes and stores the figures
        page(client, reverse("public:programme", args=[world.programme.code]))
    with django_assert_max_num_queries(20):  # later views read them
        page(client, reverse("public:programme", args=[world.programme.code]))
