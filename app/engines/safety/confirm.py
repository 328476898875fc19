"""Whether an Item 10 draft is a finished assessment (read by the PIF confirm step)."""

from typing import Any

from app.engines.safety.engine import BLOCKING, OPEN

UNFINISHED = frozenset(v.value for v in (*BLOCKING, *OPEN))


def open_points(draft: dict[str, Any] | None) -> list[str]:
    """Why an Item 10 draft is not a finished assessment (empty = nothing open)."""
    safety = (draft or {}).get("safety")
    if not isinstance(safety, dict):
        return []
    reasons: list[str] = []
    for line in safety.get("lines", []):
        if isinstance(line, dict) and line.get("verdict") in UNFINISHED:
            reason = line.get("primary_reason") or line.get("verdict")
            reasons.append(f"{line.get('inci')}: {line.get('verdict')} ({reason})")
    return reasons
