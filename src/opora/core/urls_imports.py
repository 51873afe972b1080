from django.urls import path

urlpatterns: list = []  # owned by the imports work: imports, import_schools, import_passports, import_template
