"""Super-admin list sync: TW template upload → system task → stored run with its diff."""

import uuid

from httpx import AsyncClient
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.models import ChemicalSyncRun, RegulatedSubstance
from app.models.enums import Role
from tests.factories import auth_headers, enable_totp, make_actor, make_user, totp_code
from tests.worker.conftest import finished, running_worker, wait_for_task

TEMPLATE = """list_type,ref_no,inci_name,cas_numbers,max_concentration_pct,regulation
preservative,P-1,PHENOXYETHANOL,122-99-6,1.0,"TFDA announcement 2024-05-01"
prohibited,X-1,METHOXYETHANOL,109-86-4,,"TFDA announcement 2024-05-01"
"""


async def test_tfda_sync_runs_as_a_task_and_reports_status(
    client: AsyncClient,
    owner_session: AsyncSession,
    owner_engine: AsyncEngine,
    settings: Settings,
    fast_settings: Settings,
) -> None:
    member = await make_actor(owner_session, settings, role=Role.ADMIN)
    denied = await client.get("/api/v1/chemical-sync/status", headers=member.headers)
    assert denied.status_code == 403

    admin = await make_user(owner_session, None, role=Role.SUPER_ADMIN)
    totp = await enable_totp(owner_session, settings, admin)
    headers = auth_headers(settings, admin)
    no_code = await client.get("/api/v1/chemical-sync/status", headers=headers)
    assert no_code.status_code == 401
    try:
        response = await client.post(
            "/api/v1/chemical-sync/tfda",
            files={"file": ("tw.csv", TEMPLATE.encode(), "text/csv")},
            headers={**headers, "X-TOTP-Code": totp_code(totp, -1)},
        )
        assert response.status_code == 202, response.text
        task_id = uuid.UUID(response.json()["task_id"])
        root = settings.storage_dir or settings.data_dir / "files"
        kept = [p for p in (root / "system").rglob("*") if p.is_file()]
        assert kept and all(TEMPLATE.encode()[:40] not in p.read_bytes() for p in kept)
        assert all(p.stat().st_mode & 0o077 == 0 for p in kept)  # encrypted, owner-only
        async with running_worker(fast_settings):
            # a system task (no org): super admins follow it through /chemical-sync/status
            task = await wait_for_task(owner_engine, task_id, finished)
        assert task.status == "done" and task.result and task.result["added"] == 2, task.error
        status = await client.get(
            "/api/v1/chemical-sync/status", headers={**headers, "X-TOTP-Code": totp_code(totp, 1)}
        )
        assert status.status_code == 200, status.text
        tfda = next(s for s in status.json()["sources"] if s["source"] == "tfda")
        assert tfda["last_run"]["added"] == 2
        assert tfda["last_run"]["diff"]["added"] == ["TW preservative/P-1", "TW prohibited/X-1"]
    finally:
        await owner_session.execute(
            delete(RegulatedSubstance).where(RegulatedSubstance.jurisdiction == "TW")
        )
        await owner_session.execute(delete(ChemicalSyncRun).where(ChemicalSyncRun.source == "tfda"))
        await owner_session.commit()
