"""Municipal and regional programmes for the low-result schools, their indicators (KPIs) and the
yearly targets.

A programme covers a fixed set of schools (`ProgrammeSchool`), by default the approved list of
its first year: the denominators of its indicators are taken from that list, so a school that
leaves the list later still counts (exits do not flatter the figures). Each indicator is one of
the shipped definitions (`programmes/catalogue.py`) with a target per year; the facts are
computed from what Opora holds (`programmes/compute.py`), never typed in.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opora.core.models import Municipality, Region, School
from opora.core.years import YEAR_VALIDATORS


class Programme(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="programmes", verbose_name=_("region"))
    # Empty: a regional programme.
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="programmes", verbose_name=_("municipality"))
    code = models.SlugField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=500)
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    goals = models.TextField(pgettext_lazy("programme", "goals"), blank=True)
    tasks = models.TextField(pgettext_lazy("programme", "tasks"), blank=True)
    # The programme, its goals, indicators and schools may be shown on the public pages.
    is_public = models.BooleanField(pgettext_lazy("programme", "public"), default=False)
    schools: models.ManyToManyField[School, ProgrammeSchool] = models.ManyToManyField(
        School, through="ProgrammeSchool", related_name="programmes",
                                     verbose_name=_("schools"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="programme_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class ProgrammeSchool(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    # Why the school is in: "list" (the approved list of the first year) or "manual".
    source = models.CharField(max_length=8, default="list")

    class Meta:
        ordering = ["programme", "school"]
        constraints = [models.UniqueConstraint(fields=["programme", "school"], name="programme_school_once")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.school_id}"


class ProgrammeKpi(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="kpis")
    code = models.CharField(_("indicator"), max_length=64)  # a key of programmes.catalogue.CATALOGUE
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="programme_kpi_once")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.code}"


class KpiTarget(models.Model):
    kpi = models.ForeignKey(ProgrammeKpi, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    # A share in percent (0–100), as programmes write their targets.
    value = models.DecimalField(_("target, %"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        ordering = ["kpi", "year"]
        constraints = [models.UniqueConstraint(fields=["kpi", "year"], name="kpi_target_once_per_year")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.year}: {self.value}"


class KpiFigure(models.Model):
    """One indicator's stored fact for a year: every school's contribution as computed at
    `computed_at` (`programmes/figures.py`). Pages read these instead of computing; the target and
    so the status are applied when read, so editing a target needs no recomputation."""

    kpi = models.ForeignKey(ProgrammeKpi, on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    # [[school_id, numerator, denominator, missing], ...] in the programme's school order.
    contributions = models.JSONField(default=list)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kpi", "year"], name="kpi_figure_once_per_year")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.year} @ {self.computed_at:%Y-%m-%d %H:%M}"
