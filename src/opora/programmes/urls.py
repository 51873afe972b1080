from django.urls import path

from opora.support.views.placeholder import placeholder

app_name = "programmes"
urlpatterns = [
    path("", placeholder, name="home"),
]
