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

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(products.router)
api_router.include_router(ingredients.router)
# before pif: its /pif/{item_number} would otherwise take /pif/download and /pif/generate
api_router.include_router(dossier.product_router)
api_router.include_router(dossier.router)
api_router.include_router(pif.router)
api_router.include_router(safety.router)
api_router.include_router(tasks.router)
api_router.include_router(auth.router)
api_router.include_router(settings.router)
api_router.include_router(admin.router)
api_router.include_router(chemical_sync.router)
api_router.include_router(compliance.router)
api_router.include_router(review.router)
api_router.include_router(documents.router)  # before versions: /{version_id} would match
api_router.include_router(versions.router)
