"""Compliance engine: cross-item lint R1-R14, responsibility matrix, seven-step workflow."""

from app.engines.compliance.data import (
    LOCALES,
    ORG_TYPES,
    ComplianceData,
    Locale,
    load_compliance_data,
)
from app.engines.compliance.inputs import LintInput, RegulatoryFinding
from app.engines.compliance.lint import (
    Alert,
    LintResult,
    PenaltyBlock,
    lint_cross_items,
    penalty_block,
    run_lint,
)
from app.engines.compliance.locale import pick_locale
from app.engines.compliance.text import normalize
from app.engines.compliance.workflow import (
    Cell,
    Step,
    Workflow,
    compress_ranges,
    derive_workflow,
    matrix_row,
    outsourced_items,
)

__all__ = [
    "LOCALES",
    "ORG_TYPES",
    "Alert",
    "Cell",
    "ComplianceData",
    "LintInput",
    "LintResult",
    "Locale",
    "PenaltyBlock",
    "RegulatoryFinding",
    "Step",
    "Workflow",
    "compress_ranges",
    "derive_workflow",
    "lint_cross_items",
    "load_compliance_data",
    "matrix_row",
    "normalize",
    "outsourced_items",
    "penalty_block",
    "pick_locale",
    "run_lint",
]
