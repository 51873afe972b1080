"""Risk profiles of schools (METHODS.md §7): the stored profiles of a year, scoped exactly as on the
pages (Perm.VIEW_RISK_PROFILES), with every factor's computed, verified and final level."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from opora.api.auth import caller
from opora.api.schemas import ERRORS
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.models import User
from opora.core.years import FIRST_YEAR, LAST_YEAR
from opora.diagnostics.models import Profile, ProfileFactor
from opora.diagnostics.selectors import profiles_for

router = Router(tags=["Профили рисков"])


class ProfilesQuery(Schema):
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR, description="Год анкетирования")
    wave: Literal["entry", "exit"] | None = Field(None, description="Волна: entry — входное, exit — итоговое")
    municipality: str | None = Field(None, max_length=20, description="Код муниципалитета")
    school: str | None = Field(None, max_length=32, description="Код школы")


class FactorOut(Schema):
    factor: str = Field(description="Код фактора риска в версии анкет")
    name: str = Field(description="Название фактора")
    score: float | None = Field(description="Балл 0–1 (чем выше, тем выше риск); null — мало ответов")
    level: str = Field(description="Рассчитанный уровень: high | medium | low; пусто — мало данных")
    verified_level: str = Field(description="Уровень после проверки; пусто — не менялся")
    final_level: str = Field(description="Итоговый уровень: проверенный, если задан, иначе рассчитанный")
    verified_reason: str = Field(description="Причина изменения уровня")
    selected: bool = Field(description="Школа выбрала фактор для работы")


class ProfileOut(Schema):
    school_code: str
    school_name: str
    municipality_code: str
    year: int
    wave: str = Field(description="entry | exit")
    campaign_id: int
    campaign_title: str
    instrument_version: str = Field(description="Версия анкет: «код vN»")
    status: str = Field(description="computed — рассчитан, verified — проверен")
    trusted: bool = Field(description="Ответы надёжны (нет причин сомневаться)")
    weak_reasons: list[dict[str, Any]] = Field(description="Причины сомнений: код и числа, как в расчёте")
    computed_at: datetime | None
    verified_at: datetime | None
    factors: list[FactorOut]


def _reader(request: HttpRequest) -> User:
    user = caller(request)
    if not access.has_perm_anywhere(user, Perm.VIEW_RISK_PROFILES):
        raise AccessDenied
    return user


def _item(profile: Profile) -> dict[str, Any]:
    campaign = profile.campaign_school.campaign
    school = profile.campaign_school.school
    return {
        "school_code": school.code, "school_name": school.name, "municipality_code": school.municipality.code,
        "year": campaign.year, "wave": campaign.wave, "campaign_id": campaign.pk, "campaign_title": campaign.title,
        "instrument_version": f"{profile.version.instrument.code} v{profile.version.number}",
        "status": profile.status, "trusted": profile.trusted, "weak_reasons": list(profile.weak_reasons or []),
        "computed_at": profile.computed_at, "verified_at": profile.verified_at,
        "factors": [{"factor": f.factor, "name": f.name, "score": f.score, "level": f.level,
                     "verified_level": f.verified_level, "final_level": f.final_level,
                     "verified_reason": f.verified_reason, "selected": f.selected} for f in profile.factors.all()],
    }


@router.get("/risk-profiles", response={200: list[ProfileOut], **ERRORS}, summary="Профили рисков школ за год")
def risk_profiles(request: HttpRequest, params: Query[ProfilesQuery]) -> Any:
    """Профили рисков доступных пользователю школ за год (все кампании года; по желанию — одна волна,
    муниципалитет или школа): уровни факторов — рассчитанный, проверенный и итоговый, выбранные школой
    факторы, надёжность ответов. Порядок: муниципалитет, школа, волна, новая кампания первой."""
    user = _reader(request)
    factors = ProfileFactor.objects.defer("indicators", "groups", "notes").order_by("position")
    qs = (profiles_for(user, year=params.year, wave=params.wave)
          .defer("quality", "version__definition").select_related("version__instrument")
          .prefetch_related(Prefetch("factors", queryset=factors)))
    if params.municipality:
        qs = qs.filter(campaign_school__school__municipality__code=params.municipality)
    if params.school:
        qs = qs.filter(campaign_school__school__code=params.school)
    qs = qs.order_by("campaign_school__school__municipality__code", "campaign_school__school__code",
                     "campaign_school__campaign__wave", "-campaign_school__campaign__created_at", "-pk")
    return [_item(p) for p in qs]
