"""Model routing (spec 04 §6): a large model for complex tasks, a small one for light tasks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Tier = Literal["complex", "light"]
Task = Literal[
    "extract_formulation",
    "summarize_toxicology",
    "sa_draft",
    "normalize_inci",
    "classify_function",
    "document_type",
]

# Current Claude API aliases (anthropic SDK ``ModelParam``); override via settings.
DEFAULT_COMPLEX_MODEL = "claude-sonnet-5"
DEFAULT_LIGHT_MODEL = "claude-haiku-4-5"

TASK_TIERS: dict[Task, Tier] = {
    "extract_formulation": "complex",
    "summarize_toxicology": "complex",
    "sa_draft": "complex",
    "normalize_inci": "light",
    "classify_function": "light",
    "document_type": "light",
}
# Output budget per tier: a 40-row formula as JSON needs several thousand tokens.
DEFAULT_MAX_TOKENS: dict[Tier, int] = {"complex": 16000, "light": 1024}


@dataclass(frozen=True)
class ModelRouter:
    """Maps a task to its tier's configured model name and output budget."""

    complex_model: str = DEFAULT_COMPLEX_MODEL
    light_model: str = DEFAULT_LIGHT_MODEL
    complex_max_tokens: int = DEFAULT_MAX_TOKENS["complex"]
    light_max_tokens: int = DEFAULT_MAX_TOKENS["light"]

    def tier(self, task: Task) -> Tier:
        """The tier of ``task``."""
        return TASK_TIERS[task]

    def model_for(self, task: Task) -> str:
        """The model name that runs ``task``."""
        return self.complex_model if self.tier(task) == "complex" else self.light_model

    def max_tokens_for(self, task: Task) -> int:
        """The output token budget of ``task``."""
        return self.complex_max_tokens if self.tier(task) == "complex" else self.light_max_tokens
