"""The figures the sections leave for the conclusions."""

from __future__ import annotations

from dataclasses import dataclass, field

from opora.core.models import School


@dataclass
class Facts:
    """Figures the conclusions are written from; None means the data is missing."""

    schools: int = 0
    listed: list[School] | None = None
    entered: list[School] | None = None
    left: list[School] | None = None
    flags: dict[str, int] = field(default_factory=dict)
    fail: dict[str, dict[int, float]] = field(default_factory=dict)  # procedure → year → fail share
    fail_region: dict[str, dict[int, float]] = field(default_factory=dict)
    top_high_factor: tuple[str, int] | None = None
    measures_counted: int | None = None
    measures_on_time: float | None = None
    measures_overdue: int | None = None
    documents_due_late: int | None = None
    unsupported: list[School] | None = None
    decisions_overdue: int | None = None
    teachers: int | None = None
    diagnosed_share: float | None = None
    kpi_achieved: list[str] = field(default_factory=list)
    kpi_missed: list[str] = field(default_factory=list)
    kpi_no_data: list[str] = field(default_factory=list)
