"""The PIF workspace at the route boundary: overview, transitions, uploads, encryption, download."""

import email
import io
import stat
import uuid
import zipfile
from collections.abc import Callable
from email.policy import default
from pathlib import Path

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.models import UploadedFile
from app.models.enums import Role
from tests.factories import FORMULA, Actor, enable_totp, make_actor, make_product, totp_code


async def _upload(
    client: AsyncClient,
    actor: Actor,
    product_id: uuid.UUID,
    item: int,
    name: str,
    data: bytes,
    **form: str,
) -> Response:
    return await client.post(
        f"/api/v1/products/{product_id}/pif/upload",
        data={"item_number": str(item), **form},
        files={"file": (name, data, "application/octet-stream")},
        headers=actor.headers,
    )


async def _stored_objects(settings: Settings) -> list[Path]:
    root = settings.storage_dir or settings.data_dir / "files"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def test_overview_lists_16_items_grouped_by_stage(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    body = (
        await client.get(f"/api/v1/products/{product.id}/pif?group=stage", headers=actor.headers)
    ).json()
    assert [i["item_number"] for i in body["items"]] == list(range(1, 17))
    assert body["items"][2]["title_en"] == "Full ingredient names and amounts"
    assert body["pif_status"] == "draft" and body["completion"] == 0
    grouped = sorted(n for numbers in body["stages"].values() for n in numbers)
    assert len(body["stages"]) == 5 and grouped == list(range(1, 17))


async def test_upload_moves_missing_to_uploaded_and_encrypts_formula(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    response = await _upload(client, actor, product.id, 3, "配方表 v2.xlsx", FORMULA)
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["encrypted"] is True and record["sensitivity"] == "formula"
    assert record["original_filename"] == "配方表 v2.xlsx"

    item = (await client.get(f"/api/v1/products/{product.id}/pif/3", headers=actor.headers)).json()
    assert item["status"] == "uploaded" and len(item["files"]) == 1
    product_view = await client.get(f"/api/v1/products/{product.id}", headers=actor.headers)
    assert product_view.json()["pif_status"] == "in_progress"

    stored = await _stored_objects(settings)
    assert len(stored) == 1
    blob = stored[0].read_bytes()
    assert blob != FORMULA and b"GLYCERIN" not in blob and FORMULA[:200] not in blob

    download = await client.get(
        f"/api/v1/products/{product.id}/files/{record['id']}/content", headers=actor.headers
    )
    assert download.status_code == 200 and download.content == FORMULA
    header = download.headers["content-disposition"]
    parsed = email.message_from_string(f"Content-Disposition: {header}\n\n", policy=default)
    assert parsed.get_filename() == "配方表 v2.xlsx"
    ascii_part = header.split('filename="')[1]
    assert all(0x20 <= ord(ch) <= 0x7E for ch in ascii_part)


async def test_every_file_is_encrypted_at_rest_and_owner_only(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    uploads = {5: ("gmp.pdf", pdf), 11: ("label.pdf", pdf + b"label"), 3: ("f.xlsx", FORMULA)}
    ids = {}
    for item, (name, data) in uploads.items():
        response = await _upload(
            client, actor, product.id, item, name, data, expiry_date="2027-01-31"
        )
        assert response.status_code == 201, response.text
        assert response.json()["encrypted"] is True
        ids[item] = response.json()["id"]
    stored = await _stored_objects(settings)
    assert len(stored) == 3
    for path in stored:
        blob = path.read_bytes()
        assert b"%PDF" not in blob and b"GLYCERIN" not in blob
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    root = settings.storage_dir or settings.data_dir / "files"
    for directory in {p.parent for p in stored} | {p.parent.parent for p in stored}:
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    assert not [p for p in root.rglob("*.part")]
    for item, (_, data) in uploads.items():
        download = await client.get(
            f"/api/v1/products/{product.id}/files/{ids[item]}/content", headers=actor.headers
        )
        assert download.status_code == 200 and download.content == data  # byte-identical


async def test_files_stored_in_plaintext_before_still_download(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    """Rows written before every class was encrypted (no wrapped key) read back unchanged."""
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    pdf = b"%PDF-1.4 legacy\n%%EOF\n"
    response = await _upload(client, actor, product.id, 5, "old.pdf", pdf)
    file_id = response.json()["id"]
    record = await owner_session.get(UploadedFile, uuid.UUID(file_id))
    assert record is not None
    (await _stored_objects(settings))[0].write_bytes(pdf)  # as the old code left it on disk
    record.enc_wrapped_key = record.enc_key_id = record.enc_key_version = None
    await owner_session.commit()
    download = await client.get(
        f"/api/v1/products/{product.id}/files/{file_id}/content", headers=actor.headers
    )
    assert download.status_code == 200 and download.content == pdf


async def test_duplicate_upload_is_409(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    await _upload(client, actor, product.id, 3, "f.xlsx", FORMULA)
    again = await _upload(client, actor, product.id, 3, "copy.xlsx", FORMULA)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate_file"


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "status", "code"),
    [
        ("big.pdf", lambda: b"%PDF-1.4\n" + b"0" * (26 * 1024 * 1024), 413, "payload_too_large"),
        ("invoice.pdf", lambda: b"MZ\x90\x00" + b"\x00" * 4096, 415, "unsupported_media_type"),
        ("empty.pdf", lambda: b"", 422, "empty_file"),
        ("bomb.xlsx", _zip_bomb, 422, "archive_bomb"),
    ],
)
async def test_bad_uploads_are_rejected_and_leave_nothing(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    name: str,
    make: Callable[[], bytes],
    status: int,
    code: str,
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    response = await _upload(client, actor, product.id, 3, name, make())
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert await owner_session.scalar(select(func.count()).select_from(UploadedFile)) == 0
    assert await _stored_objects(settings) == []
    item = (await client.get(f"/api/v1/products/{product.id}/pif/3", headers=actor.headers)).json()
    assert item["status"] == "missing"


async def test_item_number_out_of_range_is_422(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    for item in (0, 17):
        response = await _upload(client, actor, product.id, item, "f.xlsx", FORMULA)
        assert response.status_code == 422
    assert await owner_session.scalar(select(func.count()).select_from(UploadedFile)) == 0


async def test_transitions_illegal_409_and_approval_sa_only(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    member = await make_actor(owner_session, settings)
    sa = await make_actor(owner_session, settings, role=Role.SA, org=member.org)
    product = await make_product(owner_session, member)
    base = f"/api/v1/products/{product.id}/pif/7"

    illegal = await client.post(
        f"{base}/status", json={"status": "approved"}, headers=member.headers
    )
    assert illegal.status_code == 409
    assert illegal.json()["error"]["details"]["allowed"] == ["uploaded"]

    saved = await client.put(
        base,
        json={"data": {"method": "Apply twice daily"}, "confirm": True},
        headers=member.headers,
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["status"] == "human_reviewed"
    assert saved.json()["data"] == {"method": "Apply twice daily"}

    refused = await client.post(
        f"{base}/status", json={"status": "approved"}, headers=member.headers
    )
    assert refused.status_code == 403
    generator = await enable_totp(owner_session, settings, sa.user)
    approved = await client.post(
        f"{base}/status",
        json={"status": "approved", "reason": "ok"},
        headers={**sa.headers, "X-TOTP-Code": totp_code(generator)},
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


async def test_item_content_is_validated_per_item(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    bad = await client.put(
        f"/api/v1/products/{product.id}/pif/5",
        json={"data": {"certificate_type": "fake", "extra": 1}},
        headers=actor.headers,
    )
    assert bad.status_code == 422
    locs = {tuple(d["loc"]) for d in bad.json()["error"]["details"]}
    assert ("body", "data", "certificate_type") in locs and ("body", "data", "extra") in locs


async def test_other_org_cannot_touch_items_or_files(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    owner = await make_actor(owner_session, settings)
    outsider = await make_actor(owner_session, settings)
    product = await make_product(owner_session, owner)
    record = (await _upload(client, owner, product.id, 3, "f.xlsx", FORMULA)).json()
    base = f"/api/v1/products/{product.id}"
    checks = [
        await client.get(f"{base}/pif", headers=outsider.headers),
        await client.get(f"{base}/pif/3", headers=outsider.headers),
        await client.put(f"{base}/pif/7", json={"data": {}}, headers=outsider.headers),
        await client.get(f"{base}/files/{record['id']}/content", headers=outsider.headers),
        await _upload(client, outsider, product.id, 4, "l.pdf", b"%PDF-1.4\n%%EOF"),
    ]
    assert [r.status_code for r in checks] == [404] * 5
