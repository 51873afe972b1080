from django.urls import path

from opora.support.views.placeholder import placeholder

app_name = "network"
urlpatterns = [
    path("", placeholder, name="home"),
]
