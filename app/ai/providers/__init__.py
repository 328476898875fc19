"""Pluggable AI layer: one provider interface, a local engine and the Anthropic provider."""

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
