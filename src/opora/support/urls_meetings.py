from django.urls import path

from opora.support.views import meetings as views

app_name = "meetings"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.meeting_new, name="new"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/delete/", views.meeting_delete, name="delete"),
    path("<int:pk>/protocol.docx", views.protocol, name="protocol"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/status/", views.decision_status, name="decision_status"),
    path("decisions/<int:pk>/delete/", views.decision_delete, name="decision_delete"),
    path("parts/<int:pk>/", views.part_detail, name="part"),
    path("parts/<int:pk>/reopen/", views.part_reopen, name="part_reopen"),
    path("parts/<int:pk>/remove/", views.part_remove, name="part_remove"),
    path("parts/<int:pk>/file/", views.part_file, name="part_file"),
    path("schools/<str:code>/", views.school_decisions, name="school_decisions"),
]
