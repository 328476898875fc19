"""Product-level pif_status derived from documents and reviews (spec 01 §5; first match wins)."""

from collections.abc import Iterable

from app.models.enums import DocumentStatus, PifStatus

COMPLETE = frozenset({DocumentStatus.HUMAN_REVIEWED, DocumentStatus.APPROVED})


def derive_pif_status(
    statuses: Iterable[DocumentStatus],
    *,
    open_review: bool = False,
    signed_and_current: bool = False,
    validity_lapsed: bool = False,
) -> PifStatus:
    states = list(statuses)
    if validity_lapsed:  # the caller sets it only when a signed version exists
        return PifStatus.EXPIRED
    if signed_and_current:
        return PifStatus.COMPLETED
    if open_review:
        return PifStatus.SA_REVIEW
    if any(s in (DocumentStatus.AI_PROCESSING, DocumentStatus.AI_DRAFT_READY) for s in states):
        return PifStatus.AI_REVIEW
    if any(s is not DocumentStatus.MISSING for s in states):
        return PifStatus.IN_PROGRESS
    return PifStatus.DRAFT


def completion_ratio(statuses: Iterable[DocumentStatus]) -> float:
    """Share of the 16 items that are human-reviewed or approved."""
    states = list(statuses)
    if not states:
        return 0.0
    return round(sum(1 for s in states if s in COMPLETE) / len(states), 4)
