"""Facts the product status needs from other contexts (open review, signed version, validity).

The review context registers the provider when it loads, so pif imports no review code.
Without a provider, the status is derived from the documents alone.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Product


@dataclass(frozen=True)
class StatusFacts:
    open_review: bool = False
    signed_and_current: bool = False
    validity_lapsed: bool = False  # a signed version exists and a tracked validity has lapsed


StatusFactsProvider = Callable[[AsyncSession, Product], Awaitable[StatusFacts]]
_providers: list[StatusFactsProvider] = []


def register_status_facts(provider: StatusFactsProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


async def status_facts(session: AsyncSession, product: Product) -> StatusFacts:
    facts = StatusFacts()
    for provider in _providers:
        found = await provider(session, product)
        facts = StatusFacts(
            open_review=facts.open_review or found.open_review,
            signed_and_current=facts.signed_and_current or found.signed_and_current,
            validity_lapsed=facts.validity_lapsed or found.validity_lapsed,
        )
    return facts
