from django.urls import path

from opora.support.views.placeholder import placeholder

app_name = "support"
urlpatterns = [
    path("", placeholder, name="home"),
]
