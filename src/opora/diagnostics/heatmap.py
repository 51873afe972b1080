"""The heat map of schools × risk factors, built from the stored profiles the user sees.

One row per school: its newest campaign's profile of the year and wave. Columns: the factors of
every instrument version involved, in the newest version's order. A cell carries the final level
(verified if set), so what the map shows is what was agreed with the school. A handful of queries
whatever the number of schools: profiles with their campaign and school in one, factors in one,
the definitions of the versions involved in one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, QuerySet

from opora.core.models import Municipality, School
from opora.diagnostics.models import InstrumentVersion, Level, Profile, ProfileFactor, ProfileStatus, Wave
from opora.diagnostics.selectors import UserLike, profiles_for, visible_schools

SORTS = ("municipality", "school")


@dataclass(frozen=True)
class Column:
    factor: str
    name: str


@dataclass
class Cell:
    factor: str
    level: str  # final: verified when set, else computed; "" not enough answers
    computed: str
    verified: str
    score: float | None
    selected: bool

    @property
    def changed(self) -> bool:
        """The verification changed the computed level."""
        return bool(self.verified) and self.verified != self.computed

    @property
    def label(self) -> str:
        return str(Level(self.level).label) if self.level else ""

    @property
    def computed_label(self) -> str:
        return str(Level(self.computed).label) if self.computed else ""


@dataclass
class Row:
    profile: Profile
    school: School
    municipality: Municipality
    cells: list[Cell | None]  # aligned with the columns; None: the factor is not in this profile's version

    @property
    def verified(self) -> bool:
        return self.profile.status == ProfileStatus.VERIFIED

    @property
    def weak(self) -> bool:
        """Built on weak answers and nobody has verified it yet."""
        return not self.profile.trusted and not self.verified


@dataclass
class Share:
    column: Column
    high: int
    medium: int
    total: int  # schools with a level for the factor

    @property
    def high_percent(self) -> int | None:
        return round(100 * self.high / self.total) if self.total else None

    @property
    def medium_percent(self) -> int | None:
        return round(100 * self.medium / self.total) if self.total else None


@dataclass
class HeatMap:
    year: int | None
    wave: str
    municipality: Municipality | None
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)


def heatmap_years(user: UserLike) -> list[int]:
    """Years with a profile the user sees, newest first."""
    years = profiles_for(user).order_by().values_list("campaign_school__campaign__year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def heatmap_municipalities(user: UserLike) -> QuerySet[Municipality]:
    """Municipalities holding a school the user sees profiles of (a region's user: all of the region)."""
    return Municipality.objects.filter(pk__in=visible_schools(user).values("municipality_id")).order_by("name")


def latest_year(user: UserLike) -> int | None:
    return profiles_for(user).order_by().aggregate(year=Max("campaign_school__campaign__year"))["year"]


def _profiles(user: UserLike, year: int, wave: str, municipality: Municipality | None) -> list[Profile]:
    # The definitions (large JSON, one per version) are read once below, not once per row.
    factors = ProfileFactor.objects.defer("indicators", "groups", "notes", "verified_reason").order_by("position")
    qs = (profiles_for(user, year=year, wave=wave).defer("quality", "version__definition")
          .prefetch_related(Prefetch("factors", queryset=factors))
          .order_by("campaign_school__school_id", "-campaign_school__campaign__created_at", "-pk"))
    if municipality is not None:
        qs = qs.filter(campaign_school__school__municipality=municipality)
    newest: dict[int, Profile] = {}
    for profile in qs:
        newest.setdefault(profile.campaign_school.school_id, profile)  # the newest campaign comes first
    return list(newest.values())


def _columns(profiles: list[Profile]) -> list[Column]:
    """The union of the factors, in the newest version's order (others after, by position)."""
    versions = {p.version_id for p in profiles}
    if not versions:
        return []
    newest = InstrumentVersion.objects.filter(pk__in=versions).order_by("-created_at", "-pk").only("definition").first()
    definition = newest.definition if newest is not None else None  # None: never, `versions` are profiles'
    order = {f["code"]: (i, f.get("name", "")) for i, f in enumerate((definition or {}).get("factors", []))}
    seen: dict[str, tuple[tuple[int, int], str]] = {}
    for profile in profiles:
        for pf in profile.factors.all():
            if pf.factor in order:
                seen[pf.factor] = ((0, order[pf.factor][0]), order[pf.factor][1] or pf.name)
            elif pf.factor not in seen:
                seen[pf.factor] = ((1, pf.position), pf.name)
    return [Column(code, name) for code, (_key, name) in sorted(seen.items(), key=lambda item: item[1][0])]


def _sort_key(sort: str) -> Callable[[Row], tuple[str, ...]]:
    if sort == "school":
        return lambda r: (r.school.name.casefold(), r.school.code)
    return lambda r: (r.municipality.name.casefold(), r.school.name.casefold(), r.school.code)


def heatmap_build(user: UserLike, *, year: int | None, wave: str = Wave.ENTRY,
                  municipality: Municipality | None = None, sort: str = "municipality") -> HeatMap:
    """The map of the schools the user sees for the year and wave (optionally one municipality)."""
    result = HeatMap(year=year, wave=wave, municipality=municipality)
    if year is None:
        return result
    profiles = _profiles(user, year, wave, municipality)
    result.columns = _columns(profiles)
    index = {c.factor: i for i, c in enumerate(result.columns)}
    for profile in profiles:
        cells: list[Cell | None] = [None] * len(result.columns)
        for pf in profile.factors.all():
            cells[index[pf.factor]] = Cell(factor=pf.factor, level=pf.final_level, computed=pf.level,
                                           verified=pf.verified_level, score=pf.score, selected=pf.selected)
        school = profile.campaign_school.school
        result.rows.append(Row(profile=profile, school=school, municipality=school.municipality, cells=cells))
    result.rows.sort(key=_sort_key(sort if sort in SORTS else "municipality"))
    result.shares = shares(result)
    return result


def shares(heatmap: HeatMap) -> list[Share]:
    """Per factor: how many schools have it high (and medium) among those with a level for it."""
    out = []
    for i, column in enumerate(heatmap.columns):
        levels = [cell.level for row in heatmap.rows if (cell := row.cells[i]) is not None and cell.level]
        out.append(Share(column=column, high=levels.count("high"), medium=levels.count("medium"), total=len(levels)))
    return out
