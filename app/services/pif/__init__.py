"""PIF context: the 16-item workspace of a product (documents, files, transitions, analysis).

Other contexts call only what is re-exported here; they plug their item analyzers and
on-confirm hooks in through `register_analyzer` / `on_confirmed`.
"""

from app.services.pif.analysis import fail_analysis, finish_analysis, start_analysis
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

__all__ = [
    "DEFAULT_ANALYZER",
    "ConfirmHook",
    "analyzer_for",
    "fail_analysis",
    "finish_analysis",
    "get_document_for_org",
    "list_documents_for_org",
    "list_files_for_org",
    "on_confirmed",
    "register_analyzer",
    "reset_item",
    "start_analysis",
]
