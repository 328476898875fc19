"""Org-scoped queries of the documents context: the facts around a snapshot the PDF shows (the
organization, who signed), the signing keys and the dossier builds."""

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import OrgId
from app.models import Organization, PifVersion, SaReview, User
from app.models.documents import DossierBuild, OrgSigningKey
from app.models.enums import DossierStatus


@dataclass(frozen=True)
class SnapshotSigner:
    sa_name: str
    qualification_ref: str | None


async def org_name_for_org(session: AsyncSession, org_id: OrgId) -> str | None:
    stmt = select(Organization.name).where(Organization.id == org_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def active_signing_key_for_org(session: AsyncSession, org_id: OrgId) -> OrgSigningKey | None:
    stmt = select(OrgSigningKey).where(
        OrgSigningKey.org_id == org_id, OrgSigningKey.retired_at.is_(None)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def signing_keys_for_org(session: AsyncSession, org_id: OrgId) -> list[OrgSigningKey]:
    """Active first, then retired ones, newest first."""
    stmt = (
        select(OrgSigningKey)
        .where(OrgSigningKey.org_id == org_id)
        .order_by(OrgSigningKey.retired_at.desc().nulls_first(), OrgSigningKey.created_at.desc())
    )
    return list((await session.execute(stmt)).scalars())


async def snapshot_signer_for_org(
    session: AsyncSession, org_id: OrgId, snapshot: PifVersion
) -> SnapshotSigner | None:
    """The SA who signed the snapshot, with the qualification reference recorded at signing
    (the locked review row; the current qualification date is mutable and left out)."""
    if snapshot.sa_review_id is None:
        return None
    stmt = (
        select(User.full_name, User.email, SaReview.sa_certificate_ref)
        .join(User, User.id == SaReview.sa_id)
        .where(SaReview.id == snapshot.sa_review_id, SaReview.org_id == org_id)
    )
    row = (await session.execute(stmt)).one_or_none()
    if row is None:
        return None
    return SnapshotSigner(row[0] or row[1], row[2])


async def get_dossier_for_org(
    session: AsyncSession, product_id: uuid.UUID, build_id: uuid.UUID, org_id: OrgId
) -> DossierBuild | None:
    stmt = select(DossierBuild).where(
        DossierBuild.id == build_id,
        DossierBuild.product_id == product_id,
        DossierBuild.org_id == org_id,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def latest_ready_dossier_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId, *, with_formula: bool
) -> DossierBuild | None:
    """The newest ready build the caller may read (one with formula files only if allowed)."""
    stmt = select(DossierBuild).where(
        DossierBuild.product_id == product_id,
        DossierBuild.org_id == org_id,
        DossierBuild.status == DossierStatus.READY.value,
    )
    if not with_formula:
        stmt = stmt.where(DossierBuild.includes_formula.is_(False))
    stmt = stmt.order_by(DossierBuild.created_at.desc(), DossierBuild.id).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_org_for_org(session: AsyncSession, org_id: OrgId) -> Organization | None:
    row = await session.execute(select(Organization).where(Organization.id == org_id))
    return row.scalar_one_or_none()


async def get_signing_review_for_org(
    session: AsyncSession, review_id: uuid.UUID, org_id: OrgId
) -> tuple[SaReview, User | None] | None:
    """The review that signed a version, with its SA (None when the SA is gone)."""
    stmt = (
        select(SaReview, User)
        .outerjoin(User, (User.id == SaReview.sa_id) & (User.org_id == org_id))
        .where(SaReview.id == review_id, SaReview.org_id == org_id)
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row is not None else None
