"""Analytical reports (аналитические справки): what was ordered, for which territory and year, in
which format, the background job that builds it, and the stored file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opora.core.models import Municipality, Region, School
from opora.core.years import FIRST_YEAR, LAST_YEAR

YEAR_LIMITS = (FIRST_YEAR, LAST_YEAR)


class ScopeKind(models.TextChoices):
    SCHOOL = "school", _("school")
    MUNICIPALITY = "municipality", _("municipality")
    REGION = "region", _("region")


class ReportFormat(models.TextChoices):
    DOCX = "docx", "DOCX"
    PDF = "pdf", "PDF"


class Report(models.Model):
    """One ordered report. Exactly one of school / municipality / region is set, as `scope_kind` says."""

    scope_kind = models.CharField(_("territory"), max_length=16, choices=ScopeKind.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("region"))
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("municipality"))
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("school"))
    year = models.PositiveSmallIntegerField(_("year"))
    format = models.CharField(_("format"), max_length=8, choices=ReportFormat.choices)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("ordered by"))
    created_at = models.DateTimeField(_("ordered"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("analytical report")
        verbose_name_plural = _("analytical reports")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope_kind="school", school__isnull=False, municipality__isnull=True,
                             region__isnull=True)
                    | models.Q(scope_kind="municipality", school__isnull=True, municipality__isnull=False,
                               region__isnull=True)
                    | models.Q(scope_kind="region", school__isnull=True, municipality__isnull=True,
                               region__isnull=False)
                ),
                name="report_one_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope_label} — {self.year} ({self.format})"

    @property
    def scope_object(self) -> School | Municipality | Region:
        unit = self.school or self.municipality or self.region
        assert unit is not None
        return unit

    @property
    def scope_label(self) -> str:
        return str(self.scope_object)
