"""Version labels (spec 05 §3): V0 is the working draft; labels are assigned at signing."""

from collections.abc import Iterable

_ORDER = {"V1": 1, "V2": 2, "V3": 3}


def next_signed_label(signed_labels: Iterable[str]) -> str:
    """No signed version → V1; after V1 → V2; after V2 or V3 → V3 (all later changes are V3)."""
    latest = max((_ORDER[label] for label in signed_labels if label in _ORDER), default=0)
    return {0: "V1", 1: "V2"}.get(latest, "V3")


def suggested_next_label(latest_signed: str | None) -> str:
    return next_signed_label([latest_signed] if latest_signed else [])
