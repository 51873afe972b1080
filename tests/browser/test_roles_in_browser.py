"""Each role signs in through the real login form and sees its scope, and nothing beyond it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD, Cast
from tests.scopes import VISIBLE_SCHOOLS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL = {
    "1001": "МБОУ СОШ № 1 г. Озёрска",
    "1002": "МКОУ Заречная ООШ",
    "1003": "МАОУ Лицей № 3 г. Лесного",
    "2001": "МБОУ Степная СОШ",
}
SCOPES = {k: v for k, v in VISIBLE_SCHOOLS.items() if v and k != "vera"}
PEOPLE_MENU = {"alice", "rita", "maria", "oleg", "sam", "zoe"}
IMPORTS_MENU = {"alice", "oleg", "rita", "zoe"}  # rita: the results imports


def sign_in(page, base_url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "/login/")
    page.get_by_label("Логин").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(base_url + "/")


@pytest.mark.parametrize("username", sorted(SCOPES))
def test_role_sees_its_schools_and_menu_only(page, live_server, cast: Cast, username: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live_server.url, username)
    assert page.locator("[data-stat=schools]").inner_text() == str(len(SCOPES[username]))

    menu = page.get_by_role("navigation", name="Главное меню")
    assert (menu.get_by_role("link", name="Люди").count() == 1) == (username in PEOPLE_MENU)
    assert (menu.get_by_role("link", name="Загрузка данных").count() == 1) == (username in IMPORTS_MENU)

    page.goto(live_server.url + "/schools/")
    table = page.locator("table.schools")
    for code, name in ALL.items():
        visible = table.get_by_role("link", name=name).count() == 1
        assert visible == (code in SCOPES[username]), (username, code)

    # Typing an address of a school outside the scope shows "not found", never its data.
    outside = sorted(set(ALL) - SCOPES[username])[0]
    page.goto(f"{live_server.url}/schools/{outside}/")
    assert page.get_by_role("heading", name="Не найдено").is_visible()
    assert ALL[outside] not in page.content()


def test_wrong_password_keeps_the_login_and_says_why(page, live_server, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/login/")
    page.get_by_label("Логин").fill("sam")
    page.get_by_label("Пароль").fill("wrong-password")
    page.get_by_role("button", name="Войти").click()
    page.locator(".errorlist").wait_for()  # is_visible() does not wait for the answer
    assert page.get_by_label("Логин").input_value() == "sam"
    assert re.search(r"[а-яА-Я]", page.locator(".errorlist").inner_text())


def test_school_search_filters_the_list_as_you_type(page, live_server, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live_server.url, "alice")
    page.goto(live_server.url + "/schools/")
    page.get_by_label("Поиск").fill("лицей")
    page.wait_for_function("document.querySelector('[data-testid=school-count]').innerText.includes('1')")
    rows = page.locator("table.schools tbody tr")
    assert rows.count() == 1 and "Лицей № 3" in rows.first.inner_text()
    page.get_by_label("Тип поселения").select_option("village")
    page.get_by_label("Поиск").fill("")
    page.wait_for_function(
        "document.querySelectorAll('table.schools tbody tr').length === 1"
        " && document.querySelector('table.schools').innerText.includes('Заречная')"
    )


def test_administrator_invites_a_person_and_assigns_a_role(page, live_server, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live_server.url, "oleg")
    page.get_by_role("link", name="Люди").click()
    page.get_by_role("link", name="Пригласить пользователя").click()
    page.get_by_label("ФИО").fill("Анна Сергеевна Новикова")
    page.get_by_label("Логин").fill("novikova")
    page.get_by_label("Эл. почта").fill("novikova@example.org")
    page.get_by_role("button", name="Пригласить").click()
    page.get_by_role("heading", name="Анна Сергеевна Новикова").wait_for()
    assert page.get_by_test_id("invitation-link").is_visible()

    page.get_by_label("Роль", exact=True).select_option("teacher")
    page.get_by_label("Школа", exact=True).select_option(label="МКОУ Заречная ООШ (1002)")
    page.get_by_role("button", name="Назначить").click()
    page.locator("table.roles").get_by_text("учитель").wait_for()
    assert page.locator("table.roles").get_by_text("МКОУ Заречная ООШ").is_visible()
