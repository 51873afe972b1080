from django.urls import path

from opora.public import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.news_list, name="news"),
    path("news/export.xlsx", views.news_xlsx, name="news_export"),
    path("news/<int:pk>/", views.news_detail, name="news_detail"),
    path("news/manage/", views.manage, name="news_manage"),
    path("news/manage/export.xlsx", views.manage_xlsx, name="news_manage_export"),
    path("news/manage/new/", views.news_new, name="news_new"),
    path("news/manage/<int:pk>/", views.news_edit, name="news_edit"),
    path("news/manage/<int:pk>/publish/", views.news_publish, name="news_publish"),
    path("news/manage/<int:pk>/delete/", views.news_delete, name="news_delete"),
    path("p/<slug:code>/", views.programme, name="programme"),
    path("p/<slug:code>/indicators.xlsx", views.programme_kpis_xlsx, name="programme_kpis_export"),
    path("p/<slug:code>/schools.xlsx", views.programme_schools_xlsx, name="programme_schools_export"),
    path("p/<slug:code>/events/", views.events, name="events"),
    path("p/<slug:code>/events/export.xlsx", views.events_xlsx, name="events_export"),
]
