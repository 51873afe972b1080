"""Assessment procedures, scales and tasks (data, versioned by year), the manifest of the
Parquet results store, and the per-school rollups that pages read.

Pupil-level results never live in these tables: they are in Parquet files (see `store.py`),
listed by `ResultPart`. Pages read `SchoolIndicator` / `TaskIndicator`, computed from the files
by the analytics core, so no page ever scans pupil rows.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from opora.core.models import School
from opora.core.years import YEAR_VALIDATORS

GRADE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(11)]


class ScoreKind(models.TextChoices):
    MARK = "mark", _("marks 2–5 from primary-score boundaries")
    TEST_SCORE = "test_score", _("test score 0–100 with a minimum")


class Procedure(models.Model):
    """ВПР, ОГЭ, ЕГЭ or a regional work. Procedures are data: a region can add its own."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    score_kind = models.CharField(
        _("scoring"), max_length=16, choices=ScoreKind.choices, default=ScoreKind.MARK
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("assessment procedure")
        verbose_name_plural = _("assessment procedures")

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    # Other Russian spellings accepted in files («Математика (профильная)», «матем.» …).
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    is_core = models.BooleanField(
        _("Russian or mathematics"), default=False,
        help_text=_("Counted as Russian or mathematics by the identification rules."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")

    def __str__(self) -> str:
        return self.name


class Difficulty(models.TextChoices):
    BASIC = "basic", _("basic (Б)")
    ADVANCED = "advanced", _("advanced (П)")
    HIGH = "high", _("high (В)")


class Scale(models.Model):
    """Scoring of one work: procedure × year × subject × grade. Changes every year, so it is data.

    For `mark` procedures a primary score ≥ markN_from gives mark N (below mark3_from: 2).
    For `test_score` procedures `test_table[p]` is the test score of primary score p, a result
    below `min_score` (test score) fails, and `high_bar` (test score) counts as a high result.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="scales",
                                  verbose_name=_("procedure"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="scales",
                                verbose_name=_("subject"))
    grade = models.PositiveSmallIntegerField(_("grade"), validators=GRADE_VALIDATORS)
    max_score = models.PositiveSmallIntegerField(_("maximum primary score"))
    mark3_from = models.PositiveSmallIntegerField(_("mark 3 from"), null=True, blank=True)
    mark4_from = models.PositiveSmallIntegerField(_("mark 4 from"), null=True, blank=True)
    mark5_from = models.PositiveSmallIntegerField(_("mark 5 from"), null=True, blank=True)
    min_score = models.PositiveSmallIntegerField(_("minimum test score"), null=True, blank=True)
    high_bar = models.PositiveSmallIntegerField(_("high result from (test score)"), null=True,
                                                blank=True)
    test_table = models.JSONField(_("primary → test score table"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["procedure", "-year", "subject", "grade"]
        verbose_name = _("scale")
        verbose_name_plural = _("scales")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "year", "subject", "grade"],
                                    name="scale_unique_work")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} {self.year} {self.subject.code} {self.grade}"


class TaskSpec(models.Model):
    """One task of a work: its maximum, difficulty and the skill it checks."""

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="tasks",
                              verbose_name=_("work"))
    number = models.PositiveSmallIntegerField(_("task"))  # position: column task_<number>
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    difficulty = models.CharField(_("difficulty"), max_length=16, choices=Difficulty.choices,
                                  default=Difficulty.BASIC)
    skill = models.TextField(_("checked skill"), blank=True)
    codifier = models.CharField(_("codifier codes"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scale", "number"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(fields=["scale", "number"], name="task_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.scale} №{self.number}"


class ResultPart(models.Model):
    """One Parquet file of the results store. The active parts of a (procedure, year) are the
    data; an import switches parts in one transaction, so readers see old or new, never half.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    path = models.CharField(max_length=500, unique=True)  # relative to settings.RESULTS_DIR
    rows = models.PositiveBigIntegerField(default=0)
    school_codes = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")

    class Meta:
        indexes = [models.Index(fields=["procedure", "year", "active"])]

    def __str__(self) -> str:
        return self.path


class Source(models.TextChoices):
    PUPILS = "pupils", _("pupil results")
    AGGREGATES = "aggregates", _("school aggregates")


class SmallGroup(models.TextChoices):
    NONE = "", _("enough pupils")
    WARN = "warn", _("10–29 pupils: read with care")
    TOO_FEW = "too_few", _("fewer than 10 pupils: not ranked")


class SchoolIndicator(models.Model):
    """School × procedure × year × subject × grade (× class; '' = the whole grade) rollup."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="indicators")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    grade = models.PositiveSmallIntegerField(validators=GRADE_VALIDATORS)
    class_name = models.CharField(max_length=16, blank=True, default="")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.PUPILS)
    participants = models.PositiveIntegerField()
    # Null mark counts (and so null shares): an aggregate whose counts the form suppresses (small
    # schools), which carries only the mean; every share-based figure says «недостаточно данных».
    mark2 = models.PositiveIntegerField(default=0, null=True, blank=True)
    mark3 = models.PositiveIntegerField(default=0, null=True, blank=True)
    mark4 = models.PositiveIntegerField(default=0, null=True, blank=True)
    mark5 = models.PositiveIntegerField(default=0, null=True, blank=True)
    fail_share = models.FloatField(null=True, blank=True)
    fail_low = models.FloatField(null=True, blank=True)
    fail_high = models.FloatField(null=True, blank=True)
    high_share = models.FloatField(null=True, blank=True)
    high_low = models.FloatField(null=True, blank=True)
    high_high = models.FloatField(null=True, blank=True)
    mean_pct = models.FloatField(null=True, blank=True)  # mean primary score, % of maximum
    mean_mark = models.FloatField(null=True, blank=True)
    # Spread of the primary score (sd, % of maximum) and pupils by primary score 0..max: from
    # aggregates that carry them (pupil rows give both from the store instead).
    pct_sd = models.FloatField(null=True, blank=True)
    score_counts = models.JSONField(null=True, blank=True)
    fail_change = models.FloatField(null=True, blank=True)  # vs previous year, share points
    negative_dynamics = models.BooleanField(default=False)
    small_group = models.CharField(max_length=8, choices=SmallGroup.choices, blank=True,
                                   default=SmallGroup.NONE)
    # Comparison with journal marks: pupils whose result was below / equal to / above it.
    lowered = models.PositiveIntegerField(null=True, blank=True)
    confirmed = models.PositiveIntegerField(null=True, blank=True)
    raised = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "procedure", "year", "subject", "grade", "class_name"],
                name="indicator_unique_cell",
            )
        ]
        indexes = [
            models.Index(fields=["procedure", "year", "subject", "grade"]),
            models.Index(fields=["school", "procedure", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.procedure_id} {self.year} {self.subject_id} {self.grade}{self.class_name}"

    @property
    def counts_known(self) -> bool:
        """False for an aggregate with the mark counts suppressed: only its mean can be used."""
        return self.fail_share is not None


class TaskIndicator(models.Model):
    """Completion of one task (mean of score / max) by a school's grade or class."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="task_indicators")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    grade = models.PositiveSmallIntegerField(validators=GRADE_VALIDATORS)
    class_name = models.CharField(max_length=16, blank=True, default="")
    task = models.PositiveSmallIntegerField()
    participants = models.PositiveIntegerField()
    completion = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "procedure", "year", "subject", "grade", "class_name", "task"],
                name="task_indicator_unique_cell",
            )
        ]
        indexes = [models.Index(fields=["procedure", "year", "subject", "grade", "task"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.procedure_id} {self.year} {self.subject_id} {self.grade} №{self.task}"


class TaskMarkGroup(models.Model):
    """Completion of one task by the pupils of a school's grade who got one mark (2, 3, 4 or 5).

    A lower mark group doing better on a task than a higher one is an anomaly worth a look.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(validators=YEAR_VALIDATORS)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    grade = models.PositiveSmallIntegerField(validators=GRADE_VALIDATORS)
    mark = models.PositiveSmallIntegerField(validators=[MinValueValidator(2), MaxValueValidator(5)])
    task = models.PositiveSmallIntegerField()
    participants = models.PositiveIntegerField()
    completion = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "procedure", "year", "subject", "grade", "mark", "task"],
                name="task_mark_group_unique_cell",
            )
        ]
        indexes = [models.Index(fields=["procedure", "year"])]

    def __str__(self) -> str:
        work = f"{self.school_id} {self.procedure_id} {self.year} {self.subject_id} {self.grade}"
        return f"{work}: «{self.mark}» {self.task}"
