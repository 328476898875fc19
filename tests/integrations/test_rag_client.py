import json
import uuid
from collections.abc import Callable

import httpx
import pytest
from structlog.testing import capture_logs

from app.integrations.rag import (
    RagAnswer,
    RagClient,
    RagNotConfiguredError,
    RagServiceError,
    RagSettings,
)

TENANT = "11111111-2222-3333-4444-555555555555"
SETTINGS = RagSettings(
    api_base="https://rag.example.org/", api_key="  test-key-abc ", tenant_id=f" {TENANT} "
)
UNCONFIGURED = RagSettings(api_base="https://rag.example.org", api_key="", tenant_id=TENANT)
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler that records requests and answers from a canned function."""

    def __init__(self, respond: Handler) -> None:
        self.respond = respond
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.respond(request)

    def body(self, index: int = 0) -> dict[str, object]:
        body: dict[str, object] = json.loads(self.requests[index].content)
        return body


def _client(respond: Handler, settings: RagSettings = SETTINGS) -> tuple[RagClient, Recorder]:
    recorder = Recorder(respond)
    return RagClient(settings, transport=httpx.MockTransport(recorder)), recorder


def _created(_: httpx.Request) -> httpx.Response:
    return httpx.Response(201, json={"status": "success", "data": {"id": "kb_new_xyz"}})


def _status(code: int) -> Handler:
    return lambda _: httpx.Response(code, json={"status": "error", "message": "nope"})


async def test_create_kb_sends_correct_headers_and_payload() -> None:
    org, product = uuid.uuid4(), uuid.uuid4()
    client, rec = _client(_created)
    kb = await client.create_knowledge_base(org, product, "Rose Toner")
    assert kb.id == "kb_new_xyz"
    request = rec.requests[0]
    assert (request.method, str(request.url)) == (
        "POST",
        "https://rag.example.org/api/v1/knowledge-bases",
    )
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-rag-api-key"] == "test-key-abc"
    assert request.headers["x-tenant-id"] == TENANT
    assert rec.body() == {
        "name": f"pif_{org}_{product}",
        "metadata": {
            "pif_org_id": str(org),
            "pif_product_id": str(product),
            "pif_product_name": "Rose Toner",
            "source": "pif-ai",
        },
    }


# 1
async def test_both_headers_are_sent_with_the_configured_stripped_values() -> None:
    client, rec = _client(lambda _: httpx.Response(200, json={"data": {"answer": "a"}}))
    await client.ask("kb_1", "What is the NOAEL?")
    assert rec.requests[0].headers["X-RAG-API-Key"] == "test-key-abc"
    assert rec.requests[0].headers["X-Tenant-ID"] == TENANT


# 2
async def test_kb_name_is_prefix_org_product() -> None:
    client, rec = _client(_created)
    await client.create_knowledge_base("org-1", "prod-2")
    assert rec.body()["name"] == "pif_org-1_prod-2"


# 3
async def test_metadata_carries_org_product_and_source() -> None:
    client, rec = _client(_created)
    await client.create_knowledge_base("org-1", "prod-2")
    assert rec.body()["metadata"] == {
        "pif_org_id": "org-1",
        "pif_product_id": "prod-2",
        "pif_product_name": "",
        "source": "pif-ai",
    }


# 4
@pytest.mark.parametrize("status", [400, 401, 500, 503])
async def test_non_2xx_raises_rag_service_error_with_status(status: int) -> None:
    client, _ = _client(_status(status))
    with pytest.raises(RagServiceError) as raised:
        await client.create_knowledge_base("org-1", "prod-2")
    assert raised.value.status_code == status


# 5
async def test_delete_treats_404_as_already_gone() -> None:
    client, rec = _client(_status(404))
    await client.delete_knowledge_base("kb_gone")
    assert rec.requests[0].method == "DELETE"
    assert rec.requests[0].url.path == "/api/v1/knowledge-bases/kb_gone"
    assert await client.safe_delete_kb("kb_gone") is True
    assert client.consecutive_failures == 0


# 6
@pytest.mark.parametrize("kb_id", ["", "   "])
async def test_ask_rejects_an_empty_kb_id_before_any_request(kb_id: str) -> None:
    client, rec = _client(_created)
    with pytest.raises(ValueError, match="kb_id"):
        await client.ask(kb_id, "question")
    assert rec.requests == []


# 7
async def test_from_wiki_is_parsed_and_defaults_to_false() -> None:
    answers = iter(
        [
            {"answer": "wiki", "from_wiki": True, "sources": [{"doc": "a"}], "response_time": 0.48},
            {"answer": "vector", "sources": [], "response_time": 3.1},
        ]
    )
    client, rec = _client(
        lambda _: httpx.Response(200, json={"status": "success", "data": next(answers)})
    )
    wiki = await client.ask(" kb_1 ", "  What preservatives?  ")
    vector = await client.ask("kb_1", "Other")
    assert wiki == RagAnswer("wiki", [{"doc": "a"}], from_wiki=True, response_time=0.48)
    assert vector.from_wiki is False
    assert rec.body(0) == {"question": "What preservatives?", "knowledge_base_id": "kb_1"}


# 8
async def test_safe_wrappers_are_no_ops_when_unconfigured() -> None:
    client, rec = _client(_created, UNCONFIGURED)
    with capture_logs() as logs:
        assert await client.safe_create_kb("org", "prod", "name") is None
        assert await client.safe_delete_kb("kb_1") is None
    assert rec.requests == []
    assert [entry["log_level"] for entry in logs] == ["info", "info"]


# 9
@pytest.mark.parametrize(
    "respond",
    [_status(500), _status(401)],
    ids=["http-500", "http-401"],
)
async def test_safe_wrappers_swallow_service_errors(respond: Handler) -> None:
    client, _ = _client(respond)
    with capture_logs() as logs:
        assert await client.safe_create_kb("org", "prod") is None
        assert await client.safe_delete_kb("kb_1") is None
    assert [entry["log_level"] for entry in logs] == ["warning", "warning"]


async def test_safe_wrappers_swallow_transport_errors() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client, _ = _client(refuse)
    assert await client.safe_create_kb("org", "prod") is None
    with pytest.raises(RagServiceError) as raised:
        await client.ask("kb_1", "q")
    assert raised.value.status_code is None


def test_configured_needs_base_key_and_tenant() -> None:
    assert SETTINGS.configured
    assert not UNCONFIGURED.configured
    assert not RagSettings(api_base=" ", api_key="k", tenant_id="t").configured


async def test_direct_calls_raise_when_unconfigured() -> None:
    client, _ = _client(_created, UNCONFIGURED)
    with pytest.raises(RagNotConfiguredError):
        await client.create_knowledge_base("org", "prod")


async def test_five_consecutive_failures_raise_one_alert_and_success_resets() -> None:
    outcomes = iter([500] * 6 + [201] + [500] * 4)
    client, _ = _client(lambda r: _created(r) if (s := next(outcomes)) == 201 else _status(s)(r))
    with capture_logs() as logs:
        for _ in range(11):
            await client.safe_create_kb("org", "prod")
    alerts = [e for e in logs if e["event"] == "rag.alert.consecutive_failures"]
    assert len(alerts) == 1
    assert alerts[0]["log_level"] == "error" and alerts[0]["consecutive_failures"] == 5
    assert client.consecutive_failures == 4


async def test_create_without_an_id_in_the_envelope_is_a_service_error() -> None:
    client, _ = _client(lambda _: httpx.Response(201, json={"status": "success", "data": {}}))
    assert await client.safe_create_kb("org", "prod") is None
