"""Who hears about a school document: its reviewers when it is submitted, its heads when it is
returned or approved (in-app and by e-mail, in Russian, with a link to the document)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from opora.core.models import Role, School, User
from opora.notifications.services import notify
from opora.plans import content
from opora.plans.models import DocState, Document, Transition


def reviewers(school: School) -> QuerySet[User]:
    """Curators listing the school and the coordinators of its municipality (REVIEW_PLANS on it)."""
    return User.objects.filter(
        Q(role_assignments__role=Role.CURATOR, role_assignments__schools=school)
        | Q(role_assignments__role=Role.MUNICIPAL_COORDINATOR,
            role_assignments__municipality_id=school.municipality_id),
        is_active=True,
    ).distinct()


def heads(school: School) -> QuerySet[User]:
    return User.objects.filter(role_assignments__role=Role.SCHOOL_HEAD, role_assignments__school=school,
                               is_active=True).distinct()


def document_url(document: Document) -> str:
    return reverse("plans:document", kwargs={"pk": document.pk})


def who(user: User | None) -> str:
    return (user.full_name or user.username) if user else _("someone")


def named(document: Document) -> dict[str, str]:
    return {"school": document.school.name, "title": document.title}


def section_titles(document: Document, keys: list[str]) -> list[str]:
    titles = []
    for key in keys:
        try:
            titles.append(str(content.section(document.kind, key).title))
        except StopIteration:
            titles.append(key)
    return titles


def _texts(transition: Transition) -> tuple[str, str] | None:
    document, actor = transition.document, who(transition.actor)
    names = named(document)
    if transition.to_state == DocState.SUBMITTED:
        return (_("%(school)s: «%(title)s» is submitted for review") % names,
                _("%(actor)s submitted the document for review.") % {"actor": actor})
    if transition.to_state == DocState.RETURNED:
        body = [_("%(actor)s returned the document for revision.") % {"actor": actor}]
        if transition.sections:
            body.append(_("Sections to revise: %(sections)s.")
                        % {"sections": ", ".join(section_titles(document, transition.sections))})
        if transition.comment:
            body.append(_("Comment: %(comment)s") % {"comment": transition.comment})
        return _("%(school)s: «%(title)s» is returned for revision") % names, "\n".join(body)
    if transition.to_state == DocState.APPROVED:
        return (_("%(school)s: «%(title)s» is approved") % names,
                _("%(actor)s approved the document.") % {"actor": actor})
    return None


def transition_notify(transition: Transition) -> int:
    """Notify the people a state change concerns (never its actor); returns how many were notified."""
    texts = _texts(transition)
    if texts is None:
        return 0
    document = transition.document
    people = reviewers(document.school) if transition.to_state == DocState.SUBMITTED else heads(document.school)
    if transition.actor_id:
        people = people.exclude(pk=transition.actor_id)
    subject, body = texts
    return notify(users=people, verb=transition.to_state, subject=subject, body=body, url=document_url(document),
                  key=f"transition:{transition.pk}", target=("plans.document", document.pk))
