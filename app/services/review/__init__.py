"""Review context: SA review workflow, e-signature, locked versions, change detection, expiry."""

from app.services import pif
from app.services.review.desk import (
    QueueEntry,
    ReviewView,
    open_review,
    pending_queue,
    request_revision,
    update_review,
)
from app.services.review.expiry import enqueue_daily_digests, expiry_digest_for_org
from app.services.review.sign import Signed, Signer, sign_review
from app.services.review.snapshot import live_snapshot
from app.services.review.submit import Submitted, submit_for_review
from app.services.review.versions import (
    auto_draft,
    change_detection,
    expiring,
    list_versions,
    refresh_snapshot,
    status_facts,
)

# the product status (pif) reads open reviews and signed versions through this provider
pif.register_status_facts(status_facts)

__all__ = [
    "QueueEntry",
    "ReviewView",
    "Signed",
    "Signer",
    "Submitted",
    "auto_draft",
    "change_detection",
    "enqueue_daily_digests",
    "expiring",
    "expiry_digest_for_org",
    "list_versions",
    "live_snapshot",
    "open_review",
    "pending_queue",
    "refresh_snapshot",
    "request_revision",
    "sign_review",
    "status_facts",
    "submit_for_review",
    "update_review",
]
