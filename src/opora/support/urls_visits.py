from django.urls import path

from opora.support.views import visits

app_name = "visits"
urlpatterns = [
    path("", visits.visit_list, name="home"),
    path("new/", visits.visit_new, name="new"),
    path("<int:pk>/", visits.visit_detail, name="detail"),
    path("<int:pk>/edit/", visits.visit_edit, name="edit"),
    path("<int:pk>/delete/", visits.visit_delete, name="delete"),
    path("<int:pk>/follow-ups/", visits.follow_up_add, name="follow_up_add"),
    path("follow-ups/<int:pk>/delete/", visits.follow_up_delete, name="follow_up_delete"),
    path("follow-ups/<int:pk>/roadmap/", visits.follow_up_to_roadmap, name="follow_up_roadmap"),
    path("schools/<str:code>/", visits.school_visits, name="school"),
]
