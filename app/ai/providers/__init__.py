"""Pluggable AI layer: one provider interface, a local engine and the Anthropic provider.

The names load on first use (PEP 562): the API process imports the task registry, which needs
only the tool protocol, and not the provider modules (formula engine, toxicology sources) with it.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.ai.providers.anthropic_provider import DEFAULT_MAX_ITERATIONS, AnthropicProvider
    from app.ai.providers.base import (
        AIProvider,
        NormalizedName,
        ProviderOutputError,
        ProviderResult,
        ProviderUnavailableError,
        Usage,
        total_cost,
    )
    from app.ai.providers.finalize import finalize_extraction, finalize_name
    from app.ai.providers.local import LocalProvider
    from app.ai.providers.pricing import DEFAULT_PRICES, ModelPrice, cost_usd, price_for
    from app.ai.providers.router import FallbackProvider, build_provider
    from app.ai.providers.tiers import (
        DEFAULT_COMPLEX_MODEL,
        DEFAULT_LIGHT_MODEL,
        TASK_TIERS,
        ModelRouter,
    )
    from app.ai.providers.tools import (
        NoTools,
        ToolBox,
        ToolDefinition,
        ToolInputError,
        dump_tool_output,
    )

_SOURCES = {
    "DEFAULT_MAX_ITERATIONS": "app.ai.providers.anthropic_provider",
    "AnthropicProvider": "app.ai.providers.anthropic_provider",
    "AIProvider": "app.ai.providers.base",
    "NormalizedName": "app.ai.providers.base",
    "ProviderOutputError": "app.ai.providers.base",
    "ProviderResult": "app.ai.providers.base",
    "ProviderUnavailableError": "app.ai.providers.base",
    "Usage": "app.ai.providers.base",
    "total_cost": "app.ai.providers.base",
    "finalize_extraction": "app.ai.providers.finalize",
    "finalize_name": "app.ai.providers.finalize",
    "LocalProvider": "app.ai.providers.local",
    "DEFAULT_PRICES": "app.ai.providers.pricing",
    "ModelPrice": "app.ai.providers.pricing",
    "cost_usd": "app.ai.providers.pricing",
    "price_for": "app.ai.providers.pricing",
    "FallbackProvider": "app.ai.providers.router",
    "build_provider": "app.ai.providers.router",
    "DEFAULT_COMPLEX_MODEL": "app.ai.providers.tiers",
    "DEFAULT_LIGHT_MODEL": "app.ai.providers.tiers",
    "TASK_TIERS": "app.ai.providers.tiers",
    "ModelRouter": "app.ai.providers.tiers",
    "NoTools": "app.ai.providers.tools",
    "ToolBox": "app.ai.providers.tools",
    "ToolDefinition": "app.ai.providers.tools",
    "ToolInputError": "app.ai.providers.tools",
    "dump_tool_output": "app.ai.providers.tools",
}


def __getattr__(name: str) -> Any:
    module = _SOURCES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_COMPLEX_MODEL",
    "DEFAULT_LIGHT_MODEL",
    "DEFAULT_MAX_ITERATIONS",
    "DEFAULT_PRICES",
    "TASK_TIERS",
    "AIProvider",
    "AnthropicProvider",
    "FallbackProvider",
    "LocalProvider",
    "ModelPrice",
    "ModelRouter",
    "NoTools",
    "NormalizedName",
    "ProviderOutputError",
    "ProviderResult",
    "ProviderUnavailableError",
    "ToolBox",
    "ToolDefinition",
    "ToolInputError",
    "Usage",
    "build_provider",
    "cost_usd",
    "dump_tool_output",
    "finalize_extraction",
    "finalize_name",
    "price_for",
    "total_cost",
]
