"""The report's sections, one function each: (scope, year, today, facts) → Section.

Every figure is aggregated in the database over the territory's schools. A section without data
says so (`Section.empty`) and leaves its facts as None, so the conclusions never read a missing
figure as zero. `Facts` carries the numbers the conclusions are written from.

One module per group of sections (`territory`, `work`, `programmes`), the conclusions in
`findings`; `BUILDERS` lists them in the report's order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy

from opora.reports.content import Scope, Section
from opora.reports.sections.facts import Facts
from opora.reports.sections.findings import conclusions
from opora.reports.sections.programmes import covering_programmes, kpis
from opora.reports.sections.territory import general, identification, results
from opora.reports.sections.work import risks, roadmaps, support, teachers

Builder = Callable[[Scope, int, date, Facts], Section]
BUILDERS: list[tuple[Any, Builder]] = [
    (gettext_lazy("General information"), general),
    (gettext_lazy("Results of assessment procedures"), results),
    (gettext_lazy("Identification of schools"), identification),
    (gettext_lazy("Risk profiles"), risks),
    (gettext_lazy("Schools' documents and roadmaps"), roadmaps),
    (gettext_lazy("Support of the schools"), support),
    (gettext_lazy("Teachers' professional development"), teachers),
    (gettext_lazy("Programme indicators"), kpis),
]

__all__ = [
    "BUILDERS", "Builder", "Facts", "conclusions", "covering_programmes", "general", "identification", "kpis",
    "results", "risks", "roadmaps", "support", "teachers",
]
