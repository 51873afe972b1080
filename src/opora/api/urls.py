from django.urls import path

urlpatterns: list = []  # personal API tokens page: api_tokens
