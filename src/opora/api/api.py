"""The REST API root. Routers of the domain apps are added here."""

from ninja import NinjaAPI

api = NinjaAPI(title="Opora API", version="1", urls_namespace="api")
