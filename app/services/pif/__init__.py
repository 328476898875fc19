"""PIF context: the 16-item workspace of a product (documents, files, transitions, analysis).

Other contexts call only what is re-exported here; they plug their item analyzers and
on-confirm hooks in through `register_analyzer` / `on_confirmed`, and the product-status facts
through `register_status_facts`.
"""

from app.services.pif.analysis import (
    analysis_open,
    fail_analysis,
    finish_analysis,
    hold_analysis,
    start_analysis,
)
from app.services.pif.jobs import reset_item
from app.services.pif.registry import (
    DEFAULT_ANALYZER,
    ConfirmHook,
    analyzer_for,
    on_confirmed,
    register_analyzer,
)
from app.services.pif.repository import (
    get_document_for_org,
    list_documents_for_org,
    list_files_for_org,
)
from app.services.pif.service import move_document, refresh_product_status, require_document
from app.services.pif.state_machine import Actor
from app.services.pif.status_facts import StatusFacts, register_status_facts, status_facts

__all__ = [
    "DEFAULT_ANALYZER",
    "Actor",
    "ConfirmHook",
    "StatusFacts",
    "analysis_open",
    "analyzer_for",
    "fail_analysis",
    "finish_analysis",
    "get_document_for_org",
    "hold_analysis",
    "list_documents_for_org",
    "list_files_for_org",
    "move_document",
    "on_confirmed",
    "refresh_product_status",
    "register_analyzer",
    "register_status_facts",
    "require_document",
    "reset_item",
    "start_analysis",
    "status_facts",
]
