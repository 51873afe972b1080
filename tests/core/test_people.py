"""Inviting people, assigning and revoking roles, and the history of these changes."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Role, RoleAssignment, User
from opora.core.services import people as people_services
from tests.conftest import Cast


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_municipal_officer_invites_a_head_who_then_sets_a_password(
    cast: Cast, django_capture_on_commit_callbacks  # type: ignore[no-untyped-def]
) -> None:
    c = client_for(cast.oleg)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            "/people/invite/",
            {"full_name": "Анна Сергеевна Новикова", "username": "novikova", "email": "novikova@example.org"},
        )
    person = User.objects.get(username="novikova")
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    assert not person.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["novikova@example.org"]

    page = c.get(f"/people/{person.pk}/")
    link = page.context["invitation_link"]
    assert link and link in mail.outbox[0].body

    response = c.post(f"/people/{person.pk}/roles/", {"role": Role.SCHOOL_HEAD, "school": cast.s2.pk})
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=person, role=Role.SCHOOL_HEAD, school=cast.s2).exists()

    # The invited person follows the link and chooses a password.
    guest = Client()
    path = link.split("testserver", 1)[-1]
    form_page = guest.get(path, follow=True)
    assert form_page.context["validlink"]
    new_password = {"new_password1": "Zvezda-Sever-2026", "new_password2": "Zvezda-Sever-2026"}
    guest.post(form_page.redirect_chain[-1][0], new_password)
    person.refresh_from_db()
    assert person.check_password("Zvezda-Sever-2026")


@pytest.mark.django_db
def test_invite_form_keeps_what_was_typed_when_the_login_is_taken(cast: Cast) -> None:
    response = client_for(cast.oleg).post(
        "/people/invite/", {"full_name": "Ещё один Лосев", "username": "sam", "email": "new@example.org"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ещё один Лосев" in html and "new@example.org" in html
    assert response.context["form"].non_field_errors()


@pytest.mark.django_db
def test_municipal_officer_cannot_assign_a_role_in_another_municipality(cast: Cast) -> None:
    with pytest.raises(AccessDenied):
        people_services.role_assign(actor=cast.oleg, user=cast.nobody, role=Role.TEACHER, school=cast.s3)
    with pytest.raises(AccessDenied):
        people_services.role_assign(actor=cast.oleg, user=cast.nobody, role=Role.REGIONAL_ADMIN, region=cast.r10)
    response = client_for(cast.oleg).post(
        f"/people/{cast.sam.pk}/roles/", {"role": Role.TEACHER, "school": cast.s3.pk}
    )
    # s3 is not even a choice for oleg: the form rejects it and nothing is created.
    assert response.status_code == 400
    assert not RoleAssignment.objects.filter(user=cast.sam, school=cast.s3).exists()


@pytest.mark.django_db
def test_role_needs_the_kind_of_place_it_is_assigned_for(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as exc:
        people_services.role_assign(actor=cast.alice, user=cast.nobody, role=Role.SCHOOL_HEAD, municipality=cast.m1)
    assert "школа" in exc.value.messages[0].lower() or "school" in exc.value.messages[0].lower()


@pytest.mark.django_db
def test_curator_is_assigned_a_list_of_schools_and_sees_exactly_them(cast: Cast) -> None:
    people_services.role_assign(
        actor=cast.alice, user=cast.nobody, role=Role.CURATOR, schools=[cast.s2, cast.s3]
    )
    response = client_for(cast.nobody).get("/schools/")
    assert {s.code for s in response.context["page"].object_list} == {"1002", "1003"}


@pytest.mark.django_db
def test_user_may_hold_several_roles(cast: Cast) -> None:
    people_services.role_assign(actor=cast.alice, user=cast.sam, role=Role.CURATOR, schools=[cast.s3])
    response = client_for(cast.sam).get("/schools/")
    assert {s.code for s in response.context["page"].object_list} == {"1001", "1003"}


@pytest.mark.django_db
def test_revoked_role_takes_access_away_and_is_in_the_history(cast: Cast) -> None:
    assignment = RoleAssignment.objects.get(user=cast.tom)
    c = client_for(cast.oleg)
    response = c.post(f"/people/{cast.tom.pk}/roles/{assignment.pk}/revoke/")
    assert response.status_code == 302
    assert client_for(cast.tom).get("/schools/1001/").status_code == 404
    history = c.get(f"/people/{cast.tom.pk}/history/")
    entries = history.context["entries"]
    deleted = [e for e in entries if e.action == "deleted"]
    assert deleted and deleted[0].who == str(cast.oleg)


@pytest.mark.django_db
def test_head_cannot_revoke_roles(cast: Cast) -> None:
    assignment = RoleAssignment.objects.get(user=cast.tom)
    response = client_for(cast.sam).post(f"/people/{cast.tom.pk}/roles/{assignment.pk}/revoke/")
    assert response.status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.django_db
def test_blocked_user_cannot_sign_in(cast: Cast) -> None:
    client_for(cast.oleg).post(f"/people/{cast.tom.pk}/active/", {"active": "0"})
    cast.tom.refresh_from_db()
    assert not cast.tom.is_active
    response = Client().post("/login/", {"username": "tom", "password": "pass-Opora-2026"})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_role_form_lists_schools_one_municipality_at_a_time_in_a_large_region(cast: Cast) -> None:
    from opora.core.models import School

    School.objects.bulk_create(
        School(code=f"8{i:03d}", name=f"Школа {i}", municipality=cast.m2, type="secondary", settlement="city")
        for i in range(310)
    )
    c = client_for(cast.alice)
    page = c.get(f"/people/{cast.rita.pk}/")
    assert list(page.context["form"].fields["school"].queryset) == []
    assert "Показать школы муниципалитета" in page.content.decode()
    page = c.get(f"/people/{cast.rita.pk}/", {"schools_of": cast.m1.pk})
    assert {s.code for s in page.context["form"].fields["school"].queryset} == {"1001", "1002"}
    # Assigning still accepts any school of the region.
    response = c.post(f"/people/{cast.rita.pk}/roles/", {"role": Role.TEACHER, "school": cast.s3.pk})
    assert response.status_code == 302
