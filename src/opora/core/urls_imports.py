from django.urls import path

from opora.core.views import imports

urlpatterns = [
    path("", imports.imports_page, name="imports"),
    path("schools/", imports.import_schools, name="import_schools"),
    path("passports/", imports.import_passports, name="import_passports"),
    path("templates/<str:kind>.xlsx", imports.import_template, name="import_template"),
]
