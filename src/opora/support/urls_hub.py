from django.urls import path

from opora.support.views import hub

app_name = "support"
urlpatterns = [
    path("", hub.home, name="home"),
]
