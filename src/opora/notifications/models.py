"""In-app notifications (and the e-mail sent for them): one row per recipient and event."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # What happened, as a code the page words in Russian: submitted, returned, approved, due_soon,
    # overdue, digest … (see notifications/texts.py).
    verb = models.CharField(max_length=32)
    subject = models.CharField(_("subject"), max_length=300)  # the sentence shown, already in Russian
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)  # where the notification leads
    # Generic pointer to what it is about, e.g. ("plans.document", 12): used to avoid duplicates.
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    key = models.CharField(max_length=200, blank=True)  # de-duplication key (e.g. "due_soon:12:2026-03-01")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [models.UniqueConstraint(fields=["user", "key"], condition=~models.Q(key=""),
                                               name="notification_key_unique")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.subject
