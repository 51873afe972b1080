"""Creating and saving the school's documents (the head's work).

Content is shaped by `plans/content.py`; a save keeps partially filled drafts (completeness is
checked at submission, `plans/checks.py`) but refuses values of the wrong type. Every save takes
the `lock_version` the form was rendered with: if the document moved meanwhile, nothing is saved
and `Conflict` says who changed it and when.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, Conflict, ValidationFailed
from opora.core.models import School, User
from opora.core.years import is_valid_year, year_range_error
from opora.diagnostics.models import Profile, ProfileFactor, ProfileStatus
from opora.plans.content import SECTIONS, Section, empty_content
from opora.plans.models import DocState, Document, DocumentKind

EDITABLE_STATES = (DocState.DRAFT, DocState.RETURNED)

def _title(kind: str, school: School, year: int, factor_name: str = "") -> str:
    texts: dict[str, StrOrPromise] = {
        DocumentKind.CONCEPT: _("Development concept of %(school)s for %(year)s"),
        DocumentKind.PROGRAMME: _("Medium-term development programme of %(school)s for %(year)s"),
        DocumentKind.ANTIRISK: _("Anti-risk programme of %(school)s for %(year)s: %(factor)s"),
        DocumentKind.ROADMAP: _("Roadmap of %(school)s for %(year)s"),
        DocumentKind.REPORT_HALF: _("Half-year report of %(school)s for %(year)s"),
        DocumentKind.REPORT_YEAR: _("Year report of %(school)s for %(year)s"),
    }
    return (texts[kind] % {"school": school.name, "year": year, "factor": factor_name})[:500]

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def selected_factors(school: School, year: int) -> list[ProfileFactor]:
    """The risk factors the school selected to work on in its latest verified profile of the year
    that has a selection (empty when there is none)."""
    profile = (Profile.objects.filter(campaign_school__school=school, campaign_school__campaign__year=year,
                                      status=ProfileStatus.VERIFIED, factors__selected=True)
               .order_by("-campaign_school__campaign__created_at", "-pk").first())
    if profile is None:
        return []
    return list(profile.factors.filter(selected=True).order_by("position", "pk"))


def _require_edit(actor: User, school: School) -> None:
    if not access.can_on_school(actor, Perm.EDIT_PLANS, school):
        raise AccessDenied(_("You may not edit the documents of this school."))


@transaction.atomic
def document_create(*, actor: User, school: School, year: int, kind: str, factor: str = "") -> Document:
    """A new empty document of the kind (one per school, year, kind and, for anti-risk programmes, factor)."""
    _require_edit(actor, school)
    if kind not in DocumentKind.values:
        raise ValidationFailed(_("Unknown document kind."))
    if not is_valid_year(year):
        raise ValidationFailed(year_range_error())
    factor_name = ""
    if kind == DocumentKind.ANTIRISK:
        chosen = {f.factor: f.name for f in selected_factors(school, year)}
        if factor not in chosen:
            raise ValidationFailed(_("An anti-risk programme is written for a risk factor selected in the "
                                     "school's verified risk profile of the year."))
        factor_name = chosen[factor]
    elif factor:
        raise ValidationFailed(_("Only an anti-risk programme is linked to a risk factor."))
    if Document.objects.filter(school=school, year=year, kind=kind, factor=factor).exists():
        raise ValidationFailed(_("The school already has this document for %(year)s.") % {"year": year})
    return Document.objects.create(
        school=school, year=year, kind=kind, factor=factor, title=_title(kind, school, year, factor_name),
        content=empty_content(kind), updated_by=actor)


@transaction.atomic
def antirisk_ensure(*, actor: User, school: School, year: int) -> list[Document]:
    """One anti-risk programme per factor selected in the school's verified profile of the year
    (the existing ones are kept; none is deleted when a factor is no longer selected)."""
    _require_edit(actor, school)
    factors = selected_factors(school, year)
    if not factors:
        raise ValidationFailed(_("The school has no verified risk profile of %(year)s with risk factors "
                                 "selected to work on.") % {"year": year})
    existing = {d.factor: d for d in Document.objects.filter(school=school, year=year, kind=DocumentKind.ANTIRISK)}
    documents = []
    for f in factors:
        document = existing.get(f.factor)
        if document is None:
            document = Document.objects.create(
                school=school, year=year, kind=DocumentKind.ANTIRISK, factor=f.factor,
                title=_title(DocumentKind.ANTIRISK, school, year, f.name),
                content=empty_content(DocumentKind.ANTIRISK), updated_by=actor)
        documents.append(document)
    return documents


def _where(section: Section, row: int | None = None) -> str:
    if row is None:
        return _("Section «%(section)s»") % {"section": section.title}
    return _("Section «%(section)s», row %(row)s") % {"section": section.title, "row": row}


def _clean_value(section: Section, field: Any, value: Any, row: int, problems: list[str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        problems.append(_("%(where)s: «%(field)s» must be text.") % {"where": _where(section, row),
                                                                      "field": field.label})
        return ""
    text = str(value).strip()
    if text and field.type == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            problems.append(_("%(where)s: «%(field)s» is not a date (YYYY-MM-DD): %(value)s")
                            % {"where": _where(section, row), "field": field.label, "value": text[:40]})
    elif text and field.type == "number":
        try:
            float(text.replace(",", ".").replace(" ", ""))
        except ValueError:
            problems.append(_("%(where)s: «%(field)s» must be a number: %(value)s")
                            % {"where": _where(section, row), "field": field.label, "value": text[:40]})
    return text


def clean_section(section: Section, value: Any, problems: list[str]) -> str | list[dict[str, str]]:
    """The section's value with the right types; rows left entirely empty are dropped."""
    if section.type == "text":
        if value is None:
            return ""
        if not isinstance(value, str):
            problems.append(_("%(where)s: must be text.") % {"where": _where(section)})
            return ""
        return value.strip()
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(_("%(where)s: must be a list of rows.") % {"where": _where(section)})
        return []
    rows: list[dict[str, str]] = []
    for item in value:
        if not isinstance(item, dict):
            problems.append(_("%(where)s: must be a list of rows.") % {"where": _where(section)})
            return []
        row = {f.key: _clean_value(section, f, item.get(f.key), len(rows) + 1, problems) for f in section.fields}
        if any(row.values()):
            rows.append(row)
    return rows


def editable_sections(document: Document) -> list[str]:
    """The sections the head may change now: all, or only those returned for revision."""
    keys = [s.key for s in SECTIONS[document.kind] if s.type in ("text", "list")]
    if document.state == DocState.RETURNED and document.returned_sections:
        return [k for k in keys if k in document.returned_sections]
    return keys


def conflict_message(current: Document) -> str:
    when = date_format(timezone.localtime(current.updated_at), "DATETIME_FORMAT")
    if current.updated_by is None:
        return _("The document was changed by someone else at %(when)s; your changes were not saved, "
                 "here is the current version.") % {"when": when}
    return _("The document was changed by %(who)s at %(when)s; your changes were not saved, "
             "here is the current version.") % {"who": current.updated_by, "when": when}


@transaction.atomic
def document_save(*, actor: User, document: Document, content: dict[str, Any], lock_version: int) -> Document:
    """Save the text and list sections given (the others keep their values)."""
    _require_edit(actor, document.school)
    # Lock only the document's row: PostgreSQL refuses FOR UPDATE across the nullable join to
    # `updated_by`, which is read after the lock is granted.
    current = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if current.lock_version != lock_version:
        raise Conflict(conflict_message(current))
    if current.state not in EDITABLE_STATES:
        raise ValidationFailed(_("The document is %(state)s: it cannot be changed now.")
                               % {"state": current.get_state_display()})
    if not isinstance(content, dict):
        raise ValidationFailed(_("The content must be a set of sections."))
    by_key = {s.key: s for s in SECTIONS[current.kind] if s.type in ("text", "list")}
    unknown = [k for k in content if k not in by_key]
    if unknown:
        raise ValidationFailed(_("The document has no such section: %(keys)s.") % {"keys": ", ".join(unknown)})
    allowed = set(editable_sections(current))
    problems: list[str] = []
    merged = dict(current.content or {})
    for key, value in content.items():
        cleaned = clean_section(by_key[key], value, problems)
        if key not in allowed:
            if cleaned != clean_section(by_key[key], merged.get(key), []):
                problems.append(_("%(where)s was not returned for revision: it cannot be changed.")
                                % {"where": _where(by_key[key])})
            continue
        merged[key] = cleaned
    if problems:
        raise ValidationFailed(problems)
    Document.objects.filter(pk=current.pk).update(content=merged, updated_by=actor, updated_at=timezone.now(),
                                                  lock_version=F("lock_version") + 1)
    current.refresh_from_db()
    return current
