"""Rule sets: their versions, the editor of a new version, the preview of edited parameters as a
background run compared with the year's list, and saving the parameters as a new version."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import ValidationFailed
from opora.core.http import UserRequest
from opora.core.models import Region
from opora.core.service_errors import form_service_errors
from opora.identification import explain, inputs, selectors, services
from opora.identification.forms import PARAMS, Param, RuleSetVersionForm, param_label, params_changes
from opora.identification.models import RuleKind, RuleSet, RuleSetVersion, Run, RunStatus
from opora.identification.views.common import changed_schools, listed_ids, names, require_view, run_get, years_for
from opora.identification.warnings import warning_texts
from opora.results.models import Procedure, Subject


def _rule_set(request: UserRequest, code: str) -> RuleSet:
    require_view(request)
    rule_set = next((r for r in services.rule_sets_for(request.user) if r.code == code), None)
    if rule_set is None:
        raise Http404
    return rule_set


def _can_manage(request: UserRequest, rule_set: RuleSet) -> bool:
    user = request.user
    if not (access.is_superuser(user) or access.has_perm_anywhere(user, Perm.MANAGE_RULE_SETS)):
        return False
    return rule_set.region is None or access.can_on_region(user, Perm.MANAGE_RULE_SETS, rule_set.region)


def _preview_regions(request: UserRequest, rule_set: RuleSet) -> list[Region]:
    regions = access.regions_for(request.user, Perm.RUN_IDENTIFICATION).order_by("code")
    if rule_set.region_id:
        regions = regions.filter(pk=rule_set.region_id)
    return list(regions)


def _show(param: Param, value: Any, labels: explain.Names | None = None) -> str:
    """A parameter's value as the editor shows it (shares in %)."""
    if param.path[0] == "weights":
        return explain.number(value)
    return explain.display(param.path[-1], value, labels or explain.Names())


def version_params(params: dict[str, Any], labels: explain.Names) -> list[tuple[str, str]]:
    """(label, value) of each parameter that matters for the version's method."""
    kind = params.get("kind", "")
    out = []
    for param in PARAMS:
        if kind not in param.kinds:
            continue
        value: Any = params
        for key in param.path:
            value = value.get(key) if isinstance(value, dict) else None
        out.append((param_label(param.name), _show(param, value, labels)))
    return out


def _start(request: UserRequest, rule_set: RuleSet, current: RuleSetVersion) -> RuleSetVersion:
    """The parameters the editor opens with: a preview's (`?from=<run>`, back from the comparison)
    or the current version's."""
    run_id = request.GET.get("from", "")
    run = selectors.runs_for(request.user, preview=True).filter(pk=int(run_id), rule_set=rule_set).first() \
        if run_id.isdigit() else None
    if run is None:
        return current
    return RuleSetVersion(rule_set=rule_set, number=current.number, params=run.params)


def _form(request: UserRequest, rule_set: RuleSet, current: RuleSetVersion, data: Any = None,
          action: str = "save") -> RuleSetVersionForm:
    regions = _preview_regions(request, rule_set)
    years = sorted({y for region in regions for y in years_for(region)}, reverse=True)
    return RuleSetVersionForm(
        data, kind=rule_set.kind, base=current.params, action=action,
        procedures=list(Procedure.objects.values_list("code", "name")),
        subjects=list(Subject.objects.values_list("code", "name")),
        regions=[(r.code, r.name) for r in regions], years=years)


@login_required
def rule_set_list(request: UserRequest) -> HttpResponse:
    require_view(request)
    rule_sets = services.rule_sets_for(request.user)
    rows = [(r, r.current()) for r in sorted(rule_sets, key=lambda r: (not r.shipped, r.code))]
    return render(request, "identification/rule_sets.html", {"rows": rows})


@login_required
def rule_set_detail(request: UserRequest, code: str) -> HttpResponse:
    """The versions of a rule set and, for who may manage it, the editor of a new version."""
    rule_set = _rule_set(request, code)
    current = rule_set.current()
    if current is None:
        raise Http404
    can_manage = _can_manage(request, rule_set)
    form = None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        action = "preview" if request.POST.get("action") == "preview" else "save"
        form = _form(request, rule_set, current, request.POST, action)
        if form.is_valid():
            with form_service_errors(form):
                if action == "save":
                    version = services.rule_set_version_create(
                        actor=request.user, rule_set=rule_set, params=form.cleaned_data["params"],
                        comment=form.cleaned_data["comment"])
                    messages.success(request, _("Version %(n)s is saved.") % {"n": version.number})
                    return redirect("identification:rule_set", code=version.rule_set.code)
                region = next(r for r in _preview_regions(request, rule_set) if r.code == form.cleaned_data["region"])
                run = services.run_create(actor=request.user, region=region, year=form.cleaned_data["year"],
                                          rule_set=rule_set, params=form.cleaned_data["params"])
                return redirect("identification:rule_set_preview", code=rule_set.code, run_id=run.pk)
        status = 400
    elif can_manage:
        form = _form(request, rule_set, _start(request, rule_set, current))
    labels = names()
    versions = list(rule_set.versions.select_related("created_by").order_by("-number"))
    history = []
    for i, version in enumerate(versions):
        before = versions[i + 1].params if i + 1 < len(versions) else None
        history.append({
            "version": version,
            "params": version_params(version.params, labels),
            "changes": params_changes(before, version.params, lambda p, v: _show(p, v, labels)) if before else [],
        })
    edited = form.cleaned_data["params"] if form is not None and form.is_bound and form.is_valid() \
        else (_start(request, rule_set, current).params if can_manage else current.params)
    return render(request, "identification/rule_set.html", {
        "rule_set": rule_set, "current": current, "history": history, "form": form, "can_manage": can_manage,
        "data_warnings": _data_warnings(request, rule_set, edited, labels),
        "can_preview": bool(_preview_regions(request, rule_set)), "kind_label": dict(RuleKind.choices)[rule_set.kind],
    }, status=status)


def _data_warnings(request: UserRequest, rule_set: RuleSet, params: dict[str, Any],
                   labels: explain.Names) -> list[dict[str, Any]]:
    """Per region the user may preview in (at most three), for its latest year with scales: what
    these parameters could not judge on the data loaded — before anything is run or saved."""
    out = []
    for region in _preview_regions(request, rule_set)[:3]:
        years = years_for(region)
        if not years:
            continue
        try:
            found = inputs.data_warnings(region=region, year=years[0], params=params)
        except ValueError:
            continue
        out.append({"region": region, "year": years[0], "warnings": warning_texts(found, labels)})
    return out


def _baseline(request: UserRequest, run: Run, current: RuleSetVersion) -> tuple[set[int], str, Run | None]:
    """The list the preview is compared with: the year's approved list, else the latest run of
    the current version (school ids, what it is, the run whose rows explain it)."""
    approved = selectors.year_list(run.region, run.year)
    if approved is not None:
        return (set(approved.entries.values_list("school_id", flat=True)),
                _("the approved list of %(year)s") % {"year": run.year}, approved.run)
    base = (selectors.runs_for(request.user, region=run.region, year=run.year, rule_set=run.rule_set)
            .filter(version=current, status=RunStatus.DONE).first())
    if base is not None:
        return listed_ids(base), _("the latest run of version %(n)s") % {"n": current.number}, base
    return set(), _("an empty list: the year has neither an approved list nor a run of this rule set"), None


@login_required
def rule_set_preview(request: UserRequest, code: str, run_id: int) -> HttpResponse:
    """How the list would change with the edited parameters, and saving them as a new version."""
    rule_set = _rule_set(request, code)
    run = run_get(request, run_id)
    current = rule_set.current()
    if not run.preview or run.rule_set_id != rule_set.pk or current is None:
        raise Http404
    can_manage = _can_manage(request, rule_set)
    comment_error = ""
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        comment = request.POST.get("comment", "").strip()[:2000]
        try:
            version = services.rule_set_version_create(actor=request.user, rule_set=rule_set, params=run.params,
                                                       comment=comment)
        except ValidationFailed as error:
            comment_error = " ".join(error.messages)
        else:
            messages.success(request, _("Version %(n)s is saved.") % {"n": version.number})
            return redirect("identification:rule_set", code=version.rule_set.code)
    labels = names()
    context: dict[str, Any] = {
        "rule_set": rule_set, "run": run, "current": current, "can_manage": can_manage,
        "comment": request.POST.get("comment", ""), "comment_error": comment_error,
        "changes": params_changes(current.params, run.params, lambda p, v: _show(p, v, labels)),
    }
    if run.status == RunStatus.DONE:
        context["warnings"] = warning_texts(run.warnings or [], labels)
        base_ids, base_label, base_run = _baseline(request, run, current)
        new_ids = listed_ids(run)
        rows = {r.school_id: r for r in selectors.run_rows(request.user, run).filter(
            school_id__in=(new_ids ^ base_ids))}
        before = {r.school_id: r for r in selectors.run_rows(request.user, base_run).filter(
            school_id__in=list(rows))} if base_run is not None else {}
        kind = run.params.get("kind", "")
        context.update(base_label=base_label, base_count=len(base_ids), new_count=len(new_ids),
                       come_in=changed_schools(new_ids - base_ids, rows, before, labels, kind=kind, year=run.year),
                       go_out=changed_schools(base_ids - new_ids, rows, before, labels, kind=kind, year=run.year),
                       hidden=len([i for i in new_ids ^ base_ids if i not in rows]))
    status = 400 if comment_error else 200
    return render(request, "identification/rule_set_preview.html", context, status=status)
