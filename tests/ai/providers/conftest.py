"""Fixtures for the provider tests (helpers live in provider_fakes, a unique module name)."""

from __future__ import annotations

from typing import Any

import pytest

from app.ai.providers import AnthropicProvider, ModelRouter
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.starter import starter_dictionary
from tests.ai.providers.messages_api import FakeMessagesAPI, Reply
from tests.ai.providers.provider_fakes import MakeProvider, RecordingTools


@pytest.fixture(scope="session")
def starter() -> IngredientDictionary:
    """The shipped starter dictionary."""
    return starter_dictionary()


@pytest.fixture
def make_provider(starter: IngredientDictionary) -> MakeProvider:
    """Build an AnthropicProvider whose HTTP goes to a FakeMessagesAPI serving ``replies``."""

    def factory(
        replies: list[Reply], *, max_iterations: int = 4, pubchem: dict[str, Any] | None = None
    ) -> tuple[AnthropicProvider, FakeMessagesAPI, RecordingTools]:
        api = FakeMessagesAPI(replies)
        tools = RecordingTools(pubchem)
        provider = AnthropicProvider(
            "sk-ant-test-key",
            tools=tools,
            dictionary=starter,
            router=ModelRouter(complex_model="claude-sonnet-5", light_model="claude-haiku-4-5"),
            max_iterations=max_iterations,
            http_client=api.client(),
            max_retries=0,
        )
        return provider, api, tools

    return factory
