"""Loading the demo: generate, write the territory, the demo users and (by default) three years
of assessment results, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from opora.core.errors import ValidationFailed
from opora.demo.appeals import appeals_demo_load
from opora.demo.cases import cases_demo_load
from opora.demo.diagnostics import DiagnosticsSummary, diagnostics_load
from opora.demo.generator import SIZES, generate
from opora.demo.identification import IdentificationSummary, identification_load
from opora.demo.loader import territory_is_empty, territory_load
from opora.demo.people import demo_people_create
from opora.demo.plans import PlansSummary, plans_load
from opora.demo.plans_clock import quiet_mail_until_commit
from opora.demo.programmes import programmes_demo_load
from opora.demo.results_loader import Progress, ResultsSummary, results_load
from opora.demo.rows import Territory
from opora.demo.staff_development import development_demo_load
from opora.demo.staff_registry import staff_registry_demo_load
from opora.demo.support_events import events_demo_load
from opora.demo.support_meetings import meetings_demo_load
from opora.demo.support_network import network_demo_load
from opora.demo.support_practices import practices_demo_load
from opora.demo.support_visits import visits_demo_load

# Sizes that get demo results unless asked not to; the national benchmark makes its own.
RESULTS_SIZES: tuple[str, ...] = ("tiny", "municipality", "region")


@dataclass
class DemoLoaded:
    territory: Territory
    results: ResultsSummary | None  # None: loaded without results
    identification: IdentificationSummary | None = None
    diagnostics: DiagnosticsSummary | None = None  # survey campaigns and risk profiles
    plans: PlansSummary | None = None  # the calendar of stages and the schools' documents
    # Support network and teachers: counts by kind of record (curators, events, decisions …).
    support: dict[str, int] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)  # objectivity cases opened from identification, appeals


@transaction.atomic
def demo_load(
    *,
    size: str,
    seed: int,
    with_history: bool | None = None,
    with_results: bool | None = None,
    progress: Progress | None = None,
) -> DemoLoaded:
    """Generate the territory of `size` from `seed` and load it into an empty database.

    `with_results=None` loads results for the sizes in RESULTS_SIZES only."""
    if size not in SIZES:
        raise ValidationFailed(
            _("Unknown size «%(size)s». Choose one of: %(sizes)s.") % {"size": size, "sizes": ", ".join(SIZES)}
        )
    if not territory_is_empty():
        raise ValidationFailed(
            _("The database already holds regions or schools; the demo is loaded only into an empty database.")
        )
    territory = generate(size, seed)
    territory_load(territory, with_history=with_history)
    demo_people_create(territory)
    if with_results is None:
        with_results = size in RESULTS_SIZES
    results = results_load(territory, seed=seed, progress=progress) if with_results else None
    identification = identification_load() if with_results else None
    diagnostics = diagnostics_load(seed=seed) if with_results else None
    plans = plans_load(seed=seed) if with_results else None
    # After identification (cases are opened from its run) and the plans (they give schools their heads).
    # Their notifications stay in the application: no e-mail from loading a demo.
    after_cases = quiet_mail_until_commit() if with_results else None
    cases = cases_demo_load(seed=seed) if with_results else {}
    support = support_load(seed=seed) if with_results else {}
    if with_results:
        # Appeals against the approved lists, after the cases: last, since an upheld appeal changes a
        # list the support steps read.
        cases.update(appeals_demo_load(seed=seed))
    if after_cases is not None:
        transaction.on_commit(after_cases)
    return DemoLoaded(territory=territory, results=results, identification=identification, diagnostics=diagnostics,
                      plans=plans, support=support, cases=cases)


# In this order: the registry first (mentors, participants and plans are its people), then the
# network, visits, events, meetings and practices, the teachers' development, and the programme
# last (its indicators read all of these).
SUPPORT_STEPS = (staff_registry_demo_load, network_demo_load, visits_demo_load, events_demo_load,
                 meetings_demo_load, practices_demo_load, development_demo_load, programmes_demo_load)


def support_load(*, seed: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for step in SUPPORT_STEPS:
        counts.update(step(seed=seed))
    return counts
