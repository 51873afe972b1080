from django.contrib.auth import views as auth_views
from django.urls import path

from opora.core.views import account, health, history, home, people, schools, territory

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", account.profile, name="profile"),
    path("account/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "invitation/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(post_reset_login=False),
        name="password_reset_confirm",
    ),
    path(
        "invitation/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("territory/", territory.territory, name="territory"),
    path("municipalities/<str:code>/", territory.municipality_detail, name="municipality_detail"),
    path("municipalities/<str:code>/history/", history.municipality_history, name="municipality_history"),
    path("schools/", schools.school_list, name="school_list"),
    path("schools/<str:code>/", schools.school_detail, name="school_detail"),
    path("schools/<str:code>/history/", history.school_history, name="school_history"),
    path("people/", people.people, name="people"),
    path("people/invite/", people.person_invite, name="person_invite"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/history/", history.person_history, name="person_history"),
    path("people/<int:pk>/roles/", people.role_assign, name="role_assign"),
    path("people/<int:pk>/roles/<int:assignment_id>/revoke/", people.role_revoke, name="role_revoke"),
    path("people/<int:pk>/active/", people.person_set_active, name="person_set_active"),
]
