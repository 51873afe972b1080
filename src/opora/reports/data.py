"""The analytical report's content: one structure (`content.ReportData`) that both the DOCX and the PDF
builders print, assembled section by section from what Opora holds for a territory and a year.

The territory (`Scope`) is a school, a municipality or a region; whoever orders the report sees it
whole, so the schools inside it are named. The region appears beside a school or a municipality
only as aggregate figures. No pupil data is read; teachers are counted, never named.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Municipality, Region, School, User
from opora.reports.content import ReportData, Scope, Section
from opora.reports.models import ScopeKind
from opora.reports.sections import BUILDERS, Facts, conclusions

Progress = Callable[[int, int, str], None]


def scope_resolve(*, kind: str, code: str) -> Scope:
    """The territory named by its kind and code; ValidationFailed when it does not exist."""
    code = code.strip()
    if kind == ScopeKind.SCHOOL:
        school = School.objects.select_related("municipality__region").filter(code=code).first()
        if school is None:
            raise ValidationFailed(_("There is no school with the code «%(code)s».") % {"code": code})
        return Scope(kind=kind, unit=school, region=school.municipality.region, schools=[school])
    if kind == ScopeKind.MUNICIPALITY:
        municipality = Municipality.objects.select_related("region").filter(code=code).first()
        if municipality is None:
            raise ValidationFailed(_("There is no municipality with the code «%(code)s».") % {"code": code})
        schools = School.objects.filter(municipality=municipality, is_active=True)
        return Scope(kind=kind, unit=municipality, region=municipality.region,
                     schools=list(schools.select_related("municipality").order_by("name")))
    if kind == ScopeKind.REGION:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationFailed(_("There is no region with the code «%(code)s».") % {"code": code})
        schools = School.objects.filter(municipality__region=region, is_active=True)
        return Scope(kind=kind, unit=region, region=region,
                     schools=list(schools.select_related("municipality").order_by("municipality__name", "name")))
    raise ValidationFailed(_("The territory must be a school, a municipality or a region."))


def scope_parse(value: str) -> Scope:
    """`municipality:CODE`, `region:CODE` or `school:CODE` (the command line's form)."""
    kind, sep, code = value.partition(":")
    if not sep or not code.strip():
        raise ValidationFailed(_("Write the territory as municipality:CODE, region:CODE or school:CODE."))
    return scope_resolve(kind=kind.strip().lower(), code=code)


def can_order(user: User, scope: Scope) -> bool:
    """A report covers the territory whole: the user must see all of it."""
    if scope.kind == ScopeKind.SCHOOL:
        assert isinstance(scope.unit, School)
        return access.can_on_school(user, Perm.VIEW_SCHOOL, scope.unit)
    if scope.kind == ScopeKind.MUNICIPALITY:
        return access.municipalities_for(user, Perm.VIEW_SCHOOL).filter(pk=scope.unit.pk).exists()
    return access.regions_for(user, Perm.VIEW_SCHOOL).filter(pk=scope.unit.pk).exists()


def check_order(user: User, scope: Scope) -> None:
    if not can_order(user, scope):
        raise AccessDenied


def territory_line(scope: Scope) -> str:
    if scope.kind == ScopeKind.SCHOOL:
        assert isinstance(scope.unit, School)
        return f"{scope.unit.name} ({scope.unit.municipality.name})"
    return scope.unit.name


def build(scope: Scope, year: int, *, today: date | None = None, progress: Progress | None = None) -> ReportData:
    """Assemble the report: each section in turn (progress after each), then the conclusions."""
    today = today or timezone.localdate()
    builders = BUILDERS
    total = len(builders) + 1
    facts = Facts()
    out: list[Section] = []
    for n, (label, builder) in enumerate(builders):
        if progress:
            progress(n, total, str(label))
        section = builder(scope, year, today, facts)
        section.number = n + 1
        out.append(section)
    if progress:
        progress(len(builders), total, _("Conclusions"))
    ended = conclusions(facts, scope, year)
    return ReportData(
        heading=_("Analytical report"),
        subject=_("on the work with schools with low educational results in %(year)s") % {"year": year},
        territory=territory_line(scope),
        made_on=today,
        sections=out,
        conclusions=ended,
    )
