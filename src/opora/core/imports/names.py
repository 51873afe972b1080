"""Russian names of school types and settlement types as they are written in files."""

from __future__ import annotations

from opora.core.imports.tabular import normalise
from opora.core.models import SchoolType, Settlement

# Accepted names, the first of each is the one shown in messages and templates.
TYPE_NAMES: dict[str, tuple[str, ...]] = {
    SchoolType.SECONDARY: (
        "СОШ",
        "средняя общеобразовательная школа",
        "средняя школа",
        "secondary",
    ),
    SchoolType.PRIMARY: (
        "НОШ",
        "начальная общеобразовательная школа",
        "начальная школа",
        "primary",
    ),
    SchoolType.BASIC: ("ООШ", "основная общеобразовательная школа", "основная школа", "basic"),
    SchoolType.LYCEUM: ("лицей", "lyceum"),
    SchoolType.GYMNASIUM: ("гимназия", "gymnasium"),
    SchoolType.IN_DEPTH: (
        "СОШ с углублённым изучением",
        "СОШ с углублённым изучением отдельных предметов",
        "СОШ с УИОП",
        "школа с углублённым изучением",
        "in_depth",
    ),
    SchoolType.CORRECTIONAL: (
        "коррекционная",
        "коррекционная школа",
        "специальная (коррекционная)",
        "correctional",
    ),
    SchoolType.EVENING: ("вечерняя", "вечерняя школа", "вечерняя (сменная)", "ВСОШ", "evening"),
}
SETTLEMENT_NAMES: dict[str, tuple[str, ...]] = {
    Settlement.CITY: ("город", "city"),
    Settlement.TOWN: ("посёлок", "пгт", "посёлок городского типа", "рабочий посёлок", "town"),
    Settlement.VILLAGE: ("село", "деревня", "станица", "хутор", "аул", "village"),
    Settlement.UNKNOWN: ("не указано", "нет данных", "неизвестно", "unknown"),
}


def _lookup(names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalise(name): value for value, aliases in names.items() for name in aliases}


TYPES = _lookup(TYPE_NAMES)
SETTLEMENTS = _lookup(SETTLEMENT_NAMES)


def primary(names: dict[str, tuple[str, ...]]) -> list[str]:
    """The main Russian name of each value, for error messages."""
    return [aliases[0] for aliases in names.values()]


def accepted(names: dict[str, tuple[str, ...]]) -> list[str]:
    """Accepted names without the English codes, for messages, templates and docs."""
    return [name for aliases in names.values() for name in aliases if not name.isascii()]
