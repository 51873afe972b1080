from django.urls import path

from opora.results.views import school, table

urlpatterns = [
    path("indicators/", table.indicator_table, name="indicator_table"),
    path("schools/<str:code>/", school.school_results, name="school_results"),
]
