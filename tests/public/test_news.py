"""News of the public pages: who writes them for which territory, publishing, the editor's form."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from opora.core.errors import AccessDenied, ValidationFailed
from opora.public import services
from opora.public.models import News
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_municipal_coordinator_publishes_news_that_visitors_then_see(client: Client, cast: Cast) -> None:
    client.force_login(cast.maria)
    response = client.post(reverse("public:news_new"), {"territory": f"municipality:{cast.m1.pk}",
                                                         "title": "Семинар проведён", "body": "Прошёл семинар.",
                                                         "publish": "on"})
    assert response.status_code == 302
    item = News.objects.get()
    assert item.is_published and item.municipality == cast.m1 and item.published_at is not None
    client.logout()
    assert "Семинар проведён" in client.get(reverse("public:news")).content.decode()
    assert "Прошёл семинар." in client.get(reverse("public:news_detail", args=[item.pk])).content.decode()


def test_saved_news_stays_hidden_until_published_and_can_be_hidden_again(client: Client, cast: Cast) -> None:
    item = services.news_create(actor=cast.maria, region=cast.r10, municipality=cast.m1, title="Черновая новость",
                                body="Текст")
    anonymous = Client()
    assert anonymous.get(reverse("public:news_detail", args=[item.pk])).status_code == 404
    client.force_login(cast.maria)
    client.post(reverse("public:news_publish", args=[item.pk]), {"publish": "1"})
    assert anonymous.get(reverse("public:news_detail", args=[item.pk])).status_code == 200
    client.post(reverse("public:news_publish", args=[item.pk]), {"publish": "0"})
    assert anonymous.get(reverse("public:news_detail", args=[item.pk])).status_code == 404
    assert "Черновая новость" not in anonymous.get(reverse("public:news")).content.decode()


def test_municipal_coordinator_cannot_write_for_the_region_or_another_municipality(client: Client,
                                                                                   cast: Cast) -> None:
    with pytest.raises(AccessDenied):
        services.news_create(actor=cast.maria, region=cast.r10, municipality=None, title="т", body="т")
    with pytest.raises(AccessDenied):
        services.news_create(actor=cast.maria, region=cast.r10, municipality=cast.m2, title="т", body="т")
    client.force_login(cast.maria)
    form = client.get(reverse("public:news_new")).content.decode()
    assert cast.m1.name in form and cast.m2.name not in form and cast.r10.name not in form
    response = client.post(reverse("public:news_new"), {"territory": f"region:{cast.r10.pk}", "title": "т",
                                                         "body": "т"})
    assert response.status_code == 200 and not News.objects.exists()


def test_regional_admin_writes_for_the_region_and_its_municipalities(cast: Cast) -> None:
    services.news_create(actor=cast.alice, region=cast.r10, municipality=None, title="Областная", body="т")
    services.news_create(actor=cast.alice, region=cast.r10, municipality=cast.m2, title="Лесная", body="т")
    with pytest.raises(AccessDenied):
        services.news_create(actor=cast.alice, region=cast.r20, municipality=None, title="Чужая", body="т")
    assert News.objects.count() == 2


@pytest.mark.parametrize("who", ["sam", "tom", "kate", "oleg", "olga", "nobody"])
def test_other_roles_cannot_open_the_news_editor(client: Client, cast: Cast, who: str) -> None:
    client.force_login(getattr(cast, who))
    assert client.get(reverse("public:news_manage")).status_code == 403
    assert client.get(reverse("public:news_new")).status_code == 403
    assert client.get(reverse("public:news_manage_export")).status_code == 403


def test_visitor_without_login_is_sent_to_sign_in_from_the_editor(client: Client) -> None:
    response = client.get(reverse("public:news_manage"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_editor_lists_only_news_of_own_territory_and_cannot_touch_others(client: Client, cast: Cast) -> None:
    own = services.news_create(actor=cast.maria, region=cast.r10, municipality=cast.m1, title="Озёрская", body="т")
    other = services.news_create(actor=cast.zoe, region=cast.r20, municipality=None, title="Южная", body="т")
    regional = services.news_create(actor=cast.alice, region=cast.r10, municipality=None, title="Областная",
                                    body="т")
    client.force_login(cast.maria)
    html = client.get(reverse("public:news_manage")).content.decode()
    assert "Озёрская" in html and "Южная" not in html and "Областная" not in html
    for item in (other, regional):
        assert client.get(reverse("public:news_edit", args=[item.pk])).status_code == 404
        assert client.post(reverse("public:news_publish", args=[item.pk]), {"publish": "1"}).status_code == 404
        assert client.post(reverse("public:news_delete", args=[item.pk])).status_code == 404
    assert not News.objects.get(pk=other.pk).is_published
    client.post(reverse("public:news_delete", args=[own.pk]))
    assert not News.objects.filter(pk=own.pk).exists()


def test_form_keeps_what_was_typed_and_shows_the_error(client: Client, cast: Cast) -> None:
    client.force_login(cast.maria)
    response = client.post(reverse("public:news_new"), {"territory": f"municipality:{cast.m1.pk}",
                                                         "title": "Заголовок, который остаётся", "body": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Заголовок, который остаётся" in html and "errorlist" in html
    assert not News.objects.exists()


def test_edit_changes_the_text_and_keeps_the_first_publication_date(client: Client, cast: Cast) -> None:
    item = services.news_create(actor=cast.maria, region=cast.r10, municipality=cast.m1, title="Было", body="т",
                                publish=True)
    first = item.published_at
    client.force_login(cast.maria)
    client.post(reverse("public:news_edit", args=[item.pk]), {"title": "Стало", "body": "Новый текст"})
    services.news_set_published(actor=cast.maria, news=item, published=False)
    services.news_set_published(actor=cast.maria, news=item, published=True)
    item.refresh_from_db()
    assert item.title == "Стало" and item.body == "Новый текст" and item.published_at == first


def test_service_rejects_empty_text(cast: Cast) -> None:
    with pytest.raises(ValidationFailed):
        services.news_create(actor=cast.maria, region=cast.r10, municipality=cast.m1, title="  ", body="т")


def test_editor_and_news_exports_are_xlsx(client: Client, cast: Cast) -> None:
    services.news_create(actor=cast.maria, region=cast.r10, municipality=cast.m1, title="Н", body="т", publish=True)
    client.force_login(cast.maria)
    for url in (reverse("public:news_manage_export"), reverse("public:news_export")):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
