"""The JSON API under /api/v1/ (OpenAPI document at /api/v1/openapi.json, docs at /api/v1/docs)."""

from ninja import NinjaAPI

from parta.identity.api import router as identity_router

api = NinjaAPI(
    title="parta API",
    version="1",
    description=(
        "Read access to organisations, staff and people of the region, with the same rights as "
        "the screens. Authenticate with `Authorization: Bearer <token>` (a token is bound to "
        "one cabinet and role; issue it with `POST /api/v1/tokens` from a signed-in session) "
        "or with the browser session."
    ),
    urls_namespace="api",
)
api.add_router("/", identity_router)
