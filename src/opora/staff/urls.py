from django.urls import path

from opora.staff.views import registry, staffing

app_name = "staff"
urlpatterns = [
    path("", staffing.home, name="home"),
    path("schools/<str:code>/", staffing.school, name="school"),
    path("schools/<str:code>/registry/", registry.registry, name="registry"),
    path("schools/<str:code>/registry/new/", registry.member_new, name="member_new"),
    path("schools/<str:code>/vacancies/", registry.vacancies, name="vacancies"),
    path("people/<int:pk>/edit/", registry.member_edit, name="member_edit"),
    path("people/<int:pk>/leave/", registry.member_leave, name="member_leave"),
    path("people/<int:pk>/return/", registry.member_return, name="member_return"),
    path("vacancies/<int:pk>/fill/", registry.vacancy_fill, name="vacancy_fill"),
    path("vacancies/<int:pk>/delete/", registry.vacancy_delete, name="vacancy_delete"),
    path("import/", registry.registry_import, name="registry_import"),
    path("import/template.xlsx", registry.registry_template, name="registry_template"),
]
