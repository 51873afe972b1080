"""The plan of events (seminars, world cafés, coaching sessions …), invitations and attendance.

An event belongs to a municipality's plan (or the region's, with no municipality). Schools are
invited; people register (a school's participants, by name); on the day attendance is taken or
imported. A participant is one person at one event: `attended` is None until attendance is taken.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from opora.core.models import Municipality, Region, School


class EventKind(models.TextChoices):
    SEMINAR = "seminar", _("seminar")
    WORLD_CAFE = "world_cafe", _("world café")
    COACHING = "coaching", _("coaching session")
    BUSINESS_GAME = "business_game", _("business game")
    DEBATE = "debate", _("debate")
    FORESIGHT = "foresight", _("foresight session")
    COURSE = "course", _("course")
    MASTER_CLASS = "master_class", _("master class")
    MEETING = "meeting", pgettext_lazy("event kind", "meeting")
    OTHER = "other", pgettext_lazy("event kind", "other")


class EventStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("event", "planned")
    HELD = "held", pgettext_lazy("event", "held")
    CANCELLED = "cancelled", pgettext_lazy("event", "cancelled")


class Event(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="events", verbose_name=_("region"))
    # Empty: a regional event.
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="events", verbose_name=_("municipality"))
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    # The period as the plan writes it when it is not a date («в течение года», «октябрь–ноябрь»).
    period_text = models.CharField(_("period (as in the plan)"), max_length=200, blank=True)
    venue_school = models.ForeignKey(School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("host school"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    responsible = models.CharField(_("responsible"), max_length=500, blank=True)
    responsible_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                               verbose_name=_("responsible users"))
    expected_result = models.TextField(_("expected result"), blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=EventStatus.choices, default=EventStatus.PLANNED)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    registration_open = models.BooleanField(_("registration open"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


    history = HistoricalRecords()
    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["region", "starts_on"]), models.Index(fields=["municipality", "starts_on"])]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="event_invitations")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "school"]
        constraints = [models.UniqueConstraint(fields=["event", "school"], name="invitation_once_per_school")]

    def __str__(self) -> str:
        return f"{self.event} — {self.school}"


class ParticipantSource(models.TextChoices):
    REGISTRATION = "registration", _("registration")
    ON_THE_DAY = "on_the_day", _("on the day")
    IMPORT = "import", pgettext_lazy("source", "import")


class Participant(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    # The school the participant comes from (empty: municipal staff, guests).
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("school"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    staff = models.ForeignKey("staff.StaffMember", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="event_participations")
    full_name = models.CharField(_("full name"), max_length=255)
    position = models.CharField(_("position"), max_length=255, blank=True)
    source = models.CharField(max_length=16, choices=ParticipantSource.choices, default=ParticipantSource.REGISTRATION)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "school", "full_name", "pk"]
        indexes = [models.Index(fields=["event", "school"])]
        constraints = [
            models.UniqueConstraint(fields=["event", "staff"], condition=Q(staff__isnull=False),
                                    name="participant_once_per_staff"),
        ]

    def __str__(self) -> str:
        return self.full_name
