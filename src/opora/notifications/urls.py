from django.urls import path

from opora.notifications.views import inbox

app_name = "notifications"
urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("<int:pk>/read/", inbox.mark_read, name="read"),
    path("read-all/", inbox.mark_all_read, name="read_all"),
]
