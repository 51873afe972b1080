from django.urls import path

from opora.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("schedule/", views.schedule, name="schedule"),
    path("<uuid:job_id>/", views.job_detail, name="detail"),
    path("<uuid:job_id>/rerun/", views.job_rerun_view, name="rerun"),
]
