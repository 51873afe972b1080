"""Identification: rule sets as versioned data, runs that store what they read and found, and
the region's approved list of low-result schools per year with manual inclusions/exclusions.

The computation itself is `opora.analytics.identify` (no Django); a run stores its parameters,
the inputs it read and one `RunSchool` row per school with the flags and their evidence, so any
past list can be shown, recomputed and compared.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from opora.core.models import Region, School
from opora.core.years import YEAR_VALIDATORS


class RuleKind(models.TextChoices):
    FEDERAL = "federal", _("federal risk indicator")
    MUNICIPAL = "municipal", _("municipal selection by ranks")
    QUALITY = "quality", _("quality groups and typology")


class RuleSet(models.Model):
    """A named rule set; its parameters live in versions (editing makes a new version)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("method"), max_length=16, choices=RuleKind.choices)
    # None: shipped with Opora, usable by every region; otherwise the region's own.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="rule_sets", verbose_name=_("region"))
    shipped = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self) -> str:
        return self.name

    def current(self) -> RuleSetVersion | None:
        return self.versions.order_by("-number").first()


class RuleSetVersion(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    params = models.JSONField(_("parameters"))
    comment = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rule_set", "-number"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "number"], name="rule_set_version_unique")]

    def __str__(self) -> str:
        return f"{self.rule_set.code} v{self.number}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Run(models.Model):
    """One computation of the flags for a region and year with one rule-set version.

    A preview run (`preview=True`) computes unsaved parameters from the rule-set editor; it is
    never approved and is shown only to compare with the list.
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="identification_runs")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="runs")
    version = models.ForeignKey(RuleSetVersion, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="runs")
    params = models.JSONField(default=dict)  # the parameters actually used (a snapshot)
    preview = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    error = models.TextField(blank=True)
    # What it read: result parts, aggregate rows, passports, earlier lists (recompute and compare).
    inputs = models.JSONField(default=dict, blank=True)
    # Population-level numbers: SWI population, model coefficients, quality groups, regional means.
    population = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    # What the rule set could not judge on these data (analytics/judgeability.py): code, level, numbers.
    warnings = models.JSONField(default=list, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region", "year", "rule_set", "status"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.rule_set_id} #{self.pk}"


class Typology(models.TextChoices):
    RESILIENT = "resilient", _("resilient")
    DISADVANTAGED = "disadvantaged", _("disadvantaged")
    UNDERPERFORMING = "underperforming", _("conditionally favourable")
    FAVOURABLE = "favourable", _("favourable")
    TYPICAL = "typical", _("typical")


class Position(models.TextChoices):
    ABOVE = "above", _("above expected")
    AS_EXPECTED = "as_expected", _("as expected")
    BELOW = "below", _("below expected")


class Dynamics(models.TextChoices):
    IMPROVED = "improved", _("improved")
    STABLE = "stable", _("stable")
    DECLINED = "declined", _("declined")


class RunSchool(models.Model):
    """One school's flags in one run, with the numbers behind each (`evidence`)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="schools")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="identification_rows")
    swi = models.FloatField(null=True, blank=True)
    swi_stanine = models.PositiveSmallIntegerField(null=True, blank=True)
    adverse_context = models.BooleanField(default=False)
    result = models.FloatField(null=True, blank=True)
    expected = models.FloatField(null=True, blank=True)
    residual = models.FloatField(null=True, blank=True)
    residual_low = models.FloatField(null=True, blank=True)
    residual_high = models.FloatField(null=True, blank=True)
    reliability = models.FloatField(null=True, blank=True)
    position = models.CharField(max_length=16, choices=Position.choices, blank=True)
    typology = models.CharField(max_length=16, choices=Typology.choices, blank=True)
    resilient = models.BooleanField(default=False)
    quality_index = models.FloatField(null=True, blank=True)
    quality_group = models.PositiveSmallIntegerField(null=True, blank=True)
    low_results = models.BooleanField(default=False)
    low_score = models.FloatField(null=True, blank=True)
    decline_risk = models.BooleanField(default=False)
    dynamics = models.CharField(max_length=16, choices=Dynamics.choices, blank=True)
    objectivity_index = models.FloatField(null=True, blank=True)
    objectivity_signs = models.JSONField(default=list, blank=True)
    repeated = models.PositiveSmallIntegerField(default=0)
    exit = models.BooleanField(default=False)
    included = models.BooleanField(default=False)  # the rule's proposal, before manual changes
    stable_years = models.CharField(max_length=16, blank=True)  # "2 of 3"
    stable_thresholds = models.BooleanField(null=True, blank=True)
    stable_context = models.BooleanField(null=True, blank=True)
    not_assessed_reason = models.CharField(max_length=32, blank=True)  # judgeability.NOT_ASSESSED, '' = assessed
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "school"], name="run_school_unique")]
        indexes = [models.Index(fields=["run", "included"])]

    def __str__(self) -> str:
        return f"{self.run_id} {self.school_id}"


class YearList(models.Model):
    """The region's approved list of low-result schools for a year (one per region and year;
    approving again replaces it, the history keeps the earlier approvals)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="year_lists")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["region", "-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="year_list_unique")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"


class ListEntry(models.Model):
    """A school in an approved list: by the rule, or added by hand (`manual`, with the reason)."""

    year_list = models.ForeignKey(YearList, on_delete=models.CASCADE, related_name="entries")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="list_entries")
    manual = models.BooleanField(default=False)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year_list", "school"], name="list_entry_unique")]

    def __str__(self) -> str:
        return f"{self.year_list} {self.school_id}"


class ListVersion(models.Model):
    """One version of an approved list: the schools on it with their reasons, and why it changed
    (the approval, a manual decision, an upheld appeal, a confirmed objectivity case). Kept for
    ever, so every earlier version of the list can be shown as it was."""

    year_list = models.ForeignKey(YearList, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    entries = models.JSONField(default=list)  # [{"school": code, "name", "manual", "reason"}], by code
    reason = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year_list", "-number"]
        constraints = [models.UniqueConstraint(fields=["year_list", "number"], name="list_version_unique")]

    def __str__(self) -> str:
        return f"{self.year_list} v{self.number}"


class OverrideAction(models.TextChoices):
    INCLUDE = "include", _("include by hand")
    EXCLUDE = "exclude", _("exclude by hand")


class ListOverride(models.Model):
    """A manual decision on one school for a region's year, kept across re-runs and approvals."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="list_overrides")
    action = models.CharField(_("decision"), max_length=8, choices=OverrideAction.choices)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year", "school"], name="list_override_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.school_id} {self.action}"
