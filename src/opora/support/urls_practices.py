from django.urls import path

from opora.support.views import practices as views

app_name = "practices"
urlpatterns = [
    path("", views.home, name="home"),
    path("export.xlsx", views.export, name="export"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/public/", views.set_public, name="set_public"),
    path("<int:pk>/files/", views.file_upload, name="file_upload"),
    path("<int:pk>/<slug:action>/", views.transition, name="transition"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("files/<int:pk>/delete/", views.file_delete, name="file_delete"),
    path("public/", views.public_list, name="public"),
    path("public/export.xlsx", views.public_export, name="public_export"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
]
