from django.urls import path

from opora.api import views

urlpatterns = [
    path("", views.tokens, name="api_tokens"),
    path("<int:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
]
