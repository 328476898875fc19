"""Safety assessment engine (Item 10): hard gates, NOAEL cascade, SED/MoS, verdicts (spec 06)."""

from app.engines.safety.cascade import Analogue
from app.engines.safety.engine import assess_formula, assess_line, decide, safe_concentration
from app.engines.safety.exposure import FALLBACK_NOTE, exposure_for
from app.engines.safety.models import (
    DECISION_LABELS,
    Anchor,
    Exposure,
    LineInput,
    LineVerdict,
    NoaelBasis,
    NoaelCandidate,
    ProductDecision,
    QualitativeConclusion,
    RegulatoryStatus,
    ReviewPoint,
    SafetyResult,
)
from app.engines.safety.proposals import (
    AnalogueProposal,
    ProposalLine,
    ValidatedProposal,
    rank_analogues,
    validate_proposals,
)
from app.engines.safety.registry import (
    RegistryMismatch,
    render_basis_appendix,
    verify_live_constants,
)

__all__ = [
    "DECISION_LABELS",
    "FALLBACK_NOTE",
    "Analogue",
    "AnalogueProposal",
    "Anchor",
    "Exposure",
    "LineInput",
    "LineVerdict",
    "NoaelBasis",
    "NoaelCandidate",
    "ProductDecision",
    "ProposalLine",
    "QualitativeConclusion",
    "RegistryMismatch",
    "RegulatoryStatus",
    "ReviewPoint",
    "SafetyResult",
    "ValidatedProposal",
    "assess_formula",
    "assess_line",
    "decide",
    "exposure_for",
    "rank_analogues",
    "render_basis_appendix",
    "safe_concentration",
    "validate_proposals",
    "verify_live_constants",
]
