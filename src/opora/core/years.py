"""The range of years Opora accepts everywhere: historical panels reach back to 1990."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _

FIRST_YEAR = 1990
LAST_YEAR = 2100
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
YEAR_RANGE = f"{FIRST_YEAR}–{LAST_YEAR}"


def is_valid_year(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def year_range_error() -> str:
    """The one wording of the range, for imports, forms, the CLI and the API."""
    return _("The year must be between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
