from django.urls import path

from opora.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="home"),
    path("new/", views.programme_new, name="new"),
    path("<slug:code>/", views.programme_detail, name="detail"),
    path("<slug:code>/edit/", views.programme_edit, name="edit"),
    path("<slug:code>/refresh/", views.figures_refresh_view, name="refresh"),
    path("<slug:code>/targets/", views.targets_edit, name="targets"),
    path("<slug:code>/kpi/<str:kpi_code>/<int:year>/", views.kpi_detail, name="kpi"),
]
