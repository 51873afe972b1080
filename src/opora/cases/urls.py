from django.urls import path

from opora.cases import views, views_appeals, views_file

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("control.xlsx", views.control_export, name="control_export"),
    path("open/<int:run_id>/", views.case_open, name="open"),
    path("appeals/", views_appeals.appeal_list, name="appeals"),
    path("appeals/new/", views_appeals.appeal_new, name="appeal_new"),
    path("appeals/period/<str:region_code>/<int:year>/", views_appeals.period_set, name="appeal_period"),
    path("appeals/<int:pk>/", views_appeals.appeal_detail, name="appeal"),
    path("appeals/<int:pk>/files/<int:file_id>/", views_appeals.appeal_file_download, name="appeal_file"),
    path("appeals/<int:pk>/<slug:action>/", views_appeals.appeal_act, name="appeal_act"),
    path("lists/versions/<int:pk>/", views_appeals.list_version, name="list_version"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/files/<int:file_id>/", views.case_file, name="file"),
    path("<int:pk>/file.<str:fmt>", views_file.case_file_download, name="case_file"),
    path("<int:pk>/<slug:action>/", views.case_act, name="act"),
]
