"""The PIF dossier and the signed PDF at the route boundary (issue 16 items 3-4)."""

import email
import io
import json
import uuid
import zipfile
from email.policy import default

import pytest
from cryptography import x509
from fastapi import FastAPI
from httpx import AsyncClient, Response
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import NotFound
from app.core.tenancy import OrgId
from app.models import OrgSigningKey
from app.models.platform import Task
from app.services import documents
from app.services.documents import dossier as dossier_module
from app.services.tasks import JobContext, get_handler
from tests.api.v1.review_support import (
    Desk,
    clean_items,
    make_desk,
    new_product,
    opened_review,
    put_item,
    sign,
)
from tests.factories import FORMULA, Actor

REPORT = b"%PDF-1.4\n% stability report\n" + b"0" * 2000 + b"\n%%EOF\n"
LABEL = b"%PDF-1.4\n% label artwork\n" + b"1" * 1000 + b"\n%%EOF\n"


async def upload(
    client: AsyncClient, actor: Actor, product: str, item: int, name: str, data: bytes
) -> None:
    response = await client.post(
        f"/api/v1/products/{product}/pif/upload",
        data={"item_number": str(item)},
        files={"file": (name, data, "application/octet-stream")},
        headers=actor.headers,
    )
    assert response.status_code == 201, response.text


async def signed_product(client: AsyncClient, desk: Desk) -> str:
    """A product with a formula file, two evidence files and a signed V1."""
    product = await new_product(client, desk.operator, name="保濕精華液")
    await upload(client, desk.operator, product, 3, "配方表.xlsx", FORMULA)
    await upload(client, desk.operator, product, 11, "stability.pdf", REPORT)
    await upload(client, desk.operator, product, 4, "label.pdf", LABEL)
    for number, data in clean_items().items():
        await put_item(client, desk.operator, product, number, data)
    signed = await sign(client, desk, await opened_review(client, desk, product))
    assert signed.status_code == 200, signed.text
    return product


async def generate(client: AsyncClient, actor: Actor, product: str) -> Response:
    return await client.post(f"/api/v1/products/{product}/pif/generate", headers=actor.headers)


async def download(client: AsyncClient, actor: Actor, product: str, build: str = "") -> Response:
    query = f"?build_id={build}" if build else ""
    return await client.get(
        f"/api/v1/products/{product}/pif/download{query}", headers=actor.headers
    )


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return out.getvalue()


def flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


async def test_signed_dossier_verifies_and_names_any_tampered_file(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    desk = await make_desk(owner_session, settings)
    product = await signed_product(client, desk)

    made = await generate(client, desk.admin, product)
    assert made.status_code == 201, made.text
    build = made.json()
    assert build["status"] == "ready" and build["version_label"] == "V1"
    assert build["includes_formula"] is True and build["signature_hash"]
    got = await download(client, desk.admin, product)
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    disposition = email.message_from_string(
        f"Content-Disposition: {got.headers['content-disposition']}", policy=default
    )
    assert (
        disposition.get_filename()
        == f"保濕精華液_PIF_V1_{build['created_at'][:10].replace('-', '')}.zip"
    )
    files = entries(got.content)
    manifest = json.loads(files["manifest.json"])
    assert manifest["snapshot_id"] == build["version_id"]
    assert manifest["signature_hash"] == build["signature_hash"]
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) | {"manifest.json", "manifest.sig", "signing-certificate.pem"} == set(files)
    kinds = sorted(f["kind"] for f in manifest["files"])
    assert kinds == ["evidence", "evidence", "evidence", "regulatory_pdf"]
    formula = next(p for p, f in listed.items() if f.get("item_number") == 3)
    assert files[formula] == FORMULA  # decrypted for an admin
    assert files[next(p for p, f in listed.items() if f.get("item_number") == 11)] == REPORT

    # the org certificate, published to inspectors, is the trust root
    cert = await client.get("/api/v1/signing/certificate", headers=desk.operator.headers)
    assert cert.status_code == 200 and cert.json()["source"] == "generated"
    root = x509.load_pem_x509_certificate(cert.json()["certificate_pem"].encode())
    assert files["signing-certificate.pem"].decode() == cert.json()["certificate_pem"]

    # pyHanko's own validator accepts the PDF's PAdES signature and finds the signed facts
    pdf = files["PIF_V1.pdf"]
    embedded = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    status = await async_validate_pdf_signature(
        embedded, ValidationContext(trust_roots=[embedded.signer_cert], allow_fetching=False)
    )
    assert status.bottom_line and status.intact and status.valid and status.trusted
    reason = str(embedded.sig_object["/Reason"])
    assert f"signature_hash={build['signature_hash']}" in reason and "SA-CERT-0001" in reason
    assert str(embedded.sig_object["/ContactInfo"]) == "SA-CERT-0001"

    report = documents.verify_dossier(got.content, "d.zip", [root])
    assert report.ok, report.problems
    assert report.signatures[0].trust == "supplied" and report.signatures[0].sa_name

    # one flipped byte in any file of the dossier fails and names that file
    for path in [*listed, "manifest.json"]:
        tampered = dict(files)
        tampered[path] = flip(files[path], len(files[path]) // 2)
        failed = documents.verify_dossier(rezip(tampered), "d.zip", [root])
        assert not failed.ok and path in {p.file for p in failed.problems}, path
    # and a flipped byte in the ZIP itself (inside a stored file) names the file too
    raw = got.content
    at = raw.index(REPORT[:20]) + 100
    failed = documents.verify_dossier(flip(raw, at), "d.zip", [root])
    assert {p.file for p in failed.problems} == {
        next(p for p, f in listed.items() if f.get("item_number") == 11)
    }
    # another organization's certificate does not vouch for this dossier
    stranger = documents.generate_material("Stranger").certificate
    assert not documents.verify_dossier(raw, "d.zip", [stranger]).ok

    # POST /verify: the caller org's certificates are the trust roots; a flipped PDF byte fails
    ok = await client.post(
        "/api/v1/verify", files={"file": ("d.zip", raw, "application/zip")},
        headers=desk.operator.headers,
    )  # fmt: skip
    assert ok.status_code == 200 and ok.json()["ok"] is True, ok.text
    bad = await client.post(
        "/api/v1/verify", files={"file": ("v1.pdf", flip(pdf, 200), "application/pdf")},
        headers=desk.operator.headers,
    )  # fmt: skip
    assert bad.status_code == 200 and bad.json()["ok"] is False
    assert bad.json()["problems"][0]["file"] == "v1.pdf"
    assert bad.json()["problems"][0]["byte_range"][0] == 0


async def test_formula_files_only_for_roles_that_may_read_them(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    desk = await make_desk(owner_session, settings)
    product = await signed_product(client, desk)
    with_formula = await generate(client, desk.sa, product)
    assert with_formula.status_code == 201 and with_formula.json()["includes_formula"] is True

    member = await generate(client, desk.operator, product)
    assert member.status_code == 201 and member.json()["includes_formula"] is False
    got = await download(client, desk.operator, product)
    assert got.status_code == 200
    files = entries(got.content)
    manifest = json.loads(files["manifest.json"])
    assert [w["item_number"] for w in manifest["withheld"]] == [3]
    assert not any(f.get("item_number") == 3 for f in manifest["files"])
    assert FORMULA not in files.values()
    assert documents.verify_dossier(got.content).ok
    # the SA's build holds the formula: a member cannot fetch it even by id
    hidden = await download(client, desk.operator, product, with_formula.json()["id"])
    assert hidden.status_code == 404
    assert (await download(client, desk.sa, product, with_formula.json()["id"])).status_code == 200


async def test_other_org_gets_404_on_every_document_route(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    desk = await make_desk(owner_session, settings)
    other = await make_desk(owner_session, settings, name="Other")
    product = await signed_product(client, desk)
    build = (await generate(client, desk.admin, product)).json()["id"]
    for actor in (other.admin, other.operator, other.sa):
        assert (await generate(client, actor, product)).status_code == 404
        assert (await download(client, actor, product)).status_code == 404
        assert (await download(client, actor, product, build)).status_code == 404
    missing = str(uuid.uuid4())
    assert (await generate(client, desk.admin, missing)).status_code == 404
    # each org signs with its own key
    mine = await client.get("/api/v1/signing/certificate", headers=desk.admin.headers)
    theirs = await client.get("/api/v1/signing/certificate", headers=other.admin.headers)
    assert mine.json()["fingerprint_sha256"] != theirs.json()["fingerprint_sha256"]
    keys = (await owner_session.execute(select(OrgSigningKey))).scalars().all()
    assert len(keys) == 2 and all(k.private_key.startswith("gAAAAA") for k in keys)
    assert all("PRIVATE KEY" not in k.private_key for k in keys)


async def test_large_dossier_is_built_by_the_worker(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    app: FastAPI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dossier_module, "INLINE_LIMIT_BYTES", 1024)
    desk = await make_desk(owner_session, settings)
    product = await signed_product(client, desk)
    queued = await generate(client, desk.admin, product)
    assert queued.status_code == 202, queued.text
    assert queued.headers["Location"] == f"/api/v1/tasks/{queued.json()['task_id']}"
    build = queued.json()["id"]
    assert queued.json()["status"] == "pending" and queued.json()["download_url"] is None
    waiting = await download(client, desk.admin, product, build)
    assert waiting.status_code == 409 and waiting.json()["error"]["code"] == "dossier_not_ready"
    assert (await download(client, desk.admin, product)).status_code == 404

    task = (
        await owner_session.execute(
            select(Task).where(Task.id == uuid.UUID(queued.json()["task_id"]))
        )
    ).scalar_one()
    spec = get_handler(task.type)
    assert spec.queue.value == "pif_generate"
    seen: list[int] = []

    async def progress(value: int) -> None:
        seen.append(value)

    async with app.state.db.tenant(desk.org_id) as session:
        result = await spec.handler(JobContext(session, task, settings, progress, app.state.redis))
    assert result and result["status"] == "ready" and seen == sorted(seen) and seen[-1] == 100
    assert len(seen) >= 4  # per file, not only at the end
    got = await download(client, desk.admin, product, build)
    assert got.status_code == 200 and documents.verify_dossier(got.content).ok


async def test_imported_certificate_signs_from_then_on(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        pkcs12,
    )

    desk = await make_desk(owner_session, settings)
    own = documents.generate_material("Acme imported CA")
    archive = pkcs12.serialize_key_and_certificates(
        b"acme", own.private_key, own.certificate, None, BestAvailableEncryption(b"pw")
    )
    url = "/api/v1/signing/certificate"
    denied = await client.post(
        url, files={"file": ("k.p12", archive)}, data={"password": "pw"},
        headers=desk.operator.headers,
    )  # fmt: skip
    assert denied.status_code == 403
    wrong = await client.post(
        url, files={"file": ("k.p12", archive)}, data={"password": "nope"},
        headers=desk.admin.headers,
    )  # fmt: skip
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "bad_certificate"
    done = await client.post(
        url, files={"file": ("k.p12", archive)}, data={"password": "pw"},
        headers=desk.admin.headers,
    )  # fmt: skip
    assert done.status_code == 201, done.text
    assert done.json()["source"] == "imported"
    product = await signed_product(client, desk)
    made = await generate(client, desk.admin, product)
    got = await download(client, desk.admin, product, made.json()["id"])
    report = documents.verify_dossier(got.content, "d.zip", [own.certificate])
    assert report.ok, report.problems
    assert report.signatures[0].fingerprint_sha256 == done.json()["fingerprint_sha256"]


async def test_snapshot_pdf_is_signed_only_for_signed_versions_and_stays_byte_stable(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, app: FastAPI
) -> None:
    desk = await make_desk(owner_session, settings)
    other = await make_desk(owner_session, settings, name="Other")
    product = await signed_product(client, desk)
    versions = await client.get(
        f"/api/v1/products/{product}/pif-versions", headers=desk.operator.headers
    )
    v1 = next(v for v in versions.json()["items"] if v["is_signed"])
    pdf = documents.one_page_pdf(["rendered V1"])
    args = {"product_id": uuid.UUID(product), "version_id": uuid.UUID(v1["id"])}
    async with app.state.db.tenant(desk.org_id) as session:
        first = await documents.sign_snapshot_pdf(
            session, settings, pdf, org_id=OrgId(desk.org_id), **args
        )
        second = await documents.sign_snapshot_pdf(
            session, settings, pdf, org_id=OrgId(desk.org_id), **args
        )
    assert first == second and first.startswith(pdf[:8]) and len(first) > len(pdf)
    report = documents.verify_pdf(first, "v1.pdf")
    assert report.ok and report.signatures[0].signature_hash == v1["signature_hash"]
    signing_time = report.signatures[0].signing_time
    assert signing_time is not None and signing_time[:19] == v1["signed_at"][:19]  # whole seconds
    async with app.state.db.tenant(other.org_id) as session:
        with pytest.raises(NotFound):
            await documents.sign_snapshot_pdf(
                session, settings, pdf, org_id=OrgId(other.org_id), **args
            )


async def test_verify_needs_a_token_and_refuses_unreadable_certificates(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    desk = await make_desk(owner_session, settings)
    pdf = documents.one_page_pdf(["x"])
    anonymous = await client.post("/api/v1/verify", files={"file": ("x.pdf", pdf)})
    assert anonymous.status_code == 401
    bad = await client.post(
        "/api/v1/verify", files={"file": ("x.pdf", pdf), "certificate": ("c.pem", b"nope")},
        headers=desk.operator.headers,
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_certificate"
    unsigned = await client.post(
        "/api/v1/verify", files={"file": ("x.pdf", pdf)}, headers=desk.operator.headers
    )
    assert unsigned.status_code == 200 and unsigned.json()["ok"] is False
    assert "no signature" in unsigned.json()["problems"][0]["message"]


async def test_a_draft_dossier_is_unsigned_but_its_manifest_is(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    desk = await make_desk(owner_session, settings)
    product = await new_product(client, desk.operator)
    await upload(client, desk.operator, product, 11, "stability.pdf", REPORT)
    made = await generate(client, desk.admin, product)
    assert made.status_code == 201 and made.json()["signature_hash"] is None
    got = await download(client, desk.admin, product)
    files = entries(got.content)
    manifest = json.loads(files["manifest.json"])
    assert manifest["is_signed"] is False and manifest["version_label"] == "V0"
    assert documents.verify_pdf(files["PIF_V0.pdf"]).problems[0].message == (
        "the PDF carries no signature"
    )
    assert documents.verify_dossier(got.content).ok
    files["manifest.json"] = files["manifest.json"].replace(b'"V0"', b'"V1"')
    edited = documents.verify_dossier(rezip(files))
    assert [p.file for p in edited.problems] == ["manifest.json"]


async def test_the_snapshot_pdf_route_serves_the_signed_pdf(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    desk = await make_desk(owner_session, settings)
    product = await signed_product(client, desk)
    base = f"/api/v1/products/{product}/pif-versions"
    v1 = next(
        v
        for v in (await client.get(base, headers=desk.operator.headers)).json()["items"]
        if v["is_signed"]
    )
    first = await client.get(f"{base}/{v1['id']}/regulatory-pdf", headers=desk.operator.headers)
    again = await client.get(f"{base}/{v1['id']}/regulatory-pdf", headers=desk.operator.headers)
    assert first.status_code == 200 and first.content == again.content
    cert = await client.get("/api/v1/signing/certificate", headers=desk.operator.headers)
    root = x509.load_pem_x509_certificate(cert.json()["certificate_pem"].encode())
    report = documents.verify_pdf(first.content, "v1.pdf", [root])
    assert report.ok, report.problems
    assert report.signatures[0].signature_hash == v1["signature_hash"]
    live = await client.get(f"{base}/regulatory-pdf", headers=desk.operator.headers)
    assert live.status_code == 200
    assert "no signature" in documents.verify_pdf(live.content).problems[0].message
