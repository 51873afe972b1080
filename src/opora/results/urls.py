from django.urls import path

from opora.results.views import imports

urlpatterns = [
    path("imports/", imports.results_imports, name="results_imports"),
    path("imports/scales/", imports.import_scales, name="import_scales"),
    path("imports/tasks/", imports.import_tasks, name="import_tasks"),
    path("imports/results/", imports.import_results, name="import_results"),
    path("imports/aggregates/", imports.import_aggregates, name="import_aggregates"),
    path("imports/templates/<str:kind>.xlsx", imports.results_template, name="results_template"),
]
