"""The project's URLs plus the results imports, until the lead mounts them at /results/."""

from django.urls import include, path

from opora.urls import urlpatterns as project

urlpatterns = [*project, path("results/", include("opora.results.urls"))]
