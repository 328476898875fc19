"""The canonical byte form behind fingerprints and `signature_hash` (spec 05 §3.1, fixed once).

Rules: UTF-8; every string NFC-normalised and trimmed; JSON with sorted keys, no insignificant
whitespace and `ensure_ascii=False`; decimals as strings (so 5.0 and 5.00 cannot disagree across
serialisers); NaN and infinities refused. A test pins the exact bytes: changing any rule changes
every stored hash, so it needs a new canonical-form version, never an edit.
"""

import hashlib
import json
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

CANONICAL_FORM_VERSION = 1


def canonical_text(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def canonical_decimal(value: Decimal | float | int | str | None, places: int = 4) -> str | None:
    """A concentration as a fixed-point string with `places` decimals; None stays None."""
    if value is None:
        return None
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError("non-finite number in canonical form")
    return f"{number.quantize(Decimal(1).scaleb(-places)):f}"


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return canonical_text(value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("non-finite number in canonical form")
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("non-finite number in canonical form")
        return f"{value:f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {canonical_text(str(k)): _normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    raise TypeError(f"{type(value).__name__} has no canonical form")


def canonical_json(value: Any) -> bytes:
    """Canonical UTF-8 JSON bytes of `value`."""
    text = json.dumps(
        _normalise(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return text.encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signature_hash(items_snapshot: dict[str, Any]) -> str:
    """SHA-256 hex of the canonical snapshot: what an SA's signature is bound to."""
    return sha256_hex(canonical_json(items_snapshot))
