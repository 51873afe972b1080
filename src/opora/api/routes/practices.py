"""Банк практик (not built yet)."""

from ninja import Router

router = Router(tags=["Банк практик"])
