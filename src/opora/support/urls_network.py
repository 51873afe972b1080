from django.urls import path, re_path

from opora.support.views import network as views

app_name = "network"
urlpatterns = [
    path("", views.home, name="home"),
    path("curatorships/", views.curatorships, name="curatorships"),
    path("partnerships/", views.partnerships, name="partnerships"),
    path("schools/<str:code>/", views.school, name="school"),
    path("schools/<str:code>/curators/", views.curator_assign, name="curator_assign"),
    path("schools/<str:code>/partners/", views.partner_add, name="partner_add"),
    path("schools/<str:code>/mentoring/", views.mentoring, name="mentoring"),
    re_path(r"^(?P<kind>curatorship|partnership|mentoring)/(?P<pk>[0-9]+)/edit/$", views.edit, name="edit"),
    re_path(r"^(?P<kind>curatorship|partnership|mentoring)/(?P<pk>[0-9]+)/end/$", views.end, name="end"),
]
