from django.urls import path

from opora.support.views import event_plan
from opora.support.views import events as views

app_name = "events"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.event_new, name="new"),
    path("plan-import/", event_plan.plan_import, name="plan_import"),
    path("plan-import/template.xlsx", event_plan.plan_template_download, name="plan_template"),
    path("participation/", views.participation, name="participation"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/status/", views.event_status, name="status"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/invitations/<str:school>/withdraw/", views.uninvite, name="uninvite"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/participants/<int:participant>/remove/", views.participant_remove, name="participant_remove"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/attendance/<int:participant>/", views.mark, name="mark"),
    path("<int:pk>/attendance/walk-in/", views.walk_in, name="walk_in"),
    path("<int:pk>/attendance/import/", views.attendance_import, name="attendance_import"),
    path("<int:pk>/attendance/template.xlsx", views.attendance_template_download, name="attendance_template"),
]
