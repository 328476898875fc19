"""Reference draft of the Item 16 safety assessment, written from a snapshot (no model, no I/O).

It restates what the file holds (formula lines, verdicts, lint alerts, items without content);
it judges nothing. The SA writes the assessment; this text is only a starting point.
"""

from collections.abc import Mapping
from typing import Any

REFERENCE_DRAFT_LABEL = "REFERENCE DRAFT (deterministic, not a safety assessment; the SA decides)"


def _line(line: Mapping[str, Any]) -> str:
    name = line.get("inci_name") or line.get("raw_name") or "?"
    amount = line.get("concentration_pct")
    return f"- {name}: {amount if amount is not None else 'concentration unknown'} %"


def reference_draft(snapshot: Mapping[str, Any]) -> str:
    """Plain text, sections in a fixed order, the label on the first line."""
    product = snapshot.get("product") or {}
    out = [REFERENCE_DRAFT_LABEL, "", f"Product: {product.get('name', '?')}"]
    out += ["", "1. Formula (Item 3)"]
    lines = snapshot.get("formula_lines") or []
    out += [_line(line) for line in lines] or ["- no formula lines recorded"]
    out += ["", "2. Ingredient verdicts (Item 10)"]
    verdicts = snapshot.get("verdicts") or []
    out += [
        f"- {v.get('ingredient')}: {v.get('verdict')} ({v.get('method_label') or 'no method'})"
        for v in verdicts
    ] or ["- no verdicts computed: toxicological basis not yet established (data gap)"]
    out += ["", "3. Cross-item lint"]
    alerts = (snapshot.get("lint") or {}).get("alerts") or []
    out += [f"- {a.get('rule_id')} [{a.get('severity')}] {a.get('message')}" for a in alerts] or [
        "- no alerts"
    ]
    items = snapshot.get("items") or {}
    empty = sorted(
        int(n) for n, item in items.items() if int(n) < 16 and item.get("status") == "missing"
    )
    out += ["", "4. Items without content"]
    out += [f"- items {', '.join(map(str, empty))}"] if empty else ["- none"]
    out += ["", "5. Conclusion", "- to be written by the safety assessor"]
    return "\n".join(out)
