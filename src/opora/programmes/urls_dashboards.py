from django.urls import path

from opora.programmes import views_dashboards as views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("schools/<str:code>/", views.school, name="school"),
    path("<str:kind>/<str:code>/", views.territory, name="territory"),
    path("<str:kind>/<str:code>/schools/", views.schools, name="schools"),
]
