"""Model prices for cost accounting.

The table holds Anthropic **list prices** in USD per million tokens at the time of writing;
they change, so treat them as defaults: pass ``prices=`` to the provider / ``build_provider``
(e.g. from settings) to override. Prompt-cache tokens are billed relative to the input price:
reads at 0.1x, 5-minute cache writes at 1.25x. A dated snapshot id
(``claude-haiku-4-5-20251001``) uses the price of its alias; any other id is unpriced rather
than guessed (``claude-sonnet-5-5`` is not ``claude-sonnet-5``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_SNAPSHOT = re.compile(r"-\d{8}$")


@dataclass(frozen=True)
class ModelPrice:
    """USD per million tokens, with the cache multipliers applied to the input price."""

    input_per_mtok: float
    output_per_mtok: float
    cache_read_multiplier: float = 0.1
    cache_write_multiplier: float = 1.25


DEFAULT_PRICES: Mapping[str, ModelPrice] = {
    "claude-fable-5-1": ModelPrice(10.0, 50.0),
    "claude-opus-5": ModelPrice(5.0, 25.0),
    "claude-sonnet-5": ModelPrice(2.0, 10.0),
    "claude-sonnet-4-5": ModelPrice(3.0, 15.0),
    "claude-haiku-4-5": ModelPrice(1.0, 5.0),
}


def price_for(model: str, prices: Mapping[str, ModelPrice] = DEFAULT_PRICES) -> ModelPrice | None:
    """Price of ``model`` or of its undated alias; None when unknown."""
    if model in prices:
        return prices[model]
    alias = _SNAPSHOT.sub("", model)
    return prices.get(alias) if alias != model else None


def cost_usd(
    model: str,
    *,
    input_tokens: int,
    output_tokens: int,
    cache_read_tokens: int = 0,
    cache_creation_tokens: int = 0,
    prices: Mapping[str, ModelPrice] = DEFAULT_PRICES,
) -> float | None:
    """Cost of one call in USD, or None when the model is not in the price table."""
    price = price_for(model, prices)
    if price is None:
        return None
    tokens_in = (
        input_tokens
        + cache_read_tokens * price.cache_read_multiplier
        + cache_creation_tokens * price.cache_write_multiplier
    )
    total = tokens_in * price.input_per_mtok + output_tokens * price.output_per_mtok
    return round(total / 1_000_000, 8)
