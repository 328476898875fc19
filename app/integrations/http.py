"""The one outbound HTTP client factory: host allow-list, same-host redirects, polite User-Agent."""

from collections.abc import Iterable

import httpx

USER_AGENT_PRODUCT = "pifai/0.1"


class OutboundPolicyError(httpx.RequestError):
    """An outbound request broke the egress policy (SSRF guard); never retried."""


class HostNotAllowedError(OutboundPolicyError):
    """The request's host is not on the configured allow-list."""


class RedirectNotAllowedError(OutboundPolicyError):
    """The server redirected to a different host."""


def default_user_agent(contact_email: str | None = None) -> str:
    """`pifai/0.1`, plus a contact address when one is configured (public APIs ask for it)."""
    contact = (contact_email or "").strip()
    return f"{USER_AGENT_PRODUCT} (+mailto:{contact})" if contact else USER_AGENT_PRODUCT


def normalise_hosts(hosts: Iterable[str]) -> frozenset[str]:
    """Lower-cased host names with blanks dropped; exact matches only, no wildcards."""
    return frozenset(h.strip().lower().rstrip(".") for h in hosts if h.strip())


def build_client(
    *,
    allowed_hosts: Iterable[str],
    timeout: float | httpx.Timeout,
    user_agent: str,
    transport: httpx.AsyncBaseTransport | None = None,
    base_url: str = "",
    headers: dict[str, str] | None = None,
    limits: httpx.Limits | None = None,
    follow_redirects: bool = True,
) -> httpx.AsyncClient:
    """Build an AsyncClient that refuses non-allow-listed hosts before any connection is made."""
    allowed = normalise_hosts(allowed_hosts)

    # Event hooks (not a transport wrapper) so the check also covers proxy mounts and every
    # redirect hop: httpx runs request hooks before handing the request to any transport.
    async def check_host(request: httpx.Request) -> None:
        if request.url.host.lower().rstrip(".") not in allowed:
            raise HostNotAllowedError(
                f"outbound host {request.url.host!r} is not allow-listed", request=request
            )

    async def refuse_cross_host_redirect(response: httpx.Response) -> None:
        if not response.has_redirect_location:
            return
        target = response.request.url.join(response.headers["Location"])
        if target.host.lower() != response.request.url.host.lower():
            raise RedirectNotAllowedError(
                f"redirect from {response.request.url.host!r} to {target.host!r} refused",
                request=response.request,
            )

    if transport is None:
        # AsyncClient ignores `limits` once a transport is given, so the pool is built here.
        transport = httpx.AsyncHTTPTransport(limits=limits or httpx.Limits())
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=timeout,
        headers={**(headers or {}), "User-Agent": user_agent},
        transport=transport,
        follow_redirects=follow_redirects,
        event_hooks={"request": [check_host], "response": [refuse_cross_host_redirect]},
    )
