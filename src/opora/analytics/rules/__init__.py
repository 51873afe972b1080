"""Identification rule sets (METHODS.md §5): the parameters a region edits (`RuleParams`) and the
selection steps they drive, each vectorised over the works frame (one row per school × procedure
× year × subject × grade, see `work_features.py`).

Choices of ours, where the methods leave room:
- Works with fewer than `min_participants` pupils never count for or against a school: every
  step drops them first, so a school of 8 pupils is never flagged, whatever its marks.
- Federal rule: a procedure *fails* in a year when the fail share pooled over the procedure's
  works (subjects chosen by the rule, every grade, each work with N ≥ min_participants) is
  ≥ fail_bar. low_score = the number of procedures failing in the year under study.
- Municipal rule: each criterion is ranked among the judged schools as a mid-rank percentile
  (rank − ½)/n with ties sharing their rank, oriented so that worse is higher; the composite is
  the weighted mean of the percentiles the school has. "share" selects the round(share × n)
  worst composites (schools tied with the last one selected are all selected).
- Changes (decline risk and dynamics) are judged against the region's own schools: see
  `school_change.py`.
- Thresholds are perturbed ×0.9 / ×1.1 to test a verdict's stability; the quality rule's
  low_groups, a whole number, moves by one group instead.
- A selection is split into `score` (numbers independent of the thresholds, computed once) and
  `decide` (the verdict at given thresholds), so the perturbed verdicts cost little.

The package: `params` (RuleParams), `steps` (shared by the selections), `selections` (one per
kind), `stability` (typology, list proposal, stability of the verdict).
"""

from opora.analytics.rules.params import (
    CONNECTIVES,
    CRITERIA,
    DEFAULT_RULE_SETS,
    DYNAMICS,
    KINDS,
    MEASURES,
    REASON_KEPT,
    REASON_LOW,
    SELECTS,
    TYPOLOGY,
    Z95,
    RuleParams,
)
from opora.analytics.rules.selections import (
    decide,
    federal_scores,
    federal_selection,
    municipal_scores,
    municipal_selection,
    quality_scores,
    quality_selection,
    score,
    select,
)
from opora.analytics.rules.stability import inclusion, stable_context, stable_years, typology
from opora.analytics.rules.steps import (
    POPULATION,
    SCHOOL_WORK,
    WORK,
    Scores,
    Selection,
    counted,
    percentile,
    region_shares,
)

__all__ = [
    "CONNECTIVES", "CRITERIA", "DEFAULT_RULE_SETS", "DYNAMICS", "KINDS", "MEASURES", "POPULATION", "REASON_KEPT",
    "REASON_LOW", "SCHOOL_WORK", "SELECTS", "TYPOLOGY", "WORK", "Z95",
    "RuleParams", "Scores", "Selection",
    "counted", "decide", "federal_scores", "federal_selection", "inclusion",
    "municipal_scores", "municipal_selection", "percentile", "quality_scores", "quality_selection", "region_shares",
    "score", "select", "stable_context", "stable_years", "typology",
]
