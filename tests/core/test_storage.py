"""Storage backends: the S3-compatible one against a real local S3 API server (moto)."""

import socket
from collections.abc import Iterator

import boto3
import pytest
from httpx import AsyncClient
from moto.server import ThreadedMotoServer
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import get_storage
from app.core.config import Settings, StorageBackend
from app.core.storage import LocalStorage, S3Storage, storage_for
from tests.factories import FORMULA, Override, make_actor, make_product


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    settings = Settings(
        storage_backend=StorageBackend.S3,
        s3_bucket="pif-files",
        s3_endpoint_url=f"http://127.0.0.1:{port}",
        s3_region="ap-northeast-1",
        s3_access_key_id="test",
        s3_secret_access_key="test",
        s3_prefix="tenant-files",
        s3_server_side_encryption="AES256",
        data_dir=tmp_path_factory.mktemp("s3"),
    )
    boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name="ap-northeast-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(
        Bucket="pif-files", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"}
    )
    yield settings
    server.stop()


async def test_s3_storage_round_trip(s3_settings: Settings) -> None:
    storage = storage_for(s3_settings)
    assert isinstance(storage, S3Storage)
    await storage.put("org/product/file", b"\x00secret bytes")
    assert await storage.exists("org/product/file")
    assert await storage.get("org/product/file") == b"\x00secret bytes"
    head = storage.client.head_object(Bucket="pif-files", Key="tenant-files/org/product/file")
    assert head["ServerSideEncryption"] == "AES256"
    await storage.delete("org/product/file")
    assert not await storage.exists("org/product/file")


async def test_local_storage_refuses_keys_outside_its_root(tmp_path: object) -> None:
    storage = LocalStorage(tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="escapes"):
        await storage.put("../outside", b"x")


@pytest.fixture
def s3_app(override: Override, s3_settings: Settings) -> S3Storage:
    storage = storage_for(s3_settings)
    assert isinstance(storage, S3Storage)
    override(get_storage, storage)
    return storage


async def test_formula_upload_is_encrypted_in_s3_and_downloads_intact(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, s3_app: S3Storage
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    upload = await client.post(
        f"/api/v1/products/{product.id}/pif/upload",
        data={"item_number": "3"},
        files={"file": ("formula.xlsx", FORMULA, "application/octet-stream")},
        headers=actor.headers,
    )
    assert upload.status_code == 201, upload.text
    key = f"tenant-files/{actor.org_id}/{product.id}/{upload.json()['id']}"
    stored = s3_app.client.get_object(Bucket="pif-files", Key=key)["Body"].read()
    assert stored != FORMULA and b"GLYCERIN" not in stored
    download = await client.get(
        f"/api/v1/products/{product.id}/files/{upload.json()['id']}/content", headers=actor.headers
    )
    assert download.content == FORMULA
