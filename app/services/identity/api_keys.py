"""Per-org third-party API keys: Fernet-encrypted JSON in organizations.api_keys, shown masked."""

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.crypto import decrypt_json, encrypt_json
from app.core.errors import NotFound
from app.core.tenancy import OrgId
from app.integrations.http import OutboundPolicyError, build_client, default_user_agent
from app.services import audit
from app.services.audit import ClientInfo
from app.services.identity.org_settings import get_org_for_member

log = structlog.get_logger(__name__)

MASK_MIN_LENGTH = 12  # shorter secrets are shown with no characters at all


@dataclass(frozen=True)
class ApiKeyService:
    name: str
    label: str
    test_url: str | None  # None: built from settings (e.g. the RAG base URL)
    header: str | None = None  # header carrying the key on the test call
    extra_headers: tuple[tuple[str, str], ...] = ()


SERVICES: dict[str, ApiKeyService] = {
    s.name: s
    for s in (
        ApiKeyService("echa", "ECHA", "https://echa.europa.eu/", header="X-Api-Key"),
        ApiKeyService(
            "anthropic",
            "Anthropic",
            "https://api.anthropic.com/v1/models",
            header="x-api-key",
            extra_headers=(("anthropic-version", "2023-06-01"),),
        ),
        ApiKeyService("rag", "Central RAG service", None, header="Authorization"),
        ApiKeyService(
            "pubchem",
            "PubChem contact e-mail",
            "https://pubchem.ncbi.nlm.nih.gov/rest/pug/compound/cid/962/property/MolecularFormula/JSON",
        ),
    )
}


@dataclass(frozen=True)
class ApiKeyStatus:
    service: str
    label: str
    configured: bool
    last4: str | None


@dataclass(frozen=True)
class ApiKeyTest:
    service: str
    ok: bool
    status_code: int | None
    detail: str


def mask(value: str) -> str | None:
    """At most the last 4 characters, and none for short secrets."""
    return value[-4:] if len(value) >= MASK_MIN_LENGTH else None


def _service(name: str) -> ApiKeyService:
    service = SERVICES.get(name)
    if service is None:
        raise NotFound(f"Unknown service {name!r}", details={"services": sorted(SERVICES)})
    return service


async def _keys(session: AsyncSession, settings: Settings, org_id: OrgId) -> dict[str, str]:
    org = await get_org_for_member(session, org_id)
    value: Any = decrypt_json(settings, org.api_keys)
    return dict(value) if isinstance(value, dict) else {}


async def list_keys(session: AsyncSession, settings: Settings, org_id: OrgId) -> list[ApiKeyStatus]:
    keys = await _keys(session, settings, org_id)
    return [
        ApiKeyStatus(
            s.name, s.label, s.name in keys, mask(keys[s.name]) if s.name in keys else None
        )
        for s in SERVICES.values()
    ]


async def set_key(
    session: AsyncSession,
    settings: Settings,
    *,
    org_id: OrgId,
    user_id: uuid.UUID,
    service_name: str,
    key: str | None,
    client: ClientInfo,
) -> ApiKeyStatus:
    """Store (or with None, remove) one key; the audit row names the service, never the key."""
    service = _service(service_name)
    org = await get_org_for_member(session, org_id)
    keys = await _keys(session, settings, org_id)
    if key:
        keys[service.name] = key
    else:
        keys.pop(service.name, None)
    org.api_keys = encrypt_json(settings, keys) if keys else None
    await session.flush()
    await audit.record(
        session,
        "settings.api_key_changed",
        org_id=org_id,
        user_id=user_id,
        resource_type="organization",
        resource_id=org_id,
        details={"service": service.name, "action": "set" if key else "removed"},
        client=client,
    )
    return ApiKeyStatus(service.name, service.label, bool(key), mask(key) if key else None)


def _test_url(service: ApiKeyService, settings: Settings) -> str | None:
    if service.test_url:
        return service.test_url
    base = getattr(settings, "rag_api_base", None)
    return f"{str(base).rstrip('/')}/health" if base else None


async def test_key(
    session: AsyncSession,
    settings: Settings,
    *,
    org_id: OrgId,
    service_name: str,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ApiKeyTest:
    """Fail-soft connectivity check to the service's allow-listed host; never raises on I/O."""
    service = _service(service_name)
    keys = await _keys(session, settings, org_id)
    key = keys.get(service.name)
    if not key:
        return ApiKeyTest(service.name, False, None, "no key configured")
    url = _test_url(service, settings)
    if url is None:
        return ApiKeyTest(service.name, False, None, "service endpoint not configured")
    headers = dict(service.extra_headers)
    if service.header == "Authorization":
        headers["Authorization"] = f"Bearer {key}"
    elif service.header:
        headers[service.header] = key
    contact = key if service.name == "pubchem" else None
    try:
        async with build_client(
            allowed_hosts=[httpx.URL(url).host],
            timeout=10.0,
            user_agent=default_user_agent(contact),
            transport=transport,
            headers=headers,
        ) as client:
            response = await client.get(url)
    except OutboundPolicyError:
        return ApiKeyTest(service.name, False, None, "host not allowed")
    except httpx.HTTPError as exc:
        log.info("api_key_test_failed", service=service.name, error_type=type(exc).__name__)
        return ApiKeyTest(service.name, False, None, "connection failed")
    ok = response.is_success
    detail = "reachable" if ok else f"service answered HTTP {response.status_code}"
    return ApiKeyTest(service.name, ok, response.status_code, detail)
