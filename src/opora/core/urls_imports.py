from django.urls import path

from opora.core.views import import_mapping, imports

urlpatterns = [
    path("", imports.imports_page, name="imports"),
    path("schools/", imports.import_schools, name="import_schools"),
    path("passports/", imports.import_passports, name="import_passports"),
    path("mapping/<str:job_id>/", import_mapping.import_mapping, name="import_mapping"),
    path("templates/<str:kind>.xlsx", imports.import_template, name="import_template"),
]
