"""All /api/v1 routers, registered in one place."""

from fastapi import APIRouter

from app.api.v1 import (
    admin,
    auth,
    chemical_sync,
    compliance,
    documents,
    dossier,
    ingredients,
    pif,
    products,
    review,
    safety,
    settings,
    tasks,
    versions,
)

API_PREFIX = "/api/v1"
# In this order (matching is first-come). The app includes each one itself: FastAPI walks the
# whole tree of included routers several times per request, so one level less is cheaper
# (issue 18) and the routes, paths and OpenAPI are the same.
API_ROUTERS: tuple[APIRouter, ...] = (
    products.router,
    ingredients.router,
    # before pif: its /pif/{item_number} would otherwise take /pif/download and /pif/generate
    dossier.product_router,
    dossier.router,
    pif.router,
    safety.router,
    tasks.router,
    auth.router,
    settings.router,
    admin.router,
    chemical_sync.router,
    compliance.router,
    review.router,
    documents.router,  # before versions: /{version_id} would match
    versions.router,
)
