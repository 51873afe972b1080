"""The bank of practices: what a school did about a problem and what came of it.

A practice is written by its school, reviewed (returned or published) and, if its school agrees,
public. Search: PostgreSQL full-text search in Russian; a plain substring search on SQLite.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opora.core.models import School


class PracticeState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("practice", "draft")
    SUBMITTED = "submitted", pgettext_lazy("practice", "under review")
    RETURNED = "returned", pgettext_lazy("practice", "returned for revision")
    PUBLISHED = "published", pgettext_lazy("practice", "published")


class Practice(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="practices", verbose_name=_("school"))
    title = models.CharField(_("title"), max_length=500)
    problem = models.TextField(_("problem"))
    actions = models.TextField(_("what was done"))
    results = models.TextField(_("results"))
    tags = models.JSONField(_("tags"), default=list, blank=True)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)  # subject codes of `results`
    risk_factors = models.JSONField(_("risk factors"), default=list, blank=True)  # factor codes (METHODS §7)
    is_public = models.BooleanField(_("public"), default=False)
    state = models.CharField(_("state"), max_length=12, choices=PracticeState.choices, default=PracticeState.DRAFT)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="practices")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-updated_at", "-pk"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        indexes = [models.Index(fields=["state", "is_public"])]

    def __str__(self) -> str:
        return self.title


class PracticeFile(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="practices/%Y/")
    name = models.CharField(_("file"), max_length=255)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["practice", "pk"]

    def __str__(self) -> str:
        return self.name


class PracticeTransition(models.Model):
    """One step of a practice's review: who moved it from which state to which, and why."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=12, choices=PracticeState.choices)
    to_state = models.CharField(max_length=12, choices=PracticeState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["practice", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.practice_id}: {self.from_state} → {self.to_state}"
