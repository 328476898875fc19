"""Regulatory context: stored rule lists, their cached index, formula checks on the database.

The safety engine reads per-line results through `check_lines(...).lines` / `line_results(...)`:
one status per formula line (prohibited / non_compliant / unidentified / review / advisory /
label_warning / disclosure / compliant).
"""

from app.services.regulatory.service import check_lines, line_results
from app.services.regulatory.store import (
    CheckerCache,
    RuleIndexCache,
    SyncResult,
    shared_checker,
    shared_rule_index,
    sync_entries,
)

__all__ = [
    "CheckerCache",
    "RuleIndexCache",
    "SyncResult",
    "check_lines",
    "line_results",
    "shared_checker",
    "shared_rule_index",
    "sync_entries",
]
