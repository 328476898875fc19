"""Change detection between the latest signed snapshot and live data (spec 05 §3.2, 08 B6)."""

from dataclasses import dataclass, field

from app.engines.versions.fingerprints import Fingerprints
from app.engines.versions.labels import suggested_next_label

_REASONS = (
    ("formula_fingerprint", "formula changed"),
    ("process_fingerprint", "process changed"),
    ("packaging_fingerprint", "packaging changed"),
)


@dataclass(frozen=True)
class ChangeReport:
    needs_resign: bool
    reasons: list[str] = field(default_factory=list)
    current_version: str = "V0"
    suggested_next_version: str = "V1"


def detect_changes(
    live: Fingerprints, signed: dict[str, str] | None, signed_label: str | None
) -> ChangeReport:
    """`signed` = `__fingerprints__` of the latest signed snapshot (None: nothing signed yet)."""
    if signed is None or signed_label is None:
        return ChangeReport(needs_resign=False)  # B6: no false "needs resign" before V1
    current = live.as_dict()
    # a fingerprint missing from an old snapshot counts as changed (fail-safe)
    reasons = [reason for key, reason in _REASONS if signed.get(key) != current[key]]
    return ChangeReport(
        needs_resign=bool(reasons),
        reasons=reasons,
        current_version=signed_label,
        suggested_next_version=suggested_next_label(signed_label),
    )
