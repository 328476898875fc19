"""Client for the central RAG service: one knowledge base per product, one shared tenant."""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx
import structlog

from app.integrations.http import build_client, default_user_agent

log = structlog.get_logger(__name__)

ALERT_AFTER_CONSECUTIVE_FAILURES = 5
POOL_LIMITS = httpx.Limits(max_keepalive_connections=10, max_connections=20)


class RagNotConfiguredError(RuntimeError):
    """RAG_API_BASE, RAG_API_KEY or RAG_TENANT_ID is empty."""


class RagServiceError(Exception):
    """The RAG service answered non-2xx or could not be reached (status_code is None then)."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class RagSettings:
    api_base: str
    api_key: str
    tenant_id: str
    timeout_seconds: float = 20.0
    kb_name_prefix: str = "pif"

    @property
    def configured(self) -> bool:
        return all(v.strip() for v in (self.api_base, self.api_key, self.tenant_id))


@dataclass(frozen=True)
class KnowledgeBase:
    id: str


@dataclass(frozen=True)
class RagAnswer:
    answer: str
    sources: list[Any] = field(default_factory=list)
    from_wiki: bool = False
    response_time: float | None = None


class RagClient:
    """Owns one pooled AsyncClient; create once per process and `aclose()` on shutdown."""

    def __init__(
        self,
        settings: RagSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        contact_email: str | None = None,
    ) -> None:
        self.settings = settings
        self._consecutive_failures = 0
        self._http: httpx.AsyncClient | None = None
        if settings.configured:
            base = settings.api_base.strip().rstrip("/")
            host = httpx.URL(base).host
            if not host:
                raise ValueError("RAG_API_BASE must be an absolute http(s) URL")
            self._http = build_client(
                allowed_hosts=[host],
                timeout=settings.timeout_seconds,
                user_agent=default_user_agent(contact_email),
                transport=transport,
                base_url=base,
                headers={
                    "Content-Type": "application/json",
                    "X-RAG-API-Key": settings.api_key.strip(),
                    "X-Tenant-ID": settings.tenant_id.strip(),
                },
                limits=POOL_LIMITS,
            )

    @property
    def configured(self) -> bool:
        return self._http is not None

    @property
    def consecutive_failures(self) -> int:
        return self._consecutive_failures

    async def aclose(self) -> None:
        """Close the shared connection pool."""
        if self._http is not None:
            await self._http.aclose()

    async def create_knowledge_base(
        self, org_id: UUID | str, product_id: UUID | str, product_name: str | None = None
    ) -> KnowledgeBase:
        """Create the product's knowledge base and return its id."""
        body = {
            "name": f"{self.settings.kb_name_prefix}_{org_id}_{product_id}",
            "metadata": {
                "pif_org_id": str(org_id),
                "pif_product_id": str(product_id),
                "pif_product_name": product_name or "",
                "source": "pif-ai",
            },
        }
        data = await self._call("POST", "/api/v1/knowledge-bases", json=body)
        kb_id = data.get("id")
        if not isinstance(kb_id, str) or not kb_id:
            raise RagServiceError("create knowledge base: response has no data.id")
        return KnowledgeBase(id=kb_id)

    async def delete_knowledge_base(self, kb_id: str) -> None:
        """Delete a knowledge base; one that is already gone (404) counts as deleted."""
        _require_kb_id(kb_id)
        await self._call(
            "DELETE",
            f"/api/v1/knowledge-bases/{quote(kb_id.strip(), safe='')}",
            ok_statuses=frozenset({404}),
        )

    async def ask(self, kb_id: str, question: str) -> RagAnswer:
        """Ask one product's knowledge base; the service picks the wiki or vector tier."""
        _require_kb_id(kb_id)
        if not question.strip():
            raise ValueError("question must not be blank")
        body = {"question": question.strip(), "knowledge_base_id": kb_id.strip()}
        data = await self._call("POST", "/api/v1/ask", json=body)
        sources = data.get("sources")
        response_time = data.get("response_time")
        return RagAnswer(
            answer=str(data.get("answer") or ""),
            # the shape of source entries is not fixed by the service: pass them through
            sources=sources if isinstance(sources, list) else [],
            from_wiki=data.get("from_wiki") is True,
            response_time=float(response_time) if isinstance(response_time, int | float) else None,
        )

    async def safe_create_kb(
        self, org_id: UUID | str, product_id: UUID | str, product_name: str | None = None
    ) -> str | None:
        """Fail-soft create: the KB id, or None when unconfigured or the service failed."""
        if not self.configured:
            log.info("rag.not_configured", operation="create_kb", product_id=str(product_id))
            return None
        try:
            return (await self.create_knowledge_base(org_id, product_id, product_name)).id
        except RagServiceError as exc:
            log.warning(
                "rag.create_kb_failed", product_id=str(product_id), status_code=exc.status_code
            )
            return None

    async def safe_delete_kb(self, kb_id: str) -> bool | None:
        """Fail-soft delete: True when gone, None when unconfigured or the service failed."""
        if not self.configured:
            log.info("rag.not_configured", operation="delete_kb", kb_id=kb_id)
            return None
        try:
            await self.delete_knowledge_base(kb_id)
        except RagServiceError as exc:
            log.warning("rag.delete_kb_failed", kb_id=kb_id, status_code=exc.status_code)
            return None
        return True

    async def _call(
        self, method: str, path: str, *, json: Any = None, ok_statuses: frozenset[int] = frozenset()
    ) -> dict[str, Any]:
        if self._http is None:
            raise RagNotConfiguredError("RAG_API_BASE, RAG_API_KEY and RAG_TENANT_ID must be set")
        try:
            response = await self._http.request(method, path, json=json)
            if response.status_code in ok_statuses:
                data: dict[str, Any] = {}
            elif response.is_success:
                data = _data_of(response)
            else:
                raise RagServiceError(
                    f"{method} {path}: HTTP {response.status_code}",
                    status_code=response.status_code,
                )
        except httpx.HTTPError as exc:
            self._record_failure()
            raise RagServiceError(f"{method} {path}: {type(exc).__name__}") from exc
        except RagServiceError:
            self._record_failure()
            raise
        self._consecutive_failures = 0
        return data

    def _record_failure(self) -> None:
        self._consecutive_failures += 1
        # Alert once per failure streak; the pager integration subscribes to this event.
        if self._consecutive_failures == ALERT_AFTER_CONSECUTIVE_FAILURES:
            log.error(
                "rag.alert.consecutive_failures",
                alert=True,
                consecutive_failures=self._consecutive_failures,
            )


def _require_kb_id(kb_id: str) -> None:
    if not kb_id or not kb_id.strip():
        raise ValueError("kb_id must not be empty")


def _data_of(response: httpx.Response) -> dict[str, Any]:
    if not response.content:
        return {}
    try:
        body = response.json()
    except ValueError as exc:
        raise RagServiceError("response is not JSON", status_code=response.status_code) from exc
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) else {}
