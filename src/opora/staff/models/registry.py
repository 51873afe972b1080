"""The staff registry of a school. Personal data: rows are shown only inside the school and its
municipality (`core.access.staff_schools_for`); everyone else sees aggregate figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from opora.core.models import School


class PositionKind(models.TextChoices):
    TEACHER = "teacher", pgettext_lazy("position", "teacher")
    HEAD = "head", pgettext_lazy("position", "head")
    DEPUTY = "deputy", pgettext_lazy("position", "deputy head")
    PSYCHOLOGIST = "psychologist", pgettext_lazy("position", "educational psychologist")
    SOCIAL_PEDAGOGUE = "social_pedagogue", pgettext_lazy("position", "social pedagogue")
    SPEECH_THERAPIST = "speech_therapist", pgettext_lazy("position", "speech therapist")
    OTHER = "other", pgettext_lazy("position", "other")


class QualificationCategory(models.TextChoices):
    NONE = "none", pgettext_lazy("category", "none")
    POSITION_MATCH = "position_match", pgettext_lazy("category", "fits the position")
    FIRST = "first", pgettext_lazy("category", "first")
    HIGHEST = "highest", pgettext_lazy("category", "highest")


class AgeGroup(models.TextChoices):
    UNDER_30 = "under_30", _("under 30")
    FROM_30 = "30_39", _("30–39")
    FROM_40 = "40_49", _("40–49")
    FROM_50 = "50_59", _("50–59")
    FROM_60 = "60_plus", _("60 and over")


class StaffMember(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff", verbose_name=_("school"))
    # The school's own key for the person (табельный номер or СНИЛС-free id), used to match imports.
    external_id = models.CharField(_("staff number"), max_length=64, blank=True)
    full_name = models.CharField(_("full name"), max_length=255)
    position_kind = models.CharField(_("position"), max_length=20, choices=PositionKind.choices,
                                     default=PositionKind.TEACHER)
    position = models.CharField(_("position (as in the staff list)"), max_length=255, blank=True)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)  # subject codes (results app)
    qualification_category = models.CharField(_("qualification category"), max_length=16,
                                              choices=QualificationCategory.choices,
                                              default=QualificationCategory.NONE)
    experience_years = models.PositiveSmallIntegerField(_("teaching experience, years"), null=True, blank=True)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="staff_records", verbose_name=_("account"))
    is_active = models.BooleanField(_("works at the school"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


    history = HistoricalRecords()
    class Meta:
        ordering = ["school", "full_name", "pk"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        indexes = [models.Index(fields=["school", "is_active"])]
        constraints = [
            models.UniqueConstraint(fields=["school", "external_id"], condition=~Q(external_id=""),
                                    name="staff_external_id_unique_per_school"),
        ]

    def __str__(self) -> str:
        return self.full_name


class Vacancy(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="vacancies", verbose_name=_("school"))
    position_kind = models.CharField(_("position"), max_length=20, choices=PositionKind.choices,
                                     default=PositionKind.TEACHER)
    subject = models.CharField(_("subject"), max_length=32, blank=True)
    rate = models.DecimalField(_("rate"), max_digits=4, decimal_places=2, default=1)
    opened_on = models.DateField(_("open since"))
    filled_on = models.DateField(_("filled on"), null=True, blank=True)


    history = HistoricalRecords()
    class Meta:
        ordering = ["school", "opened_on", "pk"]
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")

    def __str__(self) -> str:
        return f"{self.school} — {self.get_position_kind_display()}"
