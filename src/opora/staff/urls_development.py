from django.urls import path

from opora.staff.views import development as views

app_name = "development"
urlpatterns = [
    path("", views.home, name="home"),
    path("teachers/", views.teachers, name="teachers"),
    path("teachers/<int:pk>/", views.teacher, name="teacher"),
    path("teachers/<int:pk>/plans/new/", views.plan_new, name="plan_new"),
    path("teachers/<int:pk>/courses/new/", views.course_new, name="course_new"),
    path("courses/<int:pk>/delete/", views.course_delete, name="course_delete"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/goals/", views.plan_goals, name="plan_goals"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("plans/<int:pk>/items/new/", views.item_new, name="item_new"),
    path("plans/<int:pk>/items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("plans/<int:pk>/items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("plans/<int:pk>/items/<int:item_id>/complete/", views.item_complete, name="item_complete"),
    path("mine/", views.mine, name="mine"),
    path("diagnostics.xlsx", views.diagnostics_xlsx, name="diagnostics_xlsx"),
    path("import/", views.import_page, name="import"),
    path("import/upload/", views.import_upload, name="import_upload"),
    path("import/template/<str:kind>/", views.import_template, name="import_template"),
]
