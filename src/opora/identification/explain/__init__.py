"""The "why" of a school's flags in words and numbers, from one `RunSchool` (its fields and its
`evidence`, the JSON of `opora.analytics.identify`).

- `summary_sentences(row, names)`: a few plain sentences summing up the school's position
  («Доля неудовлетворительных результатов по предмету «Математика» не ниже 30% 2 года подряд …»).
- `why_items(row, names)`: one item per flag with its value, the rule (parameters used), the
  numbers and the works behind it, for the "why" panel.

Evidence written by an older or newer analytics may lack keys or carry new ones: every read here
tolerates a missing key (the item then shows what there is), and an unknown number is shown
under its own name rather than dropped.
"""

from opora.identification.explain.formatting import (
    Names,
    display,
    dynamics_label,
    label,
    number,
    pct,
    points,
    position_label,
    reason_label,
    sign_label,
    stable_years_text,
    typology_label,
    upper_first,
    yes_no,
)
from opora.identification.explain.labels import (
    CRITERIA,
    FLAGS,
    LABELS,
    MEASURES,
    REASONS,
    SHARES,
    SIGN_STATUSES,
    SIGNS,
)
from opora.identification.explain.summary import summary_sentences
from opora.identification.explain.why import SignStatus, Table, WhyItem, why_items

__all__ = [
    "CRITERIA", "FLAGS", "LABELS", "MEASURES", "REASONS", "SHARES", "SIGN_STATUSES", "SIGNS",
    "Names", "SignStatus", "Table", "WhyItem",
    "display", "dynamics_label", "label", "number", "pct", "points", "position_label", "reason_label",
    "sign_label", "stable_years_text", "summary_sentences", "typology_label", "upper_first", "why_items", "yes_no",
]
