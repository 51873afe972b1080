"""The catalogue of risk factors and questionnaires: the instruments a user may use, one version's
content in readable form with what changed against the previous one, the version as a workbook,
and uploading an edited workbook as a new version (a region's edit of the shipped instrument goes
to the region's own copy)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from opora.analytics.risk_definition import Definition
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import ValidationFailed
from opora.core.http import UserRequest
from opora.diagnostics import selectors
from opora.diagnostics.instrument_forms import (
    InstrumentUploadForm,
    basis_label,
    direction_label,
    group_label,
    number,
    rule_rows_shown,
    share,
    version_changes,
    yes_no,
)
from opora.diagnostics.instrument_xlsx import WorkbookProblems, definition_from_workbook, definition_workbook
from opora.diagnostics.models import Instrument, InstrumentVersion
from opora.diagnostics.services.instruments import instrument_version_create, instruments_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_view(request: UserRequest) -> None:
    user = request.user
    if not (access.is_superuser(user) or access.has_perm_anywhere(user, Perm.VIEW_RISK_PROFILES)
            or access.has_perm_anywhere(user, Perm.MANAGE_INSTRUMENTS)):
        raise PermissionDenied


def _instrument(request: UserRequest, code: str) -> Instrument:
    """The instrument if the user may use it (another region's copy is not found)."""
    _require_view(request)
    instrument = next((i for i in instruments_for(request.user) if i.code == code), None)
    if instrument is None:
        raise Http404
    return instrument


def _version(request: UserRequest, instrument: Instrument) -> InstrumentVersion:
    wanted = request.GET.get("version", "")
    versions = instrument.versions.select_related("created_by")
    version = versions.filter(number=int(wanted)).first() if wanted.isdigit() else versions.order_by("-number").first()
    if version is None:
        raise Http404
    return version


def _can_manage(request: UserRequest, instrument: Instrument) -> bool:
    user = request.user
    if (region := instrument.region) is not None:
        return access.can_on_region(user, Perm.MANAGE_INSTRUMENTS, region)
    return access.is_superuser(user) or access.has_perm_anywhere(user, Perm.MANAGE_INSTRUMENTS)


def _shown(instrument: Instrument, text: str) -> str:
    """A shipped instrument's name and description are English msgids, shown translated."""
    return _(text) if instrument.shipped and text else text


def _comment(version: InstrumentVersion) -> str:
    shipped = version.instrument.shipped and version.number == 1 and version.created_by_id is None
    return _(version.comment) if shipped and version.comment else version.comment


def _base_instrument(instrument: Instrument) -> Instrument | None:
    """The shipped instrument a region's copy was made from (`<code>-<region code>`)."""
    if instrument.region is None:
        return None
    suffix = f"-{instrument.region.code}".lower()
    if not instrument.code.endswith(suffix):
        return None
    return Instrument.objects.filter(code=instrument.code[: -len(suffix)], region__isnull=True).first()


def _previous(version: InstrumentVersion) -> InstrumentVersion | None:
    """The version this one was edited from: the one before it, or for a region's first version
    the shipped version it was copied from."""
    before = version.instrument.versions.filter(number__lt=version.number).order_by("-number").first()
    if before is not None:
        return before
    base = _base_instrument(version.instrument)
    if base is None:
        return None
    return (base.versions.filter(created_at__lte=version.created_at).order_by("-number").first()
            or base.versions.order_by("number").first())


def _campaign_counts(request: UserRequest, **filters: Any) -> dict[int, int]:
    """Campaigns the user sees, counted per instrument version."""
    rows = (selectors.campaigns_for(request.user).filter(**filters).order_by().values("version_id")
            .annotate(n=Count("id")))
    return {r["version_id"]: r["n"] for r in rows}


@login_required
def instrument_list(request: UserRequest) -> HttpResponse:
    _require_view(request)
    instruments = sorted(instruments_for(request.user), key=lambda i: (i.region_id is not None, i.code))
    counts = _campaign_counts(request, version__instrument__in=instruments)
    rows = []
    for instrument in instruments:
        versions = list(instrument.versions.select_related("created_by").order_by("-number"))
        rows.append({"instrument": instrument, "name": _shown(instrument, instrument.name),
                     "description": _shown(instrument, instrument.description),
                     "current": versions[0] if versions else None,
                     "comment": _comment(versions[0]) if versions else "",
                     "campaigns": sum(counts.get(v.pk, 0) for v in versions)})
    return render(request, "diagnostics/instruments.html", {"rows": rows})


def _content(d: Definition) -> dict[str, Any]:
    """The definition arranged for reading: factors with their questions, questionnaires by
    group and screen, the group rules, the level and quality rules."""
    questions = {q.code: q for q in d.questions}
    scales = {s.code: s for s in d.scales}
    factors = [{"factor": f, "indicators": [
        {"question": questions.get(i.question), "code": i.question,
         "group": group_label(questions[i.question].group) if i.question in questions else "",
         "weight": number(i.weight), "direction": direction_label(i.direction), "up": i.direction == 1}
        for i in d.indicators_for(f.code)]} for f in d.factors]
    measures: dict[str, list[str]] = {}
    for i in d.indicators:
        measures.setdefault(i.question, []).append(i.factor)
    groups = []
    for rule in d.groups:
        groups.append({
            "code": rule.group, "label": group_label(rule.group), "basis": basis_label(rule.basis),
            "share": share(rule.share), "min_respondents": rule.min_respondents, "min_rate": share(rule.min_rate),
            "anonymous": yes_no(rule.anonymous),
            "sections": [{"title": title, "questions": [
                {"question": q, "options": scales[q.scale].options if q.scale in scales else (),
                 "factors": measures.get(q.code, [])} for q in items]} for title, items in d.sections_for(rule.group)],
        })
    rules = [(label, show(d)) for label, show in rule_rows_shown().items()]
    return {"factors": factors, "groups": groups, "rules": rules,
            "n_questions": len(d.questions), "n_factors": len(d.factors)}


@login_required
def instrument_detail(request: UserRequest, code: str) -> HttpResponse:
    instrument = _instrument(request, code)
    version = _version(request, instrument)
    versions = list(instrument.versions.select_related("created_by").order_by("-number"))
    previous = _previous(version)
    counts = _campaign_counts(request, version__instrument=instrument)
    context = {
        "instrument": instrument, "name": _shown(instrument, instrument.name),
        "description": _shown(instrument, instrument.description), "version": version,
        "comment": _comment(version), "latest": versions[0],
        "versions": [{"version": v, "comment": _comment(v), "campaigns": counts.get(v.pk, 0)} for v in versions],
        "previous": previous, "changes": version_changes(previous.parsed(), version.parsed()) if previous else None,
        "can_manage": _can_manage(request, instrument), **_content(version.parsed()),
    }
    return render(request, "diagnostics/instrument.html", context)


@login_required
def instrument_xlsx(request: UserRequest, code: str) -> HttpResponse:
    instrument = _instrument(request, code)
    version = _version(request, instrument)
    response = HttpResponse(definition_workbook(version.parsed()), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{instrument.code}-v{version.number}.xlsx"'
    return response


def _edited_from(request: UserRequest, instrument: Instrument) -> InstrumentVersion | None:
    """The version an upload would follow: the instrument's latest, or for a shipped one the
    latest of the user's region copy when it exists (as `instrument_version_create` picks it)."""
    if instrument.region_id is None:
        region = access.regions_for(request.user, Perm.MANAGE_INSTRUMENTS).first()
        copy = Instrument.objects.filter(code=f"{instrument.code}-{region.code}".lower()[:64]).first() \
            if region is not None else None
        if copy is not None and copy.current() is not None:
            return copy.current()
    return instrument.current()


def _unchanged(request: UserRequest, instrument: Instrument, definition: dict[str, Any]) -> bool:
    # Compared as parsed definitions: the stored JSON has lists where a fresh dict has tuples,
    # so the service's comparison of dicts does not see an unchanged upload.
    base = _edited_from(request, instrument)
    try:
        return base is not None and Definition.from_dict(definition) == base.parsed()
    except ValueError:
        return False


@login_required
def instrument_upload(request: UserRequest, code: str) -> HttpResponse:
    """An edited workbook becomes a new version; every problem is listed and nothing is saved."""
    instrument = _instrument(request, code)
    if not _can_manage(request, instrument):
        raise PermissionDenied
    current = instrument.current()
    if current is None:
        raise Http404
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        form = InstrumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                definition = definition_from_workbook(form.cleaned_data["file"].read())
                if _unchanged(request, instrument, definition):
                    raise ValidationFailed(_("Nothing changed."))
                version = instrument_version_create(actor=request.user, instrument=instrument, definition=definition,
                                                    comment=form.cleaned_data["comment"])
            except WorkbookProblems as error:
                problems = error.problems
            except ValidationFailed as error:
                problems = list(error.messages)
            else:
                messages.success(request, _("Version %(n)s is saved.") % {"n": version.number})
                url = reverse("diagnostics:instrument", kwargs={"code": version.instrument.code})
                return redirect(f"{url}?version={version.number}")
        status = 400
    else:
        form = InstrumentUploadForm()
    return render(request, "diagnostics/instrument_upload.html", {
        "instrument": instrument, "name": _shown(instrument, instrument.name), "current": current, "form": form,
        "problems": problems, "copies_to_region": instrument.region_id is None,
    }, status=status)
