"""Every page every role can reach: no internal error anywhere, and no export that can run a formula.

The demo region is loaded once, then the names people type (schools, municipalities, users, titles,
texts) are rewritten to start with spreadsheet formula characters, as an attacker's import would
leave them. Each demo login (and an anonymous visitor) then follows every link from the start page,
one address per route and set of query parameters, and every XLSX it downloads is opened and
checked: a formula-looking value must be stored as text.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from io import BytesIO
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from openpyxl import load_workbook

from opora.core.models import RoleAssignment, User
from opora.demo.services import demo_load

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

INJECTED = '=HYPERLINK("http://evil.example","x")'
# Text fields people type; each value gets a formula prefix (kept within the column's length).
TEXT_FIELD_NAMES = {"name", "short_name", "title", "full_name", "text", "comment", "description", "topic",
                    "reason", "note", "position", "place", "summary", "content", "answer", "evidence"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SKIP_PREFIXES = ("/admin/", "/logout", "/accounts/logout", "/static/", "/media/", "/api/docs", "/i18n/")
PER_ROLE_LIMIT = 600


def _poison_text_fields() -> int:
    """Prefix every short user-typed text in the project's tables with a formula; returns the rows touched."""
    touched = 0
    for model in apps.get_models():
        if not model.__module__.startswith("opora.") or model._meta.proxy:
            continue
        fields = [f for f in model._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField) and f.name in TEXT_FIELD_NAMES
                  and not f.choices and not f.unique]
        if not fields:
            continue
        for obj in model._default_manager.all().iterator():
            for field in fields:
                value = getattr(obj, field.attname)
                if value:
                    limit = field.max_length or 10_000
                    setattr(obj, field.attname, ("=" + value)[:limit])
            model._default_manager.filter(pk=obj.pk).update(
                **{f.attname: getattr(obj, f.attname) for f in fields})
            touched += 1
    return touched


@pytest.fixture(scope="module")
def poisoned_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load(size="tiny", seed=1)
        from opora.core.models import School
        school = School.objects.order_by("code").first()
        School.objects.filter(pk=school.pk).update(name=INJECTED)
        assert _poison_text_fields() > 0
        yield
        transaction.set_rollback(True)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def _key(url: str) -> tuple[str, frozenset[str]] | None:
    """One visit per route and set of query parameter names (and value of `format`/`xlsx`)."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return (parts.path, frozenset())
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = {name if name not in ("format", "xlsx", "tab") else f"{name}={value}" for name, value in query}
    return (match.route, frozenset(names))


def _crawl(client: Client) -> tuple[list[str], list[tuple[str, bytes]], int]:
    """(addresses that failed, downloaded XLSX files, pages visited)."""
    seen: set[tuple[str, frozenset[str]]] = set()
    queue: deque[str] = deque(["/"])
    failures: list[str] = []
    workbooks: list[tuple[str, bytes]] = []
    visited = 0
    while queue and visited < PER_ROLE_LIMIT:
        url = queue.popleft()
        key = _key(url)
        if key is None or key in seen:
            continue
        seen.add(key)
        visited += 1
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {url}")
            continue
        content_type = response.get("Content-Type", "")
        if content_type.startswith(XLSX):
            workbooks.append((url, response.content))
            continue
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.links:
            absolute = urljoin(url, href)
            parts = urlsplit(absolute)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP_PREFIXES):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return failures, workbooks, visited


def _formula_cells(content: bytes) -> tuple[list[str], int]:
    """(cells stored as formulas, text cells that start like a formula)."""
    book = load_workbook(BytesIO(content))
    formulas: list[str] = []
    disarmed = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{sheet.title}!{cell.coordinate}={cell.value!r}")
                elif isinstance(cell.value, str) and cell.value.startswith("="):
                    disarmed += 1
    return formulas, disarmed


def _logins() -> list[User | None]:
    users: dict[str, User] = {}
    for assignment in RoleAssignment.objects.select_related("user").order_by("role", "user__username"):
        users.setdefault(assignment.role, assignment.user)
    superuser = User.objects.filter(is_superuser=True).order_by("username").first()
    logins: list[User | None] = [None, *users.values()]
    if superuser is not None:
        logins.append(superuser)
    return logins


def test_every_page_of_every_role_answers_without_an_internal_error_and_exports_hold_no_formulas(poisoned_demo):
    logins = _logins()
    assert len(logins) >= 8  # anonymous, every demo role and the installation administrator
    failures: list[str] = []
    exports: dict[str, list[str]] = {}
    visited_total = 0
    with_injected_text = 0
    for user in logins:
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        who = user.username if user else "anonymous"
        role_failures, workbooks, visited = _crawl(client)
        visited_total += visited
        failures += [f"{who}: {f}" for f in role_failures]
        for url, content in workbooks:
            formulas, disarmed = _formula_cells(content)
            if formulas:
                exports.setdefault(f"{who} {url}", formulas[:3])
            with_injected_text += disarmed > 0
    assert visited_total > 200, visited_total
    assert not failures, "\n".join(failures)
    assert not exports, "\n".join(f"{url}: {cells}" for url, cells in exports.items())
    # The check means something only if the poisoned names did reach the exports.
    assert with_injected_text >= 10, with_injected_text


def test_formula_like_text_reaches_an_xlsx_export_as_the_text_typed(poisoned_demo):
    admin = User.objects.filter(is_superuser=True).first() or User.objects.get(username="reg.admin")
    client = Client()
    client.force_login(admin)
    response = client.get("/staff/?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith(XLSX)
    book = load_workbook(BytesIO(response.content))
    values = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(re.match(r"^=", v) for v in values)
    assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)
