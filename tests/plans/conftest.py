from __future__ import annotations

import pytest

from opora.plans.models import Document, DocumentKind
from tests.conftest import Cast
from tests.plans.builders import make_document


@pytest.fixture
def concept(cast: Cast) -> Document:
    """A complete draft concept of school s1 (head sam, curator kate, municipality m1 of maria) for 2026."""
    return make_document(cast.s1, DocumentKind.CONCEPT)
