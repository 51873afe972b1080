"""Meetings (совещания, заседания рабочей группы) and their decisions.

A decision has owners: people, or schools (the decision "to the heads of these 15 schools" is
tracked per school, its head reporting for it). Each owner closes their part with evidence; the
decision is done when every part is. "Overdue" is computed from the deadline, never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from opora.core.models import Municipality, Region, School


class Meeting(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("region"))
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="meetings", verbose_name=_("municipality"))
    number = models.CharField(_("protocol number"), max_length=32, blank=True)
    title = models.CharField(_("meeting"), max_length=500)  # «совещание руководителей …»
    topic = models.TextField(_("topic"), blank=True)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    chair = models.CharField(_("chair"), max_length=300, blank=True)
    secretary = models.CharField(_("secretary"), max_length=300, blank=True)
    # The «УТВЕРЖДАЮ» block of the protocol (position and name), if the protocol is approved.
    approver = models.CharField(_("approved by"), max_length=500, blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="meetings_attended",
                                       verbose_name=_("attendees"))
    attendees_text = models.TextField(_("attendees (as in the protocol)"), blank=True)
    # [{"title": "...", "speaker": "...", "heard": "..."}], in order.
    agenda = models.JSONField(_("agenda"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


    history = HistoricalRecords()
    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.title} — {self.held_on}"


class DecisionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("decision", "open")
    DONE = "done", pgettext_lazy("decision", "done")
    CANCELLED = "cancelled", pgettext_lazy("decision", "cancelled")


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.CharField(_("item"), max_length=16, blank=True)  # «1.2»
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(_("decision"))
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    # The owners as the protocol writes them («отв. кураторы, муниципальные координаторы»).
    owners_text = models.CharField(_("responsible (as in the protocol)"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Who closed or cancelled the decision as a whole, and why (the meeting's owner).
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    note = models.TextField(_("note"), blank=True)


    history = HistoricalRecords()
    class Meta:
        ordering = ["meeting", "position", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.text[:80]


class DecisionOwner(models.Model):
    """One owner's part of a decision: a person, or a school (reported by its head)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="owners")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="decision_parts")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="decision_parts")
    status = models.CharField(_("status"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="decisions/%Y/", blank=True)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)  # the user's name, sanitised
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")


    history = HistoricalRecords()
    class Meta:
        ordering = ["decision", "school", "user", "pk"]
        indexes = [models.Index(fields=["status", "school"]), models.Index(fields=["status", "user"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False, school__isnull=True) | Q(user__isnull=True, school__isnull=False)),
                name="decision_owner_person_or_school",
            ),
            models.UniqueConstraint(fields=["decision", "user"], condition=Q(user__isnull=False),
                                    name="decision_owner_user_once"),
            models.UniqueConstraint(fields=["decision", "school"], condition=Q(school__isnull=False),
                                    name="decision_owner_school_once"),
        ]

    def __str__(self) -> str:
        return str(self.user or self.school)

    def owner_name(self) -> str:
        """The school's name, or the person's full name (their login without one)."""
        if self.school is not None:
            return self.school.name
        if self.user is None:  # never: the check constraint wants a person or a school
            return ""
        return self.user.full_name or self.user.username
