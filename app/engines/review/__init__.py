"""Review engines: the deterministic reference draft of the Item 16 assessment."""

from app.engines.review.draft import REFERENCE_DRAFT_LABEL, reference_draft

__all__ = ["REFERENCE_DRAFT_LABEL", "reference_draft"]
