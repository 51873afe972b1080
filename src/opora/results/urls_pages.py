from django.urls import path

from opora.results.views import pooled, school, table

urlpatterns = [
    path("indicators/", table.indicator_table, name="indicator_table"),
    path("pooled/", pooled.pooled_indicators, name="pooled_indicators"),
    path("schools/<str:code>/", school.school_results, name="school_results"),
]
