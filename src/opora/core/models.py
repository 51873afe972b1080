"""Territory (regions, municipalities, schools), social passports, people and roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from opora.core.years import YEAR_VALIDATORS

SHARE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(1)]

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class User(AbstractUser):
    """A person who signs in. Names are kept whole, as Russian documents write them."""

    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    position = models.CharField(_("position"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    invited_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("invited by"),
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Region(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=255)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=255)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="municipality_name_unique_in_region")
        ]

    def __str__(self) -> str:
        return self.name


class SchoolType(models.TextChoices):
    PRIMARY = "primary", _("primary school")
    BASIC = "basic", _("basic school")
    SECONDARY = "secondary", _("secondary school")
    LYCEUM = "lyceum", _("lyceum")
    GYMNASIUM = "gymnasium", _("gymnasium")
    IN_DEPTH = "in_depth", _("school with in-depth study")
    CORRECTIONAL = "correctional", _("special (correctional) school")
    EVENING = "evening", _("evening school")


class Settlement(models.TextChoices):
    CITY = "city", _("city")
    TOWN = "town", _("urban-type settlement")
    VILLAGE = "village", _("village")
    # Real registers often lack it; the analytics treat it as a level of its own.
    UNKNOWN = "", _("not specified")


class SizeBand(models.TextChoices):
    """Enrolment bands used by the school list filter."""

    SMALL = "small", _("small (under 100 pupils)")
    MEDIUM = "medium", _("medium (100–499 pupils)")
    LARGE = "large", _("large (500–999 pupils)")
    VERY_LARGE = "very_large", _("very large (1000 pupils and more)")


SIZE_BAND_BOUNDS: dict[str, tuple[int, int | None]] = {
    SizeBand.SMALL: (0, 100),
    SizeBand.MEDIUM: (100, 500),
    SizeBand.LARGE: (500, 1000),
    SizeBand.VERY_LARGE: (1000, None),
}


class School(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=500)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="schools", verbose_name=_("municipality")
    )
    type = models.CharField(_("type"), max_length=20, choices=SchoolType.choices)
    settlement = models.CharField(_("settlement"), max_length=20, choices=Settlement.choices, blank=True,
                                  default=Settlement.UNKNOWN)
    distance_km = models.DecimalField(
        _("distance to the municipal centre, km"), max_digits=7, decimal_places=1,
        null=True, blank=True, validators=[MinValueValidator(0)],
    )
    enrolment = models.PositiveIntegerField(_("enrolment"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        indexes = [
            models.Index(fields=["municipality", "name"]),
            models.Index(fields=["type"]),
            models.Index(fields=["settlement"]),
        ]

    def __str__(self) -> str:
        return self.name


# The social passport: one row per school and year. Field order is the import column order.
PASSPORT_SHARE_FIELDS: tuple[str, ...] = (
    "parents_higher_education",
    "single_parent_families",
    "low_income_families",
    "large_families",
    "unemployed_parents",
    "non_russian_home_language",
    "special_needs",
    "prevention_register",
)
PASSPORT_STAFF_FIELDS: tuple[str, ...] = (
    "teachers",
    "vacancies",
    "teachers_aged_60_plus",
    "teachers_first_category",
    "teachers_highest_category",
    "has_psychologist",
)


def _share(label: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=5, decimal_places=4, null=True, blank=True, validators=SHARE_VALIDATORS
    )


class SocialPassport(models.Model):
    """School context for a year: pupils' social shares (0–1) and the staff summary."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="passports", verbose_name=_("school")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=YEAR_VALIDATORS
    )
    parents_higher_education = _share(_("both parents with higher education"))
    single_parent_families = _share(_("single-parent families"))
    low_income_families = _share(_("low-income families"))
    large_families = _share(_("large families"))
    unemployed_parents = _share(_("unemployed parents"))
    non_russian_home_language = _share(_("Russian not the home language"))
    special_needs = _share(_("pupils with special needs"))
    prevention_register = _share(_("on a prevention register"))
    teachers = models.PositiveIntegerField(_("teachers"), null=True, blank=True)
    vacancies = models.PositiveIntegerField(_("vacancies"), null=True, blank=True)
    teachers_aged_60_plus = models.PositiveIntegerField(_("teachers aged 60+"), null=True, blank=True)
    teachers_first_category = models.PositiveIntegerField(
        _("teachers with the first category"), null=True, blank=True
    )
    teachers_highest_category = models.PositiveIntegerField(
        _("teachers with the highest category"), null=True, blank=True
    )
    has_psychologist = models.BooleanField(_("psychologist on staff"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["school", "-year"]
        verbose_name = _("social passport")
        verbose_name_plural = _("social passports")
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="passport_unique_school_year")
        ]

    def __str__(self) -> str:
        return f"{self.school} — {self.year}"


class Role(models.TextChoices):
    REGIONAL_ADMIN = "regional_admin", _("regional administrator")
    REGIONAL_COORDINATOR = "regional_coordinator", _("regional coordinator")
    MUNICIPAL_COORDINATOR = "municipal_coordinator", _("municipal coordinator")
    MUNICIPAL_OFFICER = "municipal_officer", _("municipal officer")
    CURATOR = "curator", _("curator")
    SCHOOL_HEAD = "school_head", _("school head")
    TEACHER = "teacher", _("teacher")
    METHODIST = "methodist", _("methodist")
    OBSERVER = "observer", _("observer")


class ScopeLevel(models.TextChoices):
    REGION = "region", _("region")
    MUNICIPALITY = "municipality", _("municipality")
    SCHOOL = "school", _("school")
    SCHOOL_LIST = "school_list", _("list of schools")


# Which org unit each role is assigned for. The single source for forms, services and checks.
ROLE_SCOPE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.REGIONAL_ADMIN: (ScopeLevel.REGION,),
    Role.REGIONAL_COORDINATOR: (ScopeLevel.REGION,),
    Role.MUNICIPAL_COORDINATOR: (ScopeLevel.MUNICIPALITY,),
    Role.MUNICIPAL_OFFICER: (ScopeLevel.MUNICIPALITY,),
    Role.CURATOR: (ScopeLevel.SCHOOL_LIST,),
    Role.SCHOOL_HEAD: (ScopeLevel.SCHOOL,),
    Role.TEACHER: (ScopeLevel.SCHOOL,),
    Role.METHODIST: (ScopeLevel.REGION, ScopeLevel.MUNICIPALITY),
    Role.OBSERVER: (ScopeLevel.REGION, ScopeLevel.MUNICIPALITY, ScopeLevel.SCHOOL),
}


class RoleAssignment(models.Model):
    """A role held by a user for one org unit, or for a list of schools (curators)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("region"),
    )
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("municipality"),
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("school"),
    )
    schools = models.ManyToManyField(
        School, blank=True, related_name="curator_assignments", verbose_name=_("schools")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(m2m_fields=[schools])

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            # At most one org unit is set; a curator's list lives in `schools`.
            models.CheckConstraint(
                condition=(
                    Q(region__isnull=False, municipality__isnull=True, school__isnull=True)
                    | Q(region__isnull=True, municipality__isnull=False, school__isnull=True)
                    | Q(region__isnull=True, municipality__isnull=True, school__isnull=False)
                    | Q(region__isnull=True, municipality__isnull=True, school__isnull=True)
                ),
                name="role_assignment_one_org_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} — {self.scope_label}"

    @property
    def scope_level(self) -> str:
        if self.region_id:
            return ScopeLevel.REGION
        if self.municipality_id:
            return ScopeLevel.MUNICIPALITY
        if self.school_id:
            return ScopeLevel.SCHOOL
        return ScopeLevel.SCHOOL_LIST

    @property
    def scope_label(self) -> str:
        unit = self.region or self.municipality or self.school
        if unit is not None:
            return str(unit)
        return _("schools: %(count)d") % {"count": self.schools.count()}


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the token is shown once, at creation."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ColumnMapping(models.Model):
    """How the files of one source map to an import's columns, saved so the next file of the
    same shape loads without asking (`core.imports.mapping`). Shared by everyone who may run
    that import: a mapping describes a file's shape, not anyone's data."""

    kind = models.CharField(_("import"), max_length=32)  # "schools", "results" …
    name = models.CharField(_("name"), max_length=100)
    layout = models.JSONField(_("mapping"))  # tabular.Layout.as_dict()
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="column_mapping_unique_name")]
        ordering = ["kind", "-updated_at"]

    def __str__(self) -> str:
        return self.name
