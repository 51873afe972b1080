from django.urls import path

from opora.cases import views, views_file

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("control.xlsx", views.control_export, name="control_export"),
    path("open/<int:run_id>/", views.case_open, name="open"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/files/<int:file_id>/", views.case_file, name="file"),
    path("<int:pk>/file.<str:fmt>", views_file.case_file_download, name="case_file"),
    path("<int:pk>/<slug:action>/", views.case_act, name="act"),
]
