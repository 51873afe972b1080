"""Решения совещаний (not built yet)."""

from ninja import Router

router = Router(tags=["Решения совещаний"])
