"""Loading the demo: generate, write the territory and the demo users in one transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from opora.core.errors import ValidationFailed
from opora.demo.generator import SIZES, generate
from opora.demo.loader import territory_is_empty, territory_load
from opora.demo.people import demo_people_create
from opora.demo.rows import Territory


@transaction.atomic
def demo_load(*, size: str, seed: int, with_history: bool | None = None) -> Territory:
    """Generate the territory of `size` from `seed` and load it into an empty database."""
    if size not in SIZES:
        raise ValidationFailed(
            _("Unknown size «%(size)s». Choose one of: %(sizes)s.")
            % {"size": size, "sizes": ", ".join(SIZES)}
        )
    if not territory_is_empty():
        raise ValidationFailed(
            _(
                "The database already holds regions or schools; the demo is loaded only into an "
                "empty database."
            )
        )
    territory = generate(size, seed)
    territory_load(territory, with_history=with_history)
    demo_people_create(territory)
    return territory
