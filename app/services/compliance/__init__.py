"""Compliance context: cross-item lint, responsibility matrix, workflow, outsourcing register."""

from app.services.compliance.lint import (
    RuleIndexSource,
    TenantPrincipal,
    lint_for_signing,
    lint_product,
    taiwan_today,
)
from app.services.compliance.workflow import (
    add_outsourcing,
    list_outsourcings,
    product_responsibilities,
    product_workflow,
    remove_outsourcing,
    responsibility_matrix,
)

__all__ = [
    "RuleIndexSource",
    "TenantPrincipal",
    "add_outsourcing",
    "lint_for_signing",
    "lint_product",
    "list_outsourcings",
    "product_responsibilities",
    "product_workflow",
    "remove_outsourcing",
    "responsibility_matrix",
    "taiwan_today",
]
