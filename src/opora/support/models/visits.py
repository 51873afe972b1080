"""Support visits and consultations, with what was found and recommended, and their follow-ups.

A follow-up is a measure proposed by the visit; once added to the school's roadmap it points at
that roadmap measure (`measure`), so the roadmap reports its execution.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from opora.core.models import School


class VisitKind(models.TextChoices):
    MONITORING = "monitoring", _("monitoring visit")
    LANDING = "landing", _("methodological landing")
    CONSULTATION = "consultation", _("consultation")
    CURATOR = "curator", _("curator's visit")


class Visit(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="visits", verbose_name=_("school"))
    kind = models.CharField(_("kind"), max_length=16, choices=VisitKind.choices)
    held_on = models.DateField(_("date"))
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="visits",
                                          verbose_name=_("participants"))
    # Participants without an account (names and positions as written in the record).
    participants_text = models.TextField(_("other participants"), blank=True)
    purpose = models.TextField(_("purpose"))
    findings = models.TextField(_("findings"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


    history = HistoricalRecords()
    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["school", "held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.school}, {self.held_on}"


class FollowUp(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("visit"))
    title = models.CharField(_("measure"), max_length=1000)
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    responsible = models.CharField(_("responsible"), max_length=300, blank=True)
    measure = models.ForeignKey("plans.Measure", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="visit_follow_ups", verbose_name=_("roadmap measure"))

    class Meta:
        ordering = ["visit", "pk"]
        verbose_name = _("follow-up measure")
        verbose_name_plural = _("follow-up measures")

    def __str__(self) -> str:
        return self.title
