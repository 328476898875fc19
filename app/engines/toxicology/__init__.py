"""Toxicology summaries: the cited per-ingredient synthesis and its safety checks."""

from app.engines.toxicology.risk import HIGH_HAZARD_PREFIXES, hazard_codes_of, risk_level_from_codes
from app.engines.toxicology.summary import (
    SOURCE_UNAVAILABLE,
    STANDARD_ENDPOINTS,
    EndpointSummary,
    RiskLevel,
    ToxicologySummary,
    local_summary,
)
from app.engines.toxicology.validate import (
    AI_NOAEL_CEILING,
    FORBIDDEN_PHRASES,
    SOURCE_NOAEL_CEILING,
    SummaryValidationError,
    allowed_numbers,
    apply_noael_ceiling,
    validate_summary,
)

__all__ = [
    "AI_NOAEL_CEILING",
    "FORBIDDEN_PHRASES",
    "HIGH_HAZARD_PREFIXES",
    "SOURCE_NOAEL_CEILING",
    "SOURCE_UNAVAILABLE",
    "STANDARD_ENDPOINTS",
    "EndpointSummary",
    "RiskLevel",
    "SummaryValidationError",
    "ToxicologySummary",
    "allowed_numbers",
    "apply_noael_ceiling",
    "hazard_codes_of",
    "local_summary",
    "risk_level_from_codes",
    "validate_summary",
]
