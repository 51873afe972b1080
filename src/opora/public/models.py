"""News of the public pages: short notes a municipality or the region publishes for parents and
the public (a seminar held, a programme's year summed up). Written by whoever manages the
territory's programmes; shown without login once published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from opora.core.models import Municipality, Region


class News(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="news", verbose_name=_("region"))
    # Empty: the region's news.
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="news", verbose_name=_("municipality"))
    title = models.CharField(pgettext_lazy("news", "headline"), max_length=300)
    body = models.TextField(pgettext_lazy("news", "text"))
    is_published = models.BooleanField(pgettext_lazy("news", "published"), default=False)
    published_at = models.DateTimeField(pgettext_lazy("news", "publication date"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-created_at", "-pk"]
        verbose_name = pgettext_lazy("news", "news item")
        verbose_name_plural = pgettext_lazy("news", "news")
        indexes = [models.Index(fields=["is_published", "published_at"])]

    def __str__(self) -> str:
        return self.title
