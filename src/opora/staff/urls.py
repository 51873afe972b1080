from django.urls import path

from opora.support.views.placeholder import placeholder

app_name = "staff"
urlpatterns = [
    path("", placeholder, name="home"),
]
