"""Daily expiry digest: per organization, what has entered a warning window or is overdue."""

import uuid
from dataclasses import dataclass
from datetime import date

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import Database
from app.core.jobs import JobBuffer
from app.core.queue import publish
from app.core.system_context import org_session
from app.core.tenancy import OrgId
from app.engines.versions import ExpiryEntry, ExpiryStatus
from app.models import Organization
from app.models.enums import Role
from app.services import audit, tasks
from app.services.identity import Mail, Mailer, send_quietly
from app.services.review import repository
from app.services.review.versions import product_expiry

DIGEST_TASK = "review.expiry_digest"
NOTIFY_ROLES = (Role.OWNER.value, Role.ADMIN.value)


@dataclass(frozen=True)
class ProductDigest:
    product_id: uuid.UUID
    name: str
    entries: list[ExpiryEntry]


async def expiry_digest_for_org(
    session: AsyncSession, org_id: OrgId, *, today: date
) -> list[ProductDigest]:
    """Products of the org with at least one entry in `warning` or `overdue`, nearest first."""
    digests = []
    for product in await repository.list_products_for_org(session, org_id):
        due = [
            e
            for e in await product_expiry(session, product, today=today)
            if e.status is not ExpiryStatus.OK
        ]
        if due:
            digests.append(ProductDigest(product.id, product.name, due))
    return sorted(digests, key=lambda d: d.entries[0].days_left)


def digest_text(digests: list[ProductDigest]) -> str:
    lines = []
    for d in digests:
        lines.append(d.name)
        lines += [
            f"  - {e.category} (item {e.item_number}): {e.reference}, due {e.due_date}, "
            f"{e.days_left} days left [{e.status}]"
            for e in d.entries
        ]
    return "\n".join(lines)


async def notify_org(
    session: AsyncSession, org_id: OrgId, digests: list[ProductDigest], mailer: Mailer
) -> int:
    """E-mail the org's owners and admins (fail-soft); returns how many were sent."""
    if not digests:
        return 0
    body = digest_text(digests)
    sent = 0
    for email in await repository.list_notify_emails_for_org(session, org_id, NOTIFY_ROLES):
        await send_quietly(mailer, Mail(to=email, subject="PIF expiry warnings", body=body))
        sent += 1
    return sent


async def enqueue_daily_digests(db: Database, redis: Redis, *, today: date) -> int:
    """One digest task per organization and day (idempotency key), published after commit."""
    jobs = JobBuffer()
    async with audit.superadmin_session(
        db, actor_id=None, reason="daily expiry digest: list organizations"
    ) as session:
        org_ids = list((await session.execute(select(Organization.id))).scalars())
    for org_id in org_ids:
        async with org_session(db, OrgId(org_id)) as session:
            await tasks.enqueue(
                session,
                jobs,
                org_id=org_id,
                type=DIGEST_TASK,
                payload={"day": today.isoformat()},
                idempotency_key=f"expiry-digest:{today.isoformat()}",
            )
    return await publish(redis, jobs.drain())
