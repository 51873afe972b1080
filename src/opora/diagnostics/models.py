"""Risk profiles (METHODS.md §7): instruments (factors + questionnaires) as versioned data, survey
campaigns with per-group links, the answers, and the computed, verified school profile with the
factors the school selected to work on.

Anonymity: a pupil's or parent's response row holds no identity: only a hash of the browser's
resume key (so the same phone can resume) and a salted hash of the client (flood and duplicate
checks); neither is ever shown. Heads and teachers answer signed in (`respondent`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opora.core.models import Municipality, Region, School
from opora.core.years import YEAR_VALIDATORS

if TYPE_CHECKING:
    from opora.analytics.risk_definition import Definition


class RespondentGroup(models.TextChoices):
    HEAD = "head", _("head")
    TEACHER = "teacher", _("teachers")
    PUPIL = "pupil", _("pupils")
    PARENT = "parent", _("parents")


ANONYMOUS_GROUPS = (RespondentGroup.PUPIL, RespondentGroup.PARENT)


class Wave(models.TextChoices):
    ENTRY = "entry", _("entry")
    EXIT = "exit", _("exit")


class Level(models.TextChoices):
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class Instrument(models.Model):
    """Risk factors and questionnaires; the content lives in versions (editing makes a new one)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    # None: shipped with Opora, usable by every region; otherwise the region's own.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="risk_instruments", verbose_name=_("region"))
    shipped = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("questionnaire set")
        verbose_name_plural = _("questionnaire sets")

    def __str__(self) -> str:
        return self.name

    def current(self) -> InstrumentVersion | None:
        return self.versions.order_by("-number").first()


class InstrumentVersion(models.Model):
    """An immutable definition (`analytics.risk_definition.Definition.to_dict()`)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    comment = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument", "-number"]
        constraints = [models.UniqueConstraint(fields=["instrument", "number"], name="instrument_version_unique")]

    def __str__(self) -> str:
        return f"{self.instrument.code} v{self.number}"

    def parsed(self) -> Definition:
        # Imported here: the analytics core is imported by the code that needs it, not by the models.
        from opora.analytics.risk_definition import Definition

        return Definition.from_dict(self.definition)


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Campaign(models.Model):
    """A survey for a year and a wave in chosen schools of one municipality (or of a region)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="survey_campaigns",
                               verbose_name=_("region"))
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="survey_campaigns", verbose_name=_("municipality"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    wave = models.CharField(_("wave"), max_length=8, choices=Wave.choices)
    title = models.CharField(_("title"), max_length=255)
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="campaigns",
                                verbose_name=_("questionnaires"))
    status = models.CharField(_("status"), max_length=8, choices=CampaignStatus.choices,
                              default=CampaignStatus.OPEN)
    closes_on = models.DateField(_("answers accepted until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-year", "-created_at"]
        indexes = [models.Index(fields=["region", "year", "wave"])]
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")

    def __str__(self) -> str:
        return self.title


class CampaignSchool(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="schools")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="survey_campaigns")

    class Meta:
        ordering = ["campaign", "school__code"]
        constraints = [models.UniqueConstraint(fields=["campaign", "school"], name="campaign_school_unique")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.school_id}"


class SurveyLink(models.Model):
    """The link a school hands out to one respondent group (`/s/<token>/`)."""

    campaign_school = models.ForeignKey(CampaignSchool, on_delete=models.CASCADE, related_name="links")
    group = models.CharField(_("respondents"), max_length=8, choices=RespondentGroup.choices)
    token = models.CharField(max_length=32, unique=True)
    # At most this many responses through the link (a pupil cannot flood a school's answers).
    max_responses = models.PositiveIntegerField(_("response limit"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["campaign_school", "group"]
        constraints = [models.UniqueConstraint(fields=["campaign_school", "group"], name="survey_link_unique")]

    def __str__(self) -> str:
        return f"{self.campaign_school} {self.group}"


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("in progress")
    SUBMITTED = "submitted", _("submitted")


class ResponseSource(models.TextChoices):
    WEB = "web", _("online")
    IMPORT = "import", _("imported")


class SurveyResponse(models.Model):
    link = models.ForeignKey(SurveyLink, on_delete=models.CASCADE, related_name="responses")
    # Only for heads and teachers (signed in); always empty for pupils and parents.
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    resume_hash = models.CharField(max_length=64, blank=True, db_index=True)
    client_hash = models.CharField(max_length=64, blank=True)
    answers = models.JSONField(default=dict)  # question code → scale value
    step = models.PositiveSmallIntegerField(default=0)  # the screen to show next
    seconds = models.FloatField(null=True, blank=True)  # time spent on the screens; None: unknown
    screen_shown_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS)
    source = models.CharField(max_length=8, choices=ResponseSource.choices, default=ResponseSource.WEB)
    import_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["link", "status"]), models.Index(fields=["link", "client_hash"])]
        constraints = [
            models.UniqueConstraint(fields=["link", "respondent"], condition=models.Q(respondent__isnull=False),
                                    name="one_response_per_signed_respondent"),
        ]

    def __str__(self) -> str:
        return f"response #{self.pk}"


class ProfileStatus(models.TextChoices):
    COMPUTED = "computed", _("computed, not verified")
    VERIFIED = "verified", _("verified")


class Profile(models.Model):
    """The school's risk profile from one campaign (recomputing replaces the computed numbers and
    keeps the verification and the selection)."""

    campaign_school = models.OneToOneField(CampaignSchool, on_delete=models.CASCADE, related_name="profile")
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="profiles")
    status = models.CharField(_("status"), max_length=10, choices=ProfileStatus.choices,
                              default=ProfileStatus.COMPUTED)
    # Per group: respondents, used, expected, rate, flagged counts, enough, reasons (see analytics).
    quality = models.JSONField(default=dict, blank=True)
    trusted = models.BooleanField(_("answers are reliable"), default=False)
    weak_reasons = models.JSONField(default=list, blank=True)  # reason codes with numbers
    computed_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("risk profile")
        verbose_name_plural = _("risk profiles")

    def __str__(self) -> str:
        return f"profile {self.campaign_school}"


class ProfileFactor(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="factors")
    factor = models.CharField(_("risk factor"), max_length=64)  # code in the version's definition
    name = models.CharField(_("name"), max_length=500)  # snapshot of the factor's name
    position = models.PositiveSmallIntegerField(default=0)
    score = models.FloatField(_("score"), null=True, blank=True)  # 0..1, None: not enough answers
    level = models.CharField(_("computed level"), max_length=8, choices=Level.choices, blank=True)
    verified_level = models.CharField(_("verified level"), max_length=8, choices=Level.choices, blank=True)
    verified_reason = models.TextField(_("reason"), blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    # [{question, group, text, score, n, weight, direction}], {group: score}, [note codes]
    indicators = models.JSONField(default=list, blank=True)
    groups = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)
    selected = models.BooleanField(_("selected to work on"), default=False)
    selected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    selected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["profile", "position"]
        constraints = [models.UniqueConstraint(fields=["profile", "factor"], name="profile_factor_unique")]

    def __str__(self) -> str:
        return f"{self.profile_id} {self.factor}"

    @property
    def final_level(self) -> str:
        """The level that counts: the verified one when set, else the computed one."""
        return self.verified_level or self.level


class ProfileAction(models.TextChoices):
    COMPUTED = "computed", _("computed")
    CONFIRMED = "confirmed", pgettext_lazy("risk profile", "confirmed")
    LEVEL_CHANGED = "level_changed", _("level changed")
    SELECTED = "selected", _("selected to work on")
    UNSELECTED = "unselected", _("no longer selected")


class ProfileEvent(models.Model):
    """Who did what to a profile, when and why (the verification and selection history)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=ProfileAction.choices)
    factor = models.CharField(max_length=64, blank=True)
    old_level = models.CharField(max_length=8, blank=True)
    new_level = models.CharField(max_length=8, blank=True)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.profile_id} {self.action} {self.factor}"
