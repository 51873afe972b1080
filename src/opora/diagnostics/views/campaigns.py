"""Campaign pages: the list (the section's home), a new campaign, response rates, the links the
schools hand out, closing/reopening, and importing answers from a workbook."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.http import UserRequest
from opora.core.imports.upload import upload_save
from opora.core.models import Municipality, Region, Role, RoleAssignment
from opora.core.service_errors import form_service_errors, message_service_errors
from opora.diagnostics import selectors
from opora.diagnostics.forms import (
    AnswersUploadForm,
    CampaignForm,
    LinkForm,
    area_label,
    campaign_areas,
    default_title,
    school_choices,
    usable_versions,
)
from opora.diagnostics.import_tasks import import_answers_task
from opora.diagnostics.imports import SHEET_NAMES
from opora.diagnostics.imports import answers_template as template_workbook
from opora.diagnostics.models import (
    Campaign,
    CampaignStatus,
    RespondentGroup,
    ResponseStatus,
    SurveyLink,
)
from opora.diagnostics.services import campaigns as services
from opora.diagnostics.views.common import campaign_or_404, require_view
from opora.jobs.models import Job
from opora.jobs.services import job_create, job_enqueue

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _managed(request: UserRequest, pk: int) -> Campaign:
    campaign = campaign_or_404(request, pk)
    if not selectors.may_manage_campaign(request.user, campaign):
        raise PermissionDenied
    return campaign


@login_required
@require_GET
def home(request: UserRequest) -> HttpResponse:
    require_view(request)
    visible = selectors.visible_schools(request.user)
    campaigns = selectors.campaigns_for(request.user).annotate(
        visible_schools=Count("schools", filter=Q(schools__school__in=visible), distinct=True),
        answers=Count("schools__links__responses", distinct=True, filter=Q(
            schools__school__in=visible, schools__links__responses__status=ResponseStatus.SUBMITTED)))
    return render(request, "diagnostics/home.html", {
        "campaigns": campaigns, "can_create": access.has_perm_anywhere(request.user, Perm.MANAGE_CAMPAIGNS)})


# --- a new campaign ----------------------------------------------------------------------------


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: UserRequest) -> HttpResponse:
    if not access.has_perm_anywhere(request.user, Perm.MANAGE_CAMPAIGNS):
        raise PermissionDenied
    areas = campaign_areas(request.user)
    if not areas:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    area_key = data.get("area", "") if data.get("area") in areas else next(iter(areas))
    area = areas[area_key]
    region = area if isinstance(area, Region) else area.region
    year = _int(data.get("year"), timezone.localdate().year)
    versions = usable_versions(request.user, region)
    schools, listed = school_choices(area, year)
    kwargs = {"areas": [(k, area_label(a)) for k, a in areas.items()],
              "versions": [(k, f"{_(v.instrument.name)} · v{v.number}") for k, v in versions.items()],
              "schools": [(str(s.pk), s.name) for s in schools]}
    if request.method == "POST":
        form = CampaignForm(request.POST, **kwargs)
        if form.is_valid():
            d = form.cleaned_data
            with form_service_errors(form) as refused:
                campaign = services.campaign_open(
                    actor=request.user, year=d["year"], wave=d["wave"], title=d["title"],
                    version=versions[d["version"]], schools=[s for s in schools if str(s.pk) in d["schools"]],
                    municipality=area if isinstance(area, Municipality) else None,
                    region=area if isinstance(area, Region) else None, closes_on=d["closes_on"])
            if not refused.failed:
                messages.success(request, _("The campaign is open: hand the links to the schools."))
                return redirect("diagnostics:campaign_links", pk=campaign.pk)
        chosen = {_int(v, 0) for v in request.POST.getlist("schools")}
    else:
        wave = data.get("wave", "") if data.get("wave") in ("entry", "exit") else "entry"
        form = CampaignForm(initial={"area": area_key, "year": year, "wave": wave,
                                     "title": default_title(year, wave), "version": next(iter(versions), None)},
                            **kwargs)
        chosen = listed
    rows = [{"school": s, "listed": s.pk in listed, "checked": s.pk in chosen} for s in schools]
    return render(request, "diagnostics/campaign_new.html", {
        "form": form, "rows": rows, "area": area, "several_areas": len(areas) > 1, "listed_count": len(listed)})


# --- one campaign -----------------------------------------------------------------------------


@login_required
@require_GET
def campaign_detail(request: UserRequest, pk: int) -> HttpResponse:
    campaign = campaign_or_404(request, pk)
    schools = selectors.campaign_schools_for(request.user, campaign)
    rows = services.response_rates(campaign, schools)
    definition = campaign.version.parsed()
    manager = selectors.may_manage_campaign(request.user, campaign)
    # The links page is for managers and for the heads of the campaign's schools (their own links).
    heads = _head_schools(request)
    can_links = manager or any(row.campaign_school.school_id in heads for row in rows)
    return render(request, "diagnostics/campaign_detail.html", {
        "campaign": campaign, "rows": rows, "totals": services.rates_totals(rows),
        "groups": [(g, dict(_group_names()).get(g, g)) for g in definition.groups_used()],
        "can_manage": manager, "can_links": can_links, "is_open": campaign.status == CampaignStatus.OPEN})


def _group_names() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in RespondentGroup.choices]


def _head_schools(request: UserRequest) -> set[int]:
    return set(RoleAssignment.objects.filter(user_id=request.user.pk, role=Role.SCHOOL_HEAD, school__isnull=False)
               .values_list("school_id", flat=True))


@login_required
@require_GET
def campaign_links(request: UserRequest, pk: int) -> HttpResponse:
    """The links to hand out: all of them for a manager, the own school's for its head."""
    campaign = campaign_or_404(request, pk)
    manager = selectors.may_manage_campaign(request.user, campaign)
    schools = campaign.schools.select_related("school__municipality").order_by("school__code")
    if not manager:
        heads = _head_schools(request)
        schools = schools.filter(school_id__in=heads)
        if not heads or not schools.exists():
            raise PermissionDenied
    links = SurveyLink.objects.filter(campaign_school__in=schools).order_by("campaign_school__school__code")
    names = dict(_group_names())
    order = {g: i for i, g in enumerate(SHEET_NAMES)}
    by_school: dict[int, list[dict[str, Any]]] = {}
    for link in links:
        by_school.setdefault(link.campaign_school_id, []).append({
            "link": link, "name": names.get(link.group, link.group),
            "url": request.build_absolute_uri(reverse("survey:start", args=[link.token])),
            "form": LinkForm(initial={"max_responses": link.max_responses, "is_active": link.is_active},
                             auto_id=f"link{link.pk}_%s")})
    rows = [{"cs": cs, "links": sorted(by_school.get(cs.pk, []), key=lambda x: order.get(x["link"].group, 9))}
            for cs in schools]
    return render(request, "diagnostics/campaign_links.html", {
        "campaign": campaign, "rows": rows, "can_manage": manager, "is_open": campaign.status == CampaignStatus.OPEN})


@login_required
@require_POST
def link_edit(request: UserRequest, pk: int, link_id: int) -> HttpResponse:
    campaign = _managed(request, pk)
    link = SurveyLink.objects.filter(pk=link_id, campaign_school__campaign=campaign).select_related(
        "campaign_school__campaign").first()
    if link is None:
        raise Http404
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The response limit must be a whole number of at least 1."))
    else:
        with message_service_errors(request) as refused:
            services.link_update(actor=request.user, link=link,
                                 max_responses=form.cleaned_data["max_responses"],
                                 is_active=form.cleaned_data["is_active"])
        if not refused.failed:
            messages.success(request, _("The link is saved."))
    return redirect(f"{reverse('diagnostics:campaign_links', args=[campaign.pk])}#school-{link.campaign_school_id}")


def _status_change(request: UserRequest, pk: int, service: Any, done: str) -> HttpResponse:
    campaign = _managed(request, pk)
    with message_service_errors(request) as refused:
        service(actor=request.user, campaign=campaign)
    if not refused.failed:
        messages.success(request, done)
    return redirect("diagnostics:campaign", pk=campaign.pk)


@login_required
@require_POST
def campaign_close(request: UserRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.campaign_close, _("The campaign is closed: no more answers."))


@login_required
@require_POST
def campaign_reopen(request: UserRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.campaign_reopen, _("The campaign is open again."))


# --- import ------------------------------------------------------------------------------------


def _import_jobs(campaign: Campaign) -> list[Job]:
    return list(Job.objects.filter(kind=services.IMPORT_JOB_KIND, params__campaign=campaign.pk)
                .select_related("created_by").order_by("-created_at")[:20])


def _import_page(request: UserRequest, campaign: Campaign, form: AnswersUploadForm | None = None) -> HttpResponse:
    current = None
    job_id = request.GET.get("job")
    if job_id:
        current = Job.objects.filter(pk=job_id, created_by_id=request.user.pk,
                                     kind=services.IMPORT_JOB_KIND).first() if _is_uuid(job_id) else None
    return render(request, "diagnostics/campaign_import.html", {
        "campaign": campaign, "form": form or AnswersUploadForm(prefix="answers"), "jobs": _import_jobs(campaign),
        "current": current, "is_open": campaign.status == CampaignStatus.OPEN,
        "sheets": [SHEET_NAMES[g] for g in campaign.version.parsed().groups_used()]})


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def answers_import(request: UserRequest, pk: int) -> HttpResponse:
    """GET: the page; POST a file: start the import job; POST `undo`: delete an import's answers."""
    campaign = _managed(request, pk)
    if request.method == "GET":
        return _import_page(request, campaign)
    if "undo" in request.POST:
        undo = request.POST["undo"]
        job = Job.objects.filter(pk=undo).first() if _is_uuid(undo) else None
        if job is None:
            raise Http404
        with message_service_errors(request) as refused:
            count = services.answers_import_undo(actor=request.user, campaign=campaign, job=job)
        if not refused.failed:
            messages.success(request, _("The import is undone: %(count)d answers deleted.") % {"count": count})
        return redirect("diagnostics:answers_import", pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        messages.error(request, _("The campaign is closed: reopen it to import answers."))
        return redirect("diagnostics:answers_import", pk=campaign.pk)
    form = AnswersUploadForm(request.POST, request.FILES, prefix="answers")
    if not form.is_valid():
        return _import_page(request, campaign, form)
    path, shown = upload_save(form.cleaned_data["file"])
    job = job_create(kind=services.IMPORT_JOB_KIND, user=request.user,
                     title=_("Import of answers into «%(campaign)s»: %(file)s") % {
                         "campaign": campaign.title, "file": shown},
                     params={"path": str(path), "filename": shown, "campaign": campaign.pk})
    job_enqueue(job, import_answers_task)
    return redirect(f"{reverse('diagnostics:answers_import', args=[campaign.pk])}?job={job.pk}")


@login_required
@require_GET
def answers_template(request: UserRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    response = HttpResponse(template_workbook(campaign), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="opora-answers-{campaign.pk}.xlsx"'
    return response
