"""Curators, partner schools and mentoring pairs.

A curatorship is the record of who supports a school, since when, until when and with which goals;
while it is current, the curator's `curator` role lists the school (so access follows the record).
A partnership pairs a supported school with a stronger partner school; a mentoring pair joins two
teachers of the staff registry, usually across a partnership.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from opora.core.models import School


class Curatorship(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="curatorships",
                               verbose_name=_("school"))
    curator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="curatorships",
                                verbose_name=_("curator"))
    # Where the curator works (a head or deputy of another school); empty for a municipal specialist.
    curator_school = models.ForeignKey(School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                       verbose_name=_("curator's school"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


    history = HistoricalRecords()
    class Meta:
        ordering = ["school", "-starts_on", "pk"]
        verbose_name = _("curatorship")
        verbose_name_plural = _("curatorships")
        constraints = [
            models.UniqueConstraint(fields=["school", "curator"], condition=Q(ends_on__isnull=True),
                                    name="curatorship_one_current_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.curator} → {self.school}"


class Partnership(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="partnerships",
                               verbose_name=_("supported school"))
    partner = models.ForeignKey(School, on_delete=models.CASCADE, related_name="partnerships_as_partner",
                                verbose_name=_("partner school"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


    history = HistoricalRecords()
    class Meta:
        ordering = ["school", "-starts_on", "pk"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(condition=~Q(school=F("partner")), name="partnership_not_with_itself"),
            models.UniqueConstraint(fields=["school", "partner"], condition=Q(ends_on__isnull=True),
                                    name="partnership_one_current_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.school} ↔ {self.partner}"


class Mentoring(models.Model):
    mentor = models.ForeignKey("staff.StaffMember", on_delete=models.CASCADE, related_name="mentoring_as_mentor",
                               verbose_name=_("mentor"))
    mentee = models.ForeignKey("staff.StaffMember", on_delete=models.CASCADE, related_name="mentoring_as_mentee",
                               verbose_name=_("mentee"))
    partnership = models.ForeignKey(Partnership, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="mentoring", verbose_name=_("partnership"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


    history = HistoricalRecords()
    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentoring_not_with_oneself"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"
