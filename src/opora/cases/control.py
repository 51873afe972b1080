"""The enhanced-control list: the schools whose results of a year were confirmed not objective,
to be assessed the next year with independent observers and re-marking (an XLSX for the organisers;
the page and `opora cases export` write the same file)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from opora.cases.effects import control_cases
from opora.cases.models import ObjectivityCase
from opora.core.xlsx import xlsx_bytes


@dataclass(frozen=True)
class ControlRow:
    region: str
    municipality: str
    school_code: str
    school: str
    procedure: str
    works: str
    decided_on: str
    reason: str


def control_rows(visible: QuerySet[ObjectivityCase], year: int) -> list[ControlRow]:
    from opora.cases.services import works_label

    cases = control_cases(year).filter(pk__in=visible.values("pk"))
    return [ControlRow(region=c.region.name, municipality=c.school.municipality.name, school_code=c.school.code,
                       school=c.school.name, procedure=c.procedure.upper(), works=works_label(c),
                       decided_on=date_format(timezone.localtime(c.decided_at), "d.m.Y") if c.decided_at else "",
                       reason=c.reason)
            for c in cases.order_by("region__name", "school__municipality__name", "school__name", "procedure")]


def control_workbook(rows: list[ControlRow], year: int) -> bytes:
    headers = [_("Region"), _("Municipality"), _("School code"), _("School"), _("Procedure"), _("Works"),
               _("Case decided"), _("Reason")]
    title = _("Enhanced control %(year)s") % {"year": year + 1}
    return xlsx_bytes(title=title, headers=headers,
                      rows=([r.region, r.municipality, r.school_code, r.school, r.procedure, r.works, r.decided_on,
                             r.reason] for r in rows))
