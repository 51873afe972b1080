"""Teachers' professional development: deficit diagnostics by competence area, individual
development plans (ИОМ) of courses, mentoring, events and self-study, and completed courses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from opora.core.years import YEAR_VALIDATORS
from opora.staff.models.registry import StaffMember


class DeficitDiagnostic(models.Model):
    """One teacher's result in one competence area of a diagnostic (ЦНППМ, ИРО …)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="diagnostics",
                              verbose_name=_("teacher"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    held_on = models.DateField(_("date"), null=True, blank=True)
    source = models.CharField(_("diagnostic"), max_length=255, blank=True)
    area = models.CharField(_("competence area"), max_length=255)  # «предметные», «методические» …
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2, null=True, blank=True)
    has_deficit = models.BooleanField(_("deficit found"))
    comment = models.TextField(_("comment"), blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["staff", "-year", "area"]
        verbose_name = _("deficit diagnostic")
        verbose_name_plural = _("deficit diagnostics")
        indexes = [models.Index(fields=["year", "staff"])]
        constraints = [
            models.UniqueConstraint(fields=["staff", "year", "source", "area"], name="diagnostic_once_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} — {self.area} ({self.year})"


class DevelopmentPlan(models.Model):
    """A teacher's individual development plan (ИОМ) for a year."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="development_plans",
                              verbose_name=_("teacher"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    goals = models.TextField(_("goals"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


    history = HistoricalRecords()
    class Meta:
        ordering = ["staff", "-year"]
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        constraints = [models.UniqueConstraint(fields=["staff", "year"], name="development_plan_once_per_year")]

    def __str__(self) -> str:
        return f"{self.staff} — {self.year}"


class PlanItemKind(models.TextChoices):
    COURSE = "course", pgettext_lazy("plan item", "course")
    MENTORING = "mentoring", pgettext_lazy("plan item", "mentoring")
    EVENT = "event", pgettext_lazy("plan item", "event")
    SELF_STUDY = "self_study", pgettext_lazy("plan item", "self-study")


class PlanItem(models.Model):
    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=12, choices=PlanItemKind.choices)
    title = models.CharField(_("what"), max_length=500)
    area = models.CharField(_("competence area"), max_length=255, blank=True)  # the deficit it addresses
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    event = models.ForeignKey("support.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    mentoring = models.ForeignKey("support.Mentoring", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["plan", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class CourseCompletion(models.Model):
    """A course (КПК) a teacher completed, with its certificate; may close a plan item."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="courses",
                              verbose_name=_("teacher"))
    title = models.CharField(_("course"), max_length=500)
    provider = models.CharField(_("provider"), max_length=300, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"))
    certificate = models.CharField(_("certificate number"), max_length=100, blank=True)
    plan_item = models.ForeignKey(PlanItem, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="completions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["staff", "-completed_on", "pk"]
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")

    def __str__(self) -> str:
        return self.title
