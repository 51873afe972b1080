from django.urls import path

from opora.support.views.placeholder import placeholder

app_name = "public"
urlpatterns = [
    path("", placeholder, name="home"),
]
