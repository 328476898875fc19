"""The SA-draft task uses the Anthropic writer when configured; the draft is text only."""

import uuid

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.ai.providers.drafting import AnthropicSaDraftWriter, LocalAnalogueProposer
from app.core.config import Settings
from app.engines.review import REFERENCE_DRAFT_LABEL
from app.models.platform import Task
from app.models.review import SaReview
from app.services.review import jobs as review_jobs
from app.services.tasks import JobContext, get_handler
from tests.ai.providers.messages_api import FakeMessagesAPI, answer
from tests.api.v1.review_support import make_desk, ready_product, submit

pytestmark = pytest.mark.infra
DRAFT = "1. Formula ...\n5. Conclusion: to be written by the safety assessor."


async def test_sa_draft_task_writes_the_anthropic_draft_and_changes_no_status(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    app: FastAPI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = FakeMessagesAPI([answer(DRAFT)])
    writer = AnthropicSaDraftWriter(
        "sk-ant-test", model="claude-sonnet-5", http_client=api.client(), max_retries=0
    )
    monkeypatch.setattr(review_jobs, "drafting_for", lambda _s: (writer, LocalAnalogueProposer()))
    desk = await make_desk(owner_session, settings)
    product = await ready_product(client, desk)
    submitted = await submit(client, desk.operator, product)
    assert submitted.status_code == 202, submitted.text
    task = (
        await owner_session.execute(
            select(Task).where(Task.id == uuid.UUID(submitted.json()["task_id"]))
        )
    ).scalar_one()

    async def progress(_: int) -> None:
        return None

    async with app.state.db.tenant(desk.org_id) as session:
        handler = get_handler(task.type).handler
        result = await handler(JobContext(session, task, settings, progress, app.state.redis))
    assert result is not None and result["provider"] == "anthropic"
    assert result["usage"][0]["operation"] == "sa_draft"
    owner_session.expire_all()
    row = await owner_session.get(SaReview, uuid.UUID(submitted.json()["review_id"]))
    assert row is not None and row.status == "pending"  # the draft moved nothing
    assert row.ai_draft_assessment == f"{REFERENCE_DRAFT_LABEL}\n\n{DRAFT}"
    assert '"formula_lines"' in api.requests[0]["messages"][0]["content"]
