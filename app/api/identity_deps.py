"""Identity dependencies for any router: TOTP step-up, SA and super-admin gates, plan access.

Kept out of app/api/deps.py (owned by the lead); import from here:
`RequireTotp`, `SaPrincipal`, `SaTotpPrincipal`, `SuperAdminPrincipal`, `require_plan_access`,
`Tenant` (a tenant route's one dependency: principal, tenant session, plan, client).
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from fastapi import Depends, Header, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import (
    Caller,
    CallerDep,
    SettingsDep,
    oauth2_scheme,
    open_caller,
    principal_cache,
    verify_token,
)
from app.core.authz import Permission
from app.core.config import PlanEnforcement, Settings
from app.core.errors import Forbidden
from app.core.tenancy import Principal
from app.core.unit_of_work import set_tenant
from app.models.enums import Role
from app.services import audit
from app.services.audit import ClientInfo
from app.services.identity import authorize, repository, require_feature
from app.services.identity.antibot import AntibotVerifier
from app.services.identity.google import GoogleVerifier
from app.services.identity.limits import RateLimiter
from app.services.identity.mailer import Mailer, mailer_for
from app.services.identity.plans import PlanAccess, plan_access_for_org, unrestricted
from app.services.identity.totp import require_code

TotpHeader = Annotated[
    str | None,
    Header(alias="X-TOTP-Code", description="Current 6-digit TOTP code", max_length=10),
]


def _state(request: Request, name: str, factory: Any) -> Any:
    """Per-app collaborators, built on first use (tests override the dependency instead)."""
    value = getattr(request.app.state, name, None)
    if value is None:
        value = factory()
        setattr(request.app.state, name, value)
    return value


async def get_mailer(request: Request, settings: SettingsDep) -> Mailer:
    mailer: Mailer = _state(request, "mailer", lambda: mailer_for(settings))
    return mailer


async def get_rate_limiter(request: Request, settings: SettingsDep) -> RateLimiter:
    limiter: RateLimiter = _state(
        request, "rate_limiter", lambda: RateLimiter(str(settings.redis_url))
    )
    return limiter


async def get_google_verifier(request: Request, settings: SettingsDep) -> GoogleVerifier:
    verifier: GoogleVerifier = _state(
        request, "google_verifier", lambda: GoogleVerifier.from_settings(settings)
    )
    return verifier


async def get_antibot_verifier(request: Request, settings: SettingsDep) -> AntibotVerifier:
    verifier: AntibotVerifier = _state(
        request, "antibot_verifier", lambda: AntibotVerifier.from_settings(settings)
    )
    return verifier


async def get_outbound_transport() -> httpx.AsyncBaseTransport | None:
    """The real network (None: httpx's default transport); tests override it with a
    MockTransport through `app.dependency_overrides`."""
    return None


MailerDep = Annotated[Mailer, Depends(get_mailer)]
LimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]
GoogleDep = Annotated[GoogleVerifier, Depends(get_google_verifier)]
AntibotDep = Annotated[AntibotVerifier, Depends(get_antibot_verifier)]
OutboundTransport = Annotated[httpx.AsyncBaseTransport | None, Depends(get_outbound_transport)]


async def require_totp(who: CallerDep, settings: SettingsDep, code: TotpHeader = None) -> Principal:
    """401 totp_required / totp_invalid (audited `auth.totp_failed`) unless X-TOTP-Code is a
    fresh valid code of the caller; 403 totp_setup_required if TOTP is not enabled."""
    principal = who.principal
    await require_code(
        who.session,
        settings,
        user_id=principal.user_id,
        org_id=principal.org_id,
        code=code,
        client=who.client,
    )
    return principal


RequireTotp = Annotated[Principal, Depends(require_totp)]


async def require_sa(who: CallerDep) -> Principal:
    """Role `sa` with TOTP enabled on the account (for SA reads, no per-call code)."""
    principal, session, client = who.principal, who.session, who.client
    await authorize(session, principal, Permission.PIF_REVIEW, client=client)
    state = await repository.totp_state(session, principal.user_id)
    if state is None or not state.enabled:
        await audit.record_denied(
            session,
            "authz.denied",
            org_id=principal.org_id,
            user_id=principal.user_id,
            details={"permission": Permission.PIF_REVIEW.value, "reason": "totp_setup_required"},
            client=client,
        )
        raise Forbidden(
            "Safety assessors must enable two-factor authentication first",
            code="totp_setup_required",
        )
    return principal


SaPrincipal = Annotated[Principal, Depends(require_sa)]


async def require_sa_totp(sa: SaPrincipal, checked: RequireTotp) -> Principal:
    """Role `sa` and a fresh TOTP code on this call (state-changing SA actions)."""
    return checked


SaTotpPrincipal = Annotated[Principal, Depends(require_sa_totp)]


async def require_sa_step_up(
    principal: Principal,
    session: AsyncSession,
    settings: Settings,
    client: ClientInfo,
    code: str | None,
) -> None:
    """For routes shared by users and SAs: an SA's decision needs TOTP set up and a fresh code
    (403 totp_setup_required, 401 totp_required / totp_invalid); others are judged by the route."""
    if principal.role is Role.SA:
        await require_code(
            session,
            settings,
            user_id=principal.user_id,
            org_id=principal.org_id,
            code=code,
            client=client,
        )


async def _super_admin_role(who: CallerDep) -> Principal:
    principal = who.principal
    await authorize(who.session, principal, Permission.PLATFORM_ADMIN, client=who.client)
    if principal.org_id is not None:
        raise Forbidden("Super admins only")
    return principal


async def require_super_admin(
    principal: Annotated[Principal, Depends(_super_admin_role)], checked: RequireTotp
) -> Principal:
    """Super admin with a fresh TOTP code on every call."""
    return checked


SuperAdminPrincipal = Annotated[Principal, Depends(require_super_admin)]


async def _plan_of(who: Caller, settings: Settings) -> PlanAccess:
    """The caller's effective plan (beta exemption = pro; the top plan if enforcement is off),
    kept with the cached principal: read once, not on every request (issue 18). Sets the
    session's tenant (RLS) to the caller's org as `TenantSession` does."""
    principal, session = who.principal, who.session
    await set_tenant(session, principal.tenant_org)
    if settings.plan_enforcement is PlanEnforcement.OFF:
        return unrestricted(principal.tenant_org)
    cache, sid = principal_cache(who.request), principal.session_id
    access = cache.cached_plan(principal.user_id, sid) if sid else None
    if access is None or access.org_id != principal.tenant_org:
        access = await plan_access_for_org(session, principal.tenant_org, settings.plan_enforcement)
        if sid:
            cache.remember_plan(principal.user_id, sid, access)
    return access


async def plan_access(who: CallerDep, settings: SettingsDep) -> PlanAccess:
    return await _plan_of(who, settings)


CurrentPlan = Annotated[PlanAccess, Depends(plan_access)]


def require_plan_access(feature: str | None = None) -> Any:
    """Dependency factory: the caller's plan; 403 plan_upgrade_required (audited `plan.denied`)
    if `feature` (e.g. "compliance_engine") is not in it."""

    async def _check(who: CallerDep, access: CurrentPlan) -> PlanAccess:
        if feature is not None:
            await require_feature(
                who.session, access, feature, user_id=who.principal.user_id, client=who.client
            )
        return access

    return Depends(_check)


@dataclass(slots=True)
class TenantCaller:
    """A tenant route's one dependency: the caller, the session scoped to its org, its plan."""

    principal: Principal
    session: AsyncSession
    plan: PlanAccess
    caller: Caller

    @property
    def client(self) -> ClientInfo:
        """Read from the request when a route asks (most never do)."""
        return self.caller.client


async def tenant_caller(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> AsyncIterator[TenantCaller]:
    """Token, principal, unit of work with the tenant set and the plan, in one node: what a
    router-level `require_plan_access()` plus `CurrentPrincipal`/`TenantSession` gave."""
    state = request.app.state
    settings: Settings = state.settings
    claims = verify_token(settings, token)
    async with open_caller(request, claims, state.redis) as who:
        plan = await _plan_of(who, settings)
        yield TenantCaller(who.principal, who.session, plan, who)


# scope="function": the unit of work commits before the response is sent (see RequestSession)
Tenant = Annotated[TenantCaller, Depends(tenant_caller, scope="function")]
