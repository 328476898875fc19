"""Pluggable AI layer: one provider interface, a local engine and the Anthropic provider."""

from app.ai.providers.anthropic_provider import DEFAULT_MAX_ITERATIONS, AnthropicProvider
from app.ai.providers.base import (
    AIProvider,
    NormalizedName,
    ProviderOutputError,
    ProviderResult,
    ProviderUnavailableError,
    Tools,
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
from app.ai.providers.tools import TOOL_DEFINITIONS, local_tools

__all__ = [
    "DEFAULT_COMPLEX_MODEL",
    "DEFAULT_LIGHT_MODEL",
    "DEFAULT_MAX_ITERATIONS",
    "DEFAULT_PRICES",
    "TASK_TIERS",
    "TOOL_DEFINITIONS",
    "AIProvider",
    "AnthropicProvider",
    "FallbackProvider",
    "LocalProvider",
    "ModelPrice",
    "ModelRouter",
    "NormalizedName",
    "ProviderOutputError",
    "ProviderResult",
    "ProviderUnavailableError",
    "Tools",
    "Usage",
    "build_provider",
    "cost_usd",
    "finalize_extraction",
    "finalize_name",
    "local_tools",
    "price_for",
    "total_cost",
]
