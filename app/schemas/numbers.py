"""Numbers that refuse booleans: JSON `true` is not a concentration (lax mode reads it as 1)."""

from typing import Any

from pydantic import BeforeValidator


def _reject_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    return value


NotBool = BeforeValidator(_reject_bool)
