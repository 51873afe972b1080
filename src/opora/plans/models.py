"""The school's documents of the «500+» cycle (concept, medium-term programme, anti-risk
programmes, roadmap, half-year and year reports), their review, and the calendar of stages.

A document's content is structured data (`content`, shaped by `plans/content.py`); the roadmap's
measures are rows (`Measure`) so execution can be counted across schools. Each submission
snapshots the content as a `Revision`, so earlier versions stay readable and a reviewer sees what
changed. Every state change is a `Transition` row (who, when, why, which sections were returned).
`lock_version` grows with every write: a save or a transition made on an older version is refused
(`core.errors.Conflict`), so two people acting at once never lose a change silently.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opora.core.models import Municipality, Region, School
from opora.core.years import YEAR_VALIDATORS


class DocumentKind(models.TextChoices):
    CONCEPT = "concept", _("development concept")
    PROGRAMME = "programme", _("medium-term programme")
    ANTIRISK = "antirisk", _("anti-risk programme")
    ROADMAP = "roadmap", _("roadmap")
    REPORT_HALF = "report_half", _("half-year report")
    REPORT_YEAR = "report_year", _("year report")


class DocState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("document", "draft")
    SUBMITTED = "submitted", pgettext_lazy("document", "submitted")
    RETURNED = "returned", pgettext_lazy("document", "returned for revision")
    APPROVED = "approved", pgettext_lazy("document", "approved")


class Document(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="plan_documents",
                               verbose_name=_("school"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    # Anti-risk programmes only: the risk factor code (from the school's risk profile) it works on.
    factor = models.CharField(_("risk factor"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=500)
    state = models.CharField(_("state"), max_length=12, choices=DocState.choices, default=DocState.DRAFT)
    content = models.JSONField(default=dict, blank=True)
    # Section keys returned for revision by the last return (empty: the whole document).
    returned_sections = models.JSONField(default=list, blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)  # the latest submission
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["school", "year", "kind", "factor"]
        constraints = [models.UniqueConstraint(fields=["school", "year", "kind", "factor"],
                                               name="plan_document_unique")]
        indexes = [models.Index(fields=["year", "kind", "state"])]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class Revision(models.Model):
    """The content as submitted (number 1, 2, … per document); measures included for a roadmap."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    content = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="plan_revision_unique")]

    def __str__(self) -> str:
        return f"{self.document_id} r{self.number}"


class Transition(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=12, choices=DocState.choices)
    to_state = models.CharField(max_length=12, choices=DocState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    comment = models.TextField(blank=True)
    sections = models.JSONField(default=list, blank=True)  # returned sections
    revision = models.ForeignKey(Revision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["document", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.from_state}→{self.to_state}"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("measure", "in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class Measure(models.Model):
    """A measure of the school's roadmap (plan of measures) with its execution."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="measures")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("measure"), max_length=1000)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    responsible = models.CharField(_("responsible"), max_length=300, blank=True)
    indicator = models.CharField(_("indicator"), max_length=500, blank=True)
    target = models.CharField(_("target value"), max_length=200, blank=True)
    # Where it came from: "programme", "antirisk", "added" (by hand); the factor it addresses.
    source = models.CharField(max_length=16, blank=True)
    factor = models.CharField(_("risk factor"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices,
                              default=MeasureStatus.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    fact = models.TextField(_("what was done"), blank=True)
    evidence = models.TextField(_("evidence (links)"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["document", "position", "pk"]
        indexes = [models.Index(fields=["document", "status", "due_on"])]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    """A review comment, threaded (`parent`), pointing at a section or a single measure."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="comments")
    revision = models.ForeignKey(Revision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    section = models.CharField(max_length=64, blank=True)
    measure = models.ForeignKey(Measure, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document", "created_at", "pk"]

    def __str__(self) -> str:
        return f"comment #{self.pk}"


class Attachment(models.Model):
    """A file attached to a document (a signed copy) or to a measure (evidence)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    measure = models.ForeignKey(Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="plans/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)  # sanitised original name
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    signed = models.BooleanField(_("signed copy"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-uploaded_at"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    """The calendar: a document kind is due by a date, for a region's or a municipality's schools
    (a municipality's date overrides the region's)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="plan_stages")
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="plan_stages")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    due_on = models.DateField(_("due"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["year", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["region", "municipality", "year", "kind"], name="plan_stage_unique"),
            models.UniqueConstraint(fields=["region", "year", "kind"], condition=models.Q(municipality__isnull=True),
                                    name="plan_stage_region_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.due_on}"
