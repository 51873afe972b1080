"""Signals between the domain apps, so that a lower app does not import the ones built on it.

`figures_inputs_changed` is sent when data that stored figures are computed from has changed: an
import applied, a list approved or changed, a roadmap or its measures changed. `region_id` (or
`school_id`) narrows it; neither means "anything may have changed". The programmes app listens
and refreshes its stored indicators in the background.
"""

from django.dispatch import Signal

figures_inputs_changed = Signal()
