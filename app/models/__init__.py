"""All ORM models, imported here so Alembic and the app see one metadata."""

from app.models.base import Base
from app.models.documents import DossierBuild, OrgSigningKey
from app.models.formulation import Ingredient, ProductIngredient
from app.models.identity import AuthToken, Invitation, Organization, PlanLimit, RefreshToken, User
from app.models.pif import Outsourcing, PifDocument, PifVersion, UploadedFile
from app.models.platform import AuditChainHead, AuditLog, Task
from app.models.products import Product
from app.models.regulatory import (
    ChemicalSyncRun,
    ReferenceVersion,
    RegulatedSubstance,
    RegulatedSubstanceLimit,
)
from app.models.review import SaReview
from app.models.toxicology import IngredientVerdict, ToxAnchor, ToxicologyCache

# Tenant tables: org_id NOT NULL (or the tenant root itself) and RLS enabled + forced.
TENANT_TABLES: tuple[str, ...] = (
    "users",
    "invitations",
    "products",
    "pif_documents",
    "product_ingredients",
    "uploaded_files",
    "sa_reviews",
    "pif_versions",
    "outsourcings",
    "tasks",
    "ingredient_verdicts",
    "org_signing_keys",
    "dossier_builds",
)
SHARED_TABLES: tuple[str, ...] = (
    "ingredients",
    "toxicology_cache",
    "tox_anchors",
    "regulated_substances",
    "regulated_substance_limits",
    "chemical_sync_runs",
    "plan_limits",
    "reference_versions",
)

__all__ = [
    "SHARED_TABLES",
    "TENANT_TABLES",
    "AuditChainHead",
    "AuditLog",
    "AuthToken",
    "Base",
    "ChemicalSyncRun",
    "DossierBuild",
    "Ingredient",
    "IngredientVerdict",
    "Invitation",
    "OrgSigningKey",
    "Organization",
    "Outsourcing",
    "PifDocument",
    "PifVersion",
    "PlanLimit",
    "Product",
    "ProductIngredient",
    "ReferenceVersion",
    "RefreshToken",
    "RegulatedSubstance",
    "RegulatedSubstanceLimit",
    "SaReview",
    "Task",
    "ToxAnchor",
    "ToxicologyCache",
    "UploadedFile",
    "User",
]
