from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from opora.api.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("opora.core.urls")),
    path("imports/", include("opora.core.urls_imports")),
    path("jobs/", include("opora.jobs.urls")),
    path("results/", include("opora.results.urls_pages")),
    path("results/", include("opora.results.urls")),
    path("identification/", include("opora.identification.urls")),
    path("risk/", include("opora.diagnostics.urls")),
    path("s/", include("opora.diagnostics.urls_survey")),
    path("plans/", include("opora.plans.urls")),
    path("cases/", include("opora.cases.urls")),
    path("notifications/", include("opora.notifications.urls")),
    path("support/", include("opora.support.urls_hub")),
    path("support/network/", include("opora.support.urls_network")),
    path("support/visits/", include("opora.support.urls_visits")),
    path("events/", include("opora.support.urls_events")),
    path("meetings/", include("opora.support.urls_meetings")),
    path("practices/", include("opora.support.urls_practices")),
    path("staff/", include("opora.staff.urls")),
    path("staff/development/", include("opora.staff.urls_development")),
    path("programmes/", include("opora.programmes.urls")),
    path("dashboards/", include("opora.programmes.urls_dashboards")),
    path("reports/", include("opora.reports.urls")),
    path("public/", include("opora.public.urls")),
    path("account/tokens/", include("opora.api.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
