"""Педагоги (not built yet)."""

from ninja import Router

router = Router(tags=["Педагоги"])
