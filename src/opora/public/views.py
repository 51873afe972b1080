"""Public pages, without login: the public programmes, a programme (goals, tasks, indicators,
schools and what they work on, events, practices, news), the territory's events, the news; and
the news editor for whoever manages the territory's programmes. XLSX of every list."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.analytics.kpi import ACHIEVED, NO_DATA, NO_TARGET, NOT_ACHIEVED
from opora.core.http import UserRequest
from opora.core.models import Municipality, Region
from opora.core.service_errors import form_service_errors
from opora.core.xlsx import xlsx_response
from opora.programmes.models import Programme
from opora.public import selectors
from opora.public import services as service
from opora.public.forms import NewsForm
from opora.public.models import News

PAGE_SIZE = getattr(settings, "OPORA_PAGE_SIZE", 25)
PRACTICES_ON_PAGE = 6
NEWS_ON_PAGE = 3


def status_labels() -> dict[str, str]:
    return {
        ACHIEVED: pgettext("public kpi", "achieved"),
        NOT_ACHIEVED: pgettext("public kpi", "not achieved"),
        NO_DATA: pgettext("public kpi", "no data"),
        NO_TARGET: pgettext("public kpi", "no target set"),
        selectors.NOT_STARTED: pgettext("public kpi", "year not started"),
    }


def number(value: float | None) -> str:
    """Percent as Russian readers write it: 66.7 → «66,7», 50.0 → «50»; None → «—»."""
    if value is None:
        return "—"
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def _programme_or_404(code: str) -> Programme:
    programme = selectors.public_programme(code)
    if programme is None:
        raise Http404
    return programme


def _territory_name(programme: Programme) -> str:
    return programme.municipality.name if programme.municipality else programme.region.name


def practice_url(pk: int) -> str | None:
    """The practices bank's public page of a practice, if the bank has one."""
    try:
        return reverse("practices:public_detail", args=[pk])
    except NoReverseMatch:
        return None


def practices_list_url() -> str | None:
    try:
        return reverse("practices:public")
    except NoReverseMatch:
        return None


# --- pages without login ----------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    programmes = list(selectors.public_programmes())
    news = list(selectors.published_news()[:NEWS_ON_PAGE])
    return render(request, "public/home.html", {
        "programmes": programmes, "news": news, "practices_url": practices_list_url(),
        "can_write_news": service.may_write_anywhere(request.user),
    })


@require_GET
def programme(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme_or_404(code)
    today = timezone.localdate()
    table = selectors.kpi_table(programme, today=today)
    practices = list(selectors.programme_practices(programme)[:PRACTICES_ON_PAGE])
    for p in practices:
        p.public_url = practice_url(p.pk)  # type: ignore[attr-defined]
    labels = status_labels()
    rows = [{"kpi": row, "cells": [{"cell": c, "value": number(c.value), "target": number(c.target),
                                    "label": labels[c.status]} for c in row.cells]} for row in table]
    return render(request, "public/programme.html", {
        "programme": programme, "territory": _territory_name(programme), "rows": rows,
        "years": programme.years, "counts": selectors.kpi_status_counts(table), "labels": labels,
        "schools": selectors.school_work(programme),
        "events": selectors.upcoming_events(programme, today=today),
        "practices": practices, "practice_count": selectors.programme_practices(programme).count(),
        "practices_url": practices_list_url(),
        "news": list(selectors.programme_news(programme)[:NEWS_ON_PAGE]),
    })


@require_GET
def programme_kpis_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme_or_404(code)
    labels = status_labels()
    rows = []
    for row in selectors.kpi_table(programme):
        for c in row.cells:
            rows.append([row.title, c.year, c.target, c.value, labels[c.status], c.counted, c.missing,
                         row.numerator, row.denominator, row.source])
    headers = [_("Indicator"), _("Year"), _("Target, %"), _("Fact, %"), _("Status"), _("Schools counted"),
               _("Schools without data"), _("Numerator"), _("Denominator"), _("Source")]
    return xlsx_response(filename=f"{programme.code}-indicators.xlsx", title=_("Indicators"), headers=headers,
                         rows=rows)


@require_GET
def programme_schools_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme_or_404(code)
    rows = [[w.name, w.municipality, "; ".join(w.factors),
             "; ".join(f"{title} ({year})" for year, _kind, title in w.documents)]
            for w in selectors.school_work(programme)]
    headers = [_("School"), _("Municipality"), _("Risk factors the school works on"), _("Approved documents")]
    return xlsx_response(filename=f"{programme.code}-schools.xlsx", title=_("Schools"), headers=headers, rows=rows)


def _event_when(event: Any) -> str:
    if event.period_text:
        return event.period_text
    if event.ends_on and event.ends_on != event.starts_on:
        return f"{event.starts_on:%d.%m.%Y} – {event.ends_on:%d.%m.%Y}"
    return f"{event.starts_on:%d.%m.%Y}"


def _event_place(event: Any) -> str:
    parts = [event.venue_school.name if event.venue_school_id else "", event.place]
    return ", ".join(p for p in parts if p)


@require_GET
def events(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme_or_404(code)
    page = Paginator(selectors.public_events(programme), PAGE_SIZE).get_page(request.GET.get("page"))
    for e in page.object_list:
        e.when, e.where = _event_when(e), _event_place(e)
    return render(request, "public/events.html", {"programme": programme, "territory": _territory_name(programme),
                                                  "page": page})


@require_GET
def events_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme_or_404(code)
    rows = ([e.title, e.get_kind_display(), _event_when(e), _event_place(e),
             e.municipality.name if e.municipality else programme.region.name, e.get_status_display()]
            for e in selectors.public_events(programme).iterator(chunk_size=500))
    headers = [_("Event"), _("Kind"), _("When"), _("Place"), _("Organiser"), _("Status")]
    return xlsx_response(filename=f"{programme.code}-events.xlsx", title=_("Events"), headers=headers, rows=rows)


@require_GET
def news_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.published_news(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/news/list.html", {"page": page})


@require_GET
def news_xlsx(request: HttpRequest) -> HttpResponse:
    rows = ([n.published_at.astimezone(timezone.get_current_timezone()).date() if n.published_at else None,
             n.title, n.municipality.name if n.municipality else n.region.name, n.body]
            for n in selectors.published_news().iterator(chunk_size=500))
    headers = [_("Date"), pgettext("news", "Headline"), _("Territory"), pgettext("news", "Text")]
    return xlsx_response(filename="news.xlsx", title=pgettext("news", "News"), headers=headers, rows=rows)


@require_GET
def news_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.news_item(pk)
    if item is None:
        raise Http404
    return render(request, "public/news/detail.html", {"item": item})


# --- the news editor (signed in) --------------------------------------------------------------


def _require_writer(request: HttpRequest) -> None:
    if not service.may_write_anywhere(request.user):
        raise PermissionDenied


def _manageable_or_404(request: UserRequest, pk: int) -> News:
    item = selectors.manageable_news(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@login_required
@require_GET
def manage(request: UserRequest) -> HttpResponse:
    _require_writer(request)
    page = Paginator(selectors.manageable_news(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/news/manage.html", {"page": page})


@login_required
@require_GET
def manage_xlsx(request: UserRequest) -> HttpResponse:
    _require_writer(request)
    rows = ([n.created_at.astimezone(timezone.get_current_timezone()).date(), n.title,
             n.municipality.name if n.municipality else n.region.name,
             pgettext("news", "published") if n.is_published else pgettext("news", "not published")]
            for n in selectors.manageable_news(request.user).iterator(chunk_size=500))
    headers = [_("Created"), pgettext("news", "Headline"), _("Territory"), _("Status")]
    return xlsx_response(filename="news-editor.xlsx", title=pgettext("news", "News"), headers=headers, rows=rows)


def _territory(value: str) -> tuple[Region, Municipality | None]:
    kind, _sep, pk = value.partition(":")
    if kind == "municipality":
        m = Municipality.objects.select_related("region").get(pk=int(pk))
        return m.region, m
    return Region.objects.get(pk=int(pk)), None


@login_required
@require_http_methods(["GET", "POST"])
def news_new(request: UserRequest) -> HttpResponse:
    _require_writer(request)
    territories = selectors.territories_to_write(request.user)
    form = NewsForm(request.POST or None, territories=territories)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        region, municipality = _territory(d["territory"])
        with form_service_errors(form) as refused:
            item = service.news_create(actor=request.user, region=region, municipality=municipality,
                                       title=d["title"], body=d["body"], publish=d["publish"])
        if not refused.failed:
            messages.success(request, _("The news item is published.") if item.is_published
                             else _("The news item is saved; it is not shown publicly until published."))
            return redirect("public:news_manage")
    return render(request, "public/news/form.html", {"form": form, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def news_edit(request: UserRequest, pk: int) -> HttpResponse:
    item = _manageable_or_404(request, pk)
    form = NewsForm(request.POST or None, editing=True, initial={"title": item.title, "body": item.body})
    if request.method == "POST" and form.is_valid():
        with form_service_errors(form) as refused:
            service.news_update(actor=request.user, news=item, title=form.cleaned_data["title"],
                                body=form.cleaned_data["body"])
        if not refused.failed:
            messages.success(request, _("The news item is saved."))
            return redirect("public:news_manage")
    return render(request, "public/news/form.html", {"form": form, "item": item})


@login_required
@require_POST
def news_publish(request: UserRequest, pk: int) -> HttpResponse:
    item = _manageable_or_404(request, pk)
    wanted = request.POST.get("publish") == "1"
    service.news_set_published(actor=request.user, news=item, published=wanted)
    messages.success(request, _("The news item is published.") if wanted
                     else _("The news item is no longer shown publicly."))
    return redirect("public:news_manage")


@login_required
@require_POST
def news_delete(request: UserRequest, pk: int) -> HttpResponse:
    item = _manageable_or_404(request, pk)
    service.news_delete(actor=request.user, news=item)
    messages.success(request, _("The news item is deleted."))
    return redirect("public:news_manage")
