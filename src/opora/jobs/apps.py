from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "opora.jobs"
    verbose_name = _("background jobs")

    def ready(self) -> None:
        from django_tasks.signals import task_finished, task_started

        from opora.jobs import heartbeat

        task_started.connect(heartbeat.on_task_started, dispatch_uid="opora-job-heartbeat-start")
        task_finished.connect(heartbeat.on_task_finished, dispatch_uid="opora-job-heartbeat-finish")
