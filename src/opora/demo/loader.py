"""Writes a generated territory to the database in one transaction, in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models, transaction
from simple_history.utils import bulk_create_with_history

from opora.core.models import Municipality, Region, School, SocialPassport
from opora.demo.rows import Territory

BATCH_SIZE = 2000
# Below this many schools every row also gets its history row (the "created" entry a user
# sees on a school card); national-size data skips history to load in reasonable time.
HISTORY_LIMIT = 2000


def territory_is_empty() -> bool:
    return not (Region.objects.exists() or School.objects.exists())


def _creator(with_history: bool) -> Callable[[list[Any], type[models.Model]], None]:
    def create(objs: list[Any], model: type[models.Model]) -> None:
        if with_history:
            bulk_create_with_history(objs, model, batch_size=BATCH_SIZE)
        else:
            model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)

    return create


def _ids(model: type[models.Model], codes: Iterable[str]) -> dict[str, int]:
    """Primary keys by code, read back once (bulk_create does not return pks on every DB)."""
    wanted = set(codes)
    manager = model._default_manager
    pairs = manager.filter(code__in=wanted) if len(wanted) < 500 else manager.all()
    return {code: pk for code, pk in pairs.values_list("code", "pk") if code in wanted}


@transaction.atomic
def territory_load(territory: Territory, *, with_history: bool | None = None) -> None:
    """Create the regions, municipalities, schools and passports of `territory`."""
    if with_history is None:
        with_history = len(territory.schools) <= HISTORY_LIMIT
    create = _creator(with_history)
    create([Region(code=r.code, name=r.name) for r in territory.regions], Region)
    region_ids = _ids(Region, (r.code for r in territory.regions))
    create(
        [
            Municipality(code=m.code, name=m.name, region_id=region_ids[m.region_code])
            for m in territory.municipalities
        ],
        Municipality,
    )
    municipality_ids = _ids(Municipality, (m.code for m in territory.municipalities))
    schools: list[School] = []
    for s in territory.schools:
        fields = dict(vars(s))
        fields["municipality_id"] = municipality_ids[fields.pop("municipality_code")]
        schools.append(School(**fields))
    create(schools, School)
    school_ids = _ids(School, (s.code for s in territory.schools))
    passports: list[SocialPassport] = []
    for p in territory.passports:
        fields = dict(vars(p))
        fields["school_id"] = school_ids[fields.pop("school_code")]
        passports.append(SocialPassport(**fields))
        if len(passports) >= BATCH_SIZE * 5:
            create(passports, SocialPassport)
            passports = []
    create(passports, SocialPassport)
