from __future__ import annotations

import pytest

from opora.analytics.risk_definition import Definition
from opora.diagnostics.models import Campaign, InstrumentVersion
from tests.conftest import Cast
from tests.diagnostics.builders import make_campaign, shipped_version


@pytest.fixture
def version(db: None) -> InstrumentVersion:
    """The shipped instrument's current version (created by post_migrate)."""
    return shipped_version()


@pytest.fixture
def definition(version: InstrumentVersion) -> Definition:
    return version.parsed()


@pytest.fixture
def campaign(cast: Cast, version: InstrumentVersion) -> Campaign:
    """An open entry campaign of 2026 in municipality m1 for schools s1 and s2, links for all groups."""
    return make_campaign(municipality=cast.m1, schools=[cast.s1, cast.s2], version=version, created_by=cast.maria)
