"""Objectivity cases: a statistical sign of non-objective results taken up as a case with a
status, deadlines, the school's answer and a decision with its consequences.

A case is about one school, one year and one procedure (ВПР, ОГЭ …); its works and the signs'
numbers are a snapshot of the identification run it was opened from, so the evidence does not move
when the run is recomputed. The workflow (who moves a case from which state) is in `workflow.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opora.core.models import Region, School
from opora.core.years import YEAR_VALIDATORS


class CaseState(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "opened")
    WAITING = "waiting", pgettext_lazy("case status", "waiting for the school")
    REVIEW = "review", pgettext_lazy("case status", "under review")
    DECIDED = "decided", pgettext_lazy("case status", "decided")


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("case outcome", "confirmed")
    NOT_CONFIRMED = "not_confirmed", _("not confirmed")
    INCONCLUSIVE = "inconclusive", _("inconclusive")


class LowResultsEffect(models.TextChoices):
    """What a confirmed case does to the school's low-result determination (the region's rule)."""

    EXCLUDE = "exclude", _("the works are left out of the determination")
    INCLUDE = "include", _("the school is put on the list")
    NONE = "none", _("the determination does not change")


class ObjectivityCase(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="objectivity_cases")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="objectivity_cases")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    procedure = models.CharField(_("procedure"), max_length=16)
    run = models.ForeignKey("identification.Run", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    # Snapshot at opening: the works (procedure, subject, grade), the present signs with their
    # numbers, each sign's status and the school's objectivity index.
    works = models.JSONField(default=list, blank=True)
    signs = models.JSONField(default=list, blank=True)
    statuses = models.JSONField(default=dict, blank=True)
    objectivity_index = models.FloatField(null=True, blank=True)
    state = models.CharField(_("status"), max_length=16, choices=CaseState.choices, default=CaseState.OPEN)
    answer_due = models.DateField(_("answer due"), null=True, blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    answer = models.TextField(_("the school's answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    # The municipality's opinion, then the region's decision.
    municipal_outcome = models.CharField(_("municipality's opinion"), max_length=16, choices=Outcome.choices,
                                         blank=True)
    municipal_reason = models.TextField(_("municipality's reason"), blank=True)
    municipal_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    municipal_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("decision"), max_length=16, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("reason of the decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # Consequences of a confirmed case, set with the decision.
    mark_results = models.BooleanField(_("mark the results as not objective"), default=True)
    low_results_effect = models.CharField(_("effect on the low-result determination"), max_length=8,
                                          choices=LowResultsEffect.choices, default=LowResultsEffect.EXCLUDE)
    enhanced_control = models.BooleanField(_("enhanced control at the next assessment"), default=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-year", "school__municipality__name", "school__name", "procedure"]
        constraints = [models.UniqueConstraint(fields=["school", "year", "procedure"], name="case_unique")]
        indexes = [models.Index(fields=["region", "year", "state"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.year} {self.procedure}"

    @property
    def confirmed(self) -> bool:
        return self.state == CaseState.DECIDED and self.outcome == Outcome.CONFIRMED


class EventKind(models.TextChoices):
    OPENED = "opened", _("opened")
    SENT = "sent", _("sent to the school")
    ANSWERED = "answered", _("the school answered")
    TAKEN = "taken", _("taken for review without an answer")
    FILE = "file", _("file attached")
    MUNICIPAL = "municipal", _("the municipality gave its opinion")
    DECIDED = "decided", _("decided")
    REOPENED = "reopened", _("reopened")
    REMINDED = "reminded", _("reminder sent")


class CaseEvent(models.Model):
    """One line of a case's history: who did what, when, with which words."""

    case = models.ForeignKey(ObjectivityCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    from_state = models.CharField(max_length=16, choices=CaseState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=CaseState.choices, blank=True)
    text = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseFile(models.Model):
    """A file of the school's answer: the organisation of the assessment, observers' reports,
    re-marking results (checked like a plan's attachments)."""

    case = models.ForeignKey(ObjectivityCase, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="cases/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


# --- Appeals against the approved list ------------------------------------------------------------


class AppealKind(models.TextChoices):
    INCLUSION = "inclusion", _("against the inclusion in the list")
    EXCLUSION = "exclusion", _("against the exclusion from the list")
    FLAG = "flag", _("against a flag")


class AppealState(models.TextChoices):
    FILED = "filed", pgettext_lazy("appeal status", "filed")
    INFO = "info", pgettext_lazy("appeal status", "more information asked")
    DECIDED = "decided", pgettext_lazy("appeal status", "decided")


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("upheld")
    REJECTED = "rejected", _("rejected")


class Appeal(models.Model):
    """A school's appeal against its place in the approved list of a year (or one of its flags),
    filed by its head or its municipal coordinator within the region's period after the approval."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="appeals")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="appeals")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    kind = models.CharField(_("what is appealed"), max_length=16, choices=AppealKind.choices)
    flag = models.CharField(_("flag"), max_length=32, blank=True)
    reasons = models.TextField(_("reasons"))
    state = models.CharField(_("status"), max_length=16, choices=AppealState.choices, default=AppealState.FILED)
    decision_due = models.DateField(_("decision due"))
    question = models.TextField(_("information asked"), blank=True)
    reply = models.TextField(_("information given"), blank=True)
    outcome = models.CharField(_("decision"), max_length=16, choices=AppealOutcome.choices, blank=True)
    decision = models.TextField(_("reason of the decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    list_version = models.PositiveIntegerField(null=True, blank=True)  # the version an upheld appeal made
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-year", "-filed_at"]
        indexes = [models.Index(fields=["region", "year", "state"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.year} {self.kind}"


class AppealFile(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="appeals/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appeal", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class AppealEvent(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16)  # filed, asked, replied, decided
    text = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appeal", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"


class AppealPeriod(models.Model):
    """The last day appeals are taken against a region's list of a year (the region sets it; by
    default APPEAL_DAYS after the approval)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    closes_on = models.DateField(_("appeals are taken until"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="appeal_period_unique")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.closes_on}"
