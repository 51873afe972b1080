"""The roadmap's measures and the reports' prefill.

The roadmap (plan of measures) gathers the measures of the school's medium-term programme and its
anti-risk programmes of the year, and the head may add more. Its plan (title, dates, responsible,
indicator, target, factor) changes only while the roadmap is a draft or returned for revision;
execution (status, done on, what was done, evidence) is reported by the head at any time, since
measures are carried out after the plan is approved.

A half-year or year report does not copy measures: its "measures" section shows the roadmap's rows
(plan against fact). `report_prefill` fills its indicators (plan = the programmes' targets) and its
risk levels at entry and exit (from the school's risk profiles of the year).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, Conflict, ValidationFailed
from opora.core.models import School, User
from opora.core.signals import figures_inputs_changed
from opora.diagnostics.models import Profile, ProfileFactor
from opora.diagnostics.reasons import level_name
from opora.plans.models import DocState, Document, DocumentKind, Measure, MeasureStatus

EDITABLE = (DocState.DRAFT, DocState.RETURNED)
REPORT_KINDS = (DocumentKind.REPORT_HALF, DocumentKind.REPORT_YEAR)
SOURCE_KINDS: dict[str, str] = {DocumentKind.PROGRAMME: "programme", DocumentKind.ANTIRISK: "antirisk"}
PLAN_FIELDS = ("title", "starts_on", "due_on", "responsible", "indicator", "target", "factor")


# --- checks ------------------------------------------------------------------------------------


def _require_edit(actor: User, school: School) -> None:
    if not access.can_on_school(actor, Perm.EDIT_PLANS, school):
        raise AccessDenied(_("Only the head of the school may change its documents."))


def _require_roadmap(document: Document) -> None:
    if document.kind != DocumentKind.ROADMAP:
        raise ValidationFailed(_("Measures belong to the roadmap."))


def plan_editable(document: Document) -> bool:
    """The roadmap's plan may change: a draft, or returned with its measures among the sections."""
    if document.state not in EDITABLE:
        return False
    return not document.returned_sections or "measures" in document.returned_sections


def _require_plan_editable(document: Document) -> None:
    if not plan_editable(document):
        raise ValidationFailed(_("The plan of measures can be changed only while the roadmap is a draft "
                                 "or returned for revision."))


def conflict_message(document: Document) -> str:
    current = Document.objects.select_related("updated_by").get(pk=document.pk)
    who = current.updated_by.get_full_name() or current.updated_by.username if current.updated_by else _("someone")
    when = formats.date_format(timezone.localtime(current.updated_at), "DATETIME_FORMAT")
    return _("%(who)s changed the document at %(when)s; your changes were not saved, here is the current "
             "version.") % {"who": who, "when": when}


def _claim(document: Document, lock_version: int, actor: User) -> None:
    """Move the document's lock_version on, or refuse when it moved since the form was rendered."""
    moved = Document.objects.filter(pk=document.pk, lock_version=lock_version).update(
        lock_version=F("lock_version") + 1, updated_at=timezone.now(), updated_by=actor)
    if not moved:
        raise Conflict(conflict_message(document))
    document.lock_version = lock_version + 1


def _check_lock(document: Document, lock_version: int) -> None:
    if not Document.objects.filter(pk=document.pk, lock_version=lock_version).exists():
        raise Conflict(conflict_message(document))


def _sources(document: Document) -> list[Document]:
    """The school's programme, then its anti-risk programmes by factor, of the document's year."""
    rows = Document.objects.filter(school_id=document.school_id, year=document.year, kind__in=list(SOURCE_KINDS))
    return sorted(rows, key=lambda d: (d.kind != DocumentKind.PROGRAMME, d.factor, d.pk))


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


def _clean_plan(fields: dict[str, Any]) -> dict[str, Any]:
    data = {k: fields.get(k) for k in PLAN_FIELDS}
    for key in ("title", "responsible", "indicator", "target", "factor"):
        data[key] = str(data[key] or "").strip()
    problems = []
    if not data["title"]:
        problems.append(_("Name the measure."))
    if data["starts_on"] and data["due_on"] and data["starts_on"] > data["due_on"]:
        problems.append(_("The measure cannot start after its deadline."))
    if problems:
        raise ValidationFailed(problems)
    return data


# --- the roadmap ----------------------------------------------------------------------------------


@transaction.atomic
def roadmap_ensure(*, actor: User, school: School, year: int) -> Document:
    """The school's roadmap of the year, created empty when missing."""
    _require_edit(actor, school)
    title = _("Roadmap of %(school)s for %(year)s") % {"school": school.name, "year": year}
    document, _created = Document.objects.get_or_create(
        school=school, year=year, kind=DocumentKind.ROADMAP, factor="",
        defaults={"title": title[:500], "content": {}, "updated_by": actor})
    return document


@transaction.atomic
def measures_pull(*, actor: User, roadmap: Document, lock_version: int) -> int:
    """Copy the measures of the school's programme and anti-risk programmes of the year into the
    roadmap; a measure pulled before (same source, factor and title) is not copied again."""
    _require_roadmap(roadmap)
    _require_edit(actor, roadmap.school)
    _require_plan_editable(roadmap)
    sources = _sources(roadmap)
    seen = {(m.source, m.factor, m.title.strip()) for m in roadmap.measures.all()}
    position = (roadmap.measures.aggregate(top=Max("position"))["top"] or 0) + 1
    new: list[Measure] = []
    for source in sources:
        origin, factor = SOURCE_KINDS[source.kind], source.factor
        for item in (source.content or {}).get("measures") or []:
            title = str((item or {}).get("title") or "").strip()[:1000]
            if not title or (origin, factor, title) in seen:
                continue
            seen.add((origin, factor, title))
            new.append(Measure(
                document=roadmap, position=position + len(new), title=title, source=origin, factor=factor,
                starts_on=_parse_date(item.get("starts_on")), due_on=_parse_date(item.get("due_on")),
                responsible=str(item.get("responsible") or "")[:300], indicator=str(item.get("indicator") or "")[:500],
                target=str(item.get("target") or "")[:200]))
    if new:
        _claim(roadmap, lock_version, actor)
        Measure.objects.bulk_create(new)
    else:
        _check_lock(roadmap, lock_version)
    return len(new)


@transaction.atomic
def measure_add(*, actor: User, roadmap: Document, lock_version: int, **fields: Any) -> Measure:
    """A measure added by hand (plan fields: title, starts_on, due_on, responsible, indicator, target, factor)."""
    _require_roadmap(roadmap)
    _require_edit(actor, roadmap.school)
    _require_plan_editable(roadmap)
    data = _clean_plan(fields)
    _claim(roadmap, lock_version, actor)
    position = (roadmap.measures.aggregate(top=Max("position"))["top"] or 0) + 1
    measure = Measure.objects.create(document=roadmap, position=position, source="added", **data)
    figures_inputs_changed.send(sender=Measure, school_id=roadmap.school_id)
    return measure


@transaction.atomic
def measure_update(*, actor: User, measure: Measure, lock_version: int, **fields: Any) -> Measure:
    roadmap = measure.document
    _require_edit(actor, roadmap.school)
    _require_plan_editable(roadmap)
    data = _clean_plan(fields)
    _claim(roadmap, lock_version, actor)
    for key, value in data.items():
        setattr(measure, key, value)
    measure.save(update_fields=[*data, "updated_at"])
    figures_inputs_changed.send(sender=Measure, school_id=roadmap.school_id)
    return measure


@transaction.atomic
def measure_delete(*, actor: User, measure: Measure, lock_version: int) -> None:
    roadmap = measure.document
    _require_edit(actor, roadmap.school)
    _require_plan_editable(roadmap)
    _claim(roadmap, lock_version, actor)
    measure.delete()
    figures_inputs_changed.send(sender=Measure, school_id=roadmap.school_id)


@transaction.atomic
def measure_report(*, actor: User, measure: Measure, status: str, done_on: date | None, fact: str,
                   evidence: str) -> Measure:
    """The execution of a measure, reported at any time (also after the roadmap is approved)."""
    _require_edit(actor, measure.document.school)
    problems = []
    if status not in MeasureStatus.values:
        problems.append(_("Choose the status of the measure."))
    if status == MeasureStatus.DONE and done_on is None:
        problems.append(_("Say when the measure was done."))
    if done_on is not None and done_on > timezone.localdate():
        problems.append(_("The date of completion cannot be in the future."))
    if problems:
        raise ValidationFailed(problems)
    measure.status, measure.done_on = status, done_on
    measure.fact, measure.evidence = (fact or "").strip(), (evidence or "").strip()
    measure.save(update_fields=["status", "done_on", "fact", "evidence", "updated_at"])
    figures_inputs_changed.send(sender=Measure, school_id=measure.document.school_id)
    return measure


# --- reports -------------------------------------------------------------------------------------


def roadmap_of(document: Document) -> Document | None:
    """The roadmap whose measures a document shows: itself, or for a report the school's roadmap of the year."""
    if document.kind == DocumentKind.ROADMAP:
        return document
    return Document.objects.filter(school_id=document.school_id, year=document.year,
                                   kind=DocumentKind.ROADMAP).first()


def _latest_profile(school: School, year: int, wave: str) -> Profile | None:
    return (Profile.objects.filter(campaign_school__school=school, campaign_school__campaign__year=year,
                                   campaign_school__campaign__wave=wave)
            .order_by("-campaign_school__campaign__created_at", "-pk").first())


def risk_levels(school: School, year: int) -> list[dict[str, str]]:
    """[{name, entry, exit}] — the factor's name and its final levels in words ("no data" when a
    wave is missing) — of the factors selected in the school's profiles of the year, or of all
    factors when none is selected. Words, not codes: the report is a document read and printed as is."""
    entry, exit_ = _latest_profile(school, year, "entry"), _latest_profile(school, year, "exit")
    levels: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    selected: set[str] = set()
    for wave, profile in (("entry", entry), ("exit", exit_)):
        if profile is None:
            continue
        for f in profile.factors.order_by("position"):
            names.setdefault(f.factor, f.name)
            levels.setdefault(f.factor, {})[wave] = f.final_level
            if f.selected:
                selected.add(f.factor)
    return [{"name": names[code], "entry": level_name(found.get("entry", "")),
             "exit": level_name(found.get("exit", ""))}
            for code, found in levels.items() if not selected or code in selected]


def _indicator_plan(item: dict[str, Any]) -> str:
    return str(item.get("target") or "").strip()


@transaction.atomic
def report_prefill(*, actor: User, document: Document, lock_version: int | None = None) -> Document:
    """Fill a report's indicators (plan = the programmes' targets; facts already typed are kept)
    and its risk levels at entry and exit."""
    if document.kind not in REPORT_KINDS:
        raise ValidationFailed(_("Only a half-year or year report is filled from the programmes."))
    _require_edit(actor, document.school)
    if document.state not in EDITABLE:
        raise ValidationFailed(_("The report can be changed only while it is a draft or returned for revision."))
    content = dict(document.content or {})
    typed = {str(i.get("name") or "").strip(): i for i in content.get("indicators") or [] if isinstance(i, dict)}
    indicators: list[dict[str, str]] = []
    names: set[str] = set()
    sources = _sources(document)
    for source in sources:
        for item in (source.content or {}).get("indicators") or []:
            name = str((item or {}).get("name") or "").strip()
            if not name or name in names:
                continue
            names.add(name)
            before = typed.get(name, {})
            indicators.append({"name": name, "plan": _indicator_plan(item), "fact": str(before.get("fact") or ""),
                               "comment": str(before.get("comment") or "")})
    indicators += [item for name, item in typed.items() if name and name not in names]  # added by hand
    content["indicators"] = indicators
    content["risks"] = risk_levels(document.school, document.year)
    if lock_version is None:
        lock_version = document.lock_version
    _claim(document, lock_version, actor)
    Document.objects.filter(pk=document.pk).update(content=content)
    document.content = content
    return document


def factor_names(school: School, year: int) -> dict[str, str]:
    """Factor code → name, from the school's risk profiles of the year (the newest name wins)."""
    rows = (ProfileFactor.objects.filter(profile__campaign_school__school=school,
                                         profile__campaign_school__campaign__year=year)
            .order_by("profile__campaign_school__campaign__created_at").values_list("factor", "name"))
    return dict(rows)
