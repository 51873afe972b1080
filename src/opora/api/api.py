"""The REST API root. Routers of the domain apps are added here.

Every endpoint requires a caller: a personal token (`Authorization: Bearer …`) or the browser
session (with CSRF for methods that change data). Errors share one shape, see `errors.py`.
"""

from ninja import NinjaAPI

from opora.api import errors
from opora.api.auth import session_auth, token_auth
from opora.api.routes import (
    appeals,
    cases,
    decisions,
    events,
    fallback,
    identification,
    indicators,
    kpis,
    me,
    practices,
    risk_profiles,
    roadmaps,
    schools,
    staff,
    tokens,
)

api = NinjaAPI(
    title="Opora API",
    version="1",
    description=(
        "API информационной системы «Опора». Доступ: личный токен "
        "(заголовок `Authorization: Bearer <токен>`, токены — на странице /account/tokens/) "
        "или сессия браузера. Каждый запрос видит ровно те школы, что и страницы системы."
    ),
    urls_namespace="api",
    auth=[token_auth, session_auth],
)
errors.install(api)
api.add_router("/", me.router)
api.add_router("/", schools.router)
api.add_router("/", tokens.router)
api.add_router("/", indicators.router)
api.add_router("/", identification.router)
api.add_router("/", risk_profiles.router)
api.add_router("/", roadmaps.router)
api.add_router("/", events.router)
api.add_router("/", decisions.router)
api.add_router("/", practices.router)
api.add_router("/", staff.router)
api.add_router("/", kpis.router)
api.add_router("/", cases.router)
api.add_router("/", appeals.router)

# Add the routers of domain apps above this line: the fallback must stay the last router,
# since ninja matches the routers in the order they were added.
api.add_router("/", fallback.router)
