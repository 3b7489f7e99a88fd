"""The JSON API under /api/v1/ (OpenAPI document at /api/v1/openapi.json, docs at /api/v1/docs)."""

from ninja import NinjaAPI

from parta.identity.api import router as identity_router

api = NinjaAPI(title="parta API", version="1", urls_namespace="api")
api.add_router("/", identity_router)
