import httpx
import pytest

from app.integrations.http import (
    HostNotAllowedError,
    RedirectNotAllowedError,
    build_client,
    default_user_agent,
)


def _recording_transport(calls: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if request.url.path == "/moved-away":
            return httpx.Response(302, headers={"Location": "https://other.example.org/x"})
        if request.url.path == "/moved-here":
            return httpx.Response(301, headers={"Location": "/landed"})
        return httpx.Response(200, json={"ok": True})

    return httpx.MockTransport(handler)


async def test_non_allow_listed_host_raises_without_calling_the_transport() -> None:
    calls: list[httpx.Request] = []
    async with build_client(
        allowed_hosts=["api.example.org"],
        timeout=5,
        user_agent="pifai/0.1",
        transport=_recording_transport(calls),
    ) as client:
        with pytest.raises(HostNotAllowedError):
            await client.get("https://evil.example.com/steal")
    assert calls == []


async def test_blocked_host_raises_before_a_real_socket_is_opened() -> None:
    # No transport injected: the real network transport would be used if the guard let it.
    async with build_client(allowed_hosts=["api.example.org"], timeout=1, user_agent="x") as c:
        with pytest.raises(HostNotAllowedError):
            await c.get("http://169.254.169.254/latest/meta-data/")


async def test_allowed_host_gets_the_polite_user_agent() -> None:
    calls: list[httpx.Request] = []
    async with build_client(
        allowed_hosts=["API.Example.org "],
        timeout=5,
        user_agent=default_user_agent("ops@example.org"),
        transport=_recording_transport(calls),
    ) as client:
        response = await client.get("https://api.example.org/thing")
    assert response.status_code == 200
    assert calls[0].headers["User-Agent"] == "pifai/0.1 (+mailto:ops@example.org)"


def test_user_agent_without_contact_is_the_bare_product() -> None:
    assert default_user_agent(None) == "pifai/0.1"
    assert default_user_agent("  ") == "pifai/0.1"


async def test_redirect_to_another_host_is_refused_even_if_that_host_is_allowed() -> None:
    calls: list[httpx.Request] = []
    async with build_client(
        allowed_hosts=["api.example.org", "other.example.org"],
        timeout=5,
        user_agent="x",
        transport=_recording_transport(calls),
    ) as client:
        with pytest.raises(RedirectNotAllowedError):
            await client.get("https://api.example.org/moved-away")
    assert [r.url.host for r in calls] == ["api.example.org"]


async def test_same_host_redirect_is_followed() -> None:
    calls: list[httpx.Request] = []
    async with build_client(
        allowed_hosts=["api.example.org"],
        timeout=5,
        user_agent="x",
        transport=_recording_transport(calls),
    ) as client:
        response = await client.get("https://api.example.org/moved-here")
    assert response.status_code == 200
    assert [r.url.path for r in calls] == ["/moved-here", "/landed"]


def test_policy_errors_are_httpx_request_errors_but_not_transport_errors() -> None:
    # so fail-soft callers catch them as HTTP failures, and retry logic never retries them
    assert issubclass(HostNotAllowedError, httpx.RequestError)
    assert not issubclass(HostNotAllowedError, httpx.TransportError)
