"""/auth: registration, invitations, sessions, e-mail flows, TOTP, Google and super-admin login."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import ValidationError
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import (
    Client,
    CurrentPrincipal,
    RedisDep,
    RequestSession,
    SettingsDep,
    TenantSession,
    principal_cache,
    require_permission,
)
from app.api.identity_deps import AntibotDep, CurrentPlan, GoogleDep, LimiterDep, MailerDep
from app.core.authz import Permission
from app.core.config import Settings
from app.core.unit_of_work import after_commit
from app.models.enums import Role
from app.schemas.identity import (
    AcceptInvitationIn,
    EmailIn,
    GoogleLoginIn,
    InvitationIn,
    InvitationRead,
    LoginIn,
    MeOut,
    MessageOut,
    OrganizationRead,
    RecoveryCodesOut,
    RefreshIn,
    RegisterIn,
    RegisterOut,
    ResetPasswordIn,
    SuperAdminLoginIn,
    TokenIn,
    TokenOut,
    TotpCodeIn,
    TotpSetupOut,
    UserRead,
)
from app.services.audit import ClientInfo
from app.services.identity import account, email, google, registration, sessions, totp
from app.services.identity.limits import RateLimiter
from app.services.identity.mailer import send_quietly
from app.services.identity.principals import sessions_revoked
from app.services.identity.repository import get_org

router = APIRouter(prefix="/auth", tags=["auth"])

FORGOT_PASSWORD_REPLY = "If the address has an account, a reset link is on its way."


def _token_out(response: Response, settings: Settings, pair: sessions.TokenPair) -> TokenOut:
    if pair.refresh_token:
        response.set_cookie(
            settings.refresh_cookie_name,
            pair.refresh_token,
            max_age=settings.refresh_token_days * 86400,
            path=settings.refresh_cookie_path,
            httponly=True,
            secure=settings.refresh_cookie_secure,
            samesite=settings.refresh_cookie_samesite.value,
        )
    response.headers["Cache-Control"] = "no-store"
    return TokenOut(
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
    )


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=RegisterOut)
async def register(
    body: RegisterIn,
    session: RequestSession,
    settings: SettingsDep,
    client: Client,
    mailer: MailerDep,
    limiter: LimiterDep,
    background: BackgroundTasks,
) -> RegisterOut:
    """Create an organization and its first user (owner); send the verification e-mail.
    Limited per IP and per e-mail (429 with Retry-After)."""
    await limiter.enforce(settings.register_rate_limit_ip, "register:ip", client.ip)
    await limiter.enforce(settings.register_rate_limit_account, "register:account", body.email)
    done = await registration.register(
        session,
        settings,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        org_name=body.org_name,
        org_type=body.org_type.value,
        client=client,
    )
    mail = email.verification_mail(settings, done.user.email, done.verify_token)
    background.add_task(send_quietly, mailer, mail)
    return RegisterOut(
        user=UserRead.model_validate(done.user),
        organization=OrganizationRead.model_validate(done.organization),
    )


async def _login(
    session: AsyncSession,
    settings: Settings,
    redis: Redis,
    limiter: RateLimiter,
    client: ClientInfo,
    body: LoginIn,
    *,
    super_admin: bool = False,
) -> sessions.TokenPair:
    return await sessions.login(
        session,
        settings,
        redis,
        limiter,
        email=body.email,
        password=body.password,
        totp_code=body.totp_code,
        client=client,
        super_admin=super_admin,
    )


@router.post("/login", response_model=TokenOut)
async def login(
    body: LoginIn,
    response: Response,
    session: RequestSession,
    settings: SettingsDep,
    redis: RedisDep,
    limiter: LimiterDep,
    client: Client,
) -> TokenOut:
    """E-mail + password (+ `totp_code` when 2FA is on) → access token and refresh token."""
    pair = await _login(session, settings, redis, limiter, client, body)
    return _token_out(response, settings, pair)


@router.post("/token", response_model=TokenOut, include_in_schema=True)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    response: Response,
    session: RequestSession,
    settings: SettingsDep,
    redis: RedisDep,
    limiter: LimiterDep,
    client: Client,
) -> TokenOut:
    """OAuth2 password form (Swagger "Authorize"); a TOTP code may go in `client_secret`."""
    try:
        body = LoginIn(email=form.username, password=form.password, totp_code=form.client_secret)
    except ValidationError as exc:  # a username that is not an e-mail is a 422, not a 500
        raise RequestValidationError(exc.errors(include_url=False, include_input=False)) from exc
    pair = await _login(session, settings, redis, limiter, client, body)
    return _token_out(response, settings, pair)


@router.post("/super-admin/login", response_model=TokenOut)
async def super_admin_login(
    body: SuperAdminLoginIn,
    response: Response,
    session: RequestSession,
    settings: SettingsDep,
    redis: RedisDep,
    limiter: LimiterDep,
    client: Client,
) -> TokenOut:
    """Separate entry for super admins only; TOTP always required; no refresh token."""
    pair = await _login(session, settings, redis, limiter, client, body, super_admin=True)
    return _token_out(response, settings, pair)


@router.post("/google", response_model=TokenOut)
async def google_login(
    body: GoogleLoginIn,
    response: Response,
    session: RequestSession,
    settings: SettingsDep,
    redis: RedisDep,
    verifier: GoogleDep,
    antibot: AntibotDep,
    client: Client,
) -> TokenOut:
    """Check the anti-bot token (when configured), verify the Google ID token, then log in by
    Google subject or link to the same verified e-mail."""
    await antibot.verify(body.antibot_token, client.ip)
    identity = await verifier.verify(body.credential)
    pair = await google.sign_in(
        session, settings, redis, identity, totp_code=body.totp_code, client=client
    )
    return _token_out(response, settings, pair)


def _refresh_token_of(request: Request, settings: Settings, body: RefreshIn | None) -> str | None:
    if body is not None and body.refresh_token:
        return body.refresh_token
    return request.cookies.get(settings.refresh_cookie_name)


@router.post("/refresh", response_model=TokenOut)
async def refresh(
    request: Request,
    response: Response,
    session: RequestSession,
    settings: SettingsDep,
    redis: RedisDep,
    client: Client,
    body: RefreshIn | None = None,
) -> TokenOut:
    """Refresh cookie or JSON `{refresh_token}` → new pair; the presented token is spent."""
    raw = _refresh_token_of(request, settings, body)
    pair = await sessions.refresh(
        session, settings, raw_token=raw, client=client, redis=redis, cache=principal_cache(request)
    )
    return _token_out(response, settings, pair)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(
    request: Request,
    principal: CurrentPrincipal,
    session: RequestSession,
    settings: SettingsDep,
    redis: RedisDep,
    client: Client,
    body: RefreshIn | None = None,
) -> Response:
    """End this session (the access token stops working at once) and the refresh token's
    family, or all of the caller's sessions if no refresh token is given."""
    raw = _refresh_token_of(request, settings, body)
    await sessions.logout(
        session,
        redis,
        principal_cache(request),
        user_id=principal.user_id,
        org_id=principal.org_id,
        session_id=principal.session_id,
        raw_token=raw,
        client=client,
    )
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(
        settings.refresh_cookie_name,
        path=settings.refresh_cookie_path,
        secure=settings.refresh_cookie_secure,
        httponly=True,
        samesite=settings.refresh_cookie_samesite.value,
    )
    return response


@router.get("/me", response_model=MeOut)
async def me(principal: CurrentPrincipal, session: RequestSession) -> MeOut:
    """The current user with role, organization and whether TOTP is enabled."""
    found = await account.get_me(session, user_id=principal.user_id, org_id=principal.org_id)
    user, org = found.user, found.organization
    return MeOut(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        org_id=user.org_id,
        organization=OrganizationRead.model_validate(org) if org else None,
        email_verified=user.email_verified,
        totp_enabled=user.totp_enabled,
    )


@router.post("/verify-email", response_model=MessageOut)
async def verify_email(body: TokenIn, session: RequestSession, client: Client) -> MessageOut:
    """Consume an e-mail verification token (single use, 24 h)."""
    await email.verify_email(session, token=body.token, client=client)
    return MessageOut(detail="E-mail address verified")


@router.post("/forgot-password", status_code=status.HTTP_202_ACCEPTED, response_model=MessageOut)
async def forgot_password(
    body: EmailIn,
    session: RequestSession,
    settings: SettingsDep,
    limiter: LimiterDep,
    mailer: MailerDep,
    client: Client,
    background: BackgroundTasks,
) -> MessageOut:
    """Send a reset link; the answer is the same whether or not the address exists."""
    mail = await email.forgot_password(session, settings, limiter, email=body.email, client=client)
    if mail is not None:
        background.add_task(send_quietly, mailer, mail)  # after the response: no timing oracle
    return MessageOut(detail=FORGOT_PASSWORD_REPLY)


@router.post("/reset-password", response_model=MessageOut)
async def reset_password(
    request: Request,
    body: ResetPasswordIn,
    session: RequestSession,
    redis: RedisDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    client: Client,
) -> MessageOut:
    """Set a new password with a reset token; every session of the user ends. Limited per IP."""
    await limiter.enforce(settings.reset_password_rate_limit_ip, "reset:ip", client.ip)
    ended = await email.reset_password(
        session, token=body.token, new_password=body.new_password, client=client
    )
    cache = principal_cache(request)
    after_commit(session, lambda: sessions_revoked(cache, redis, ended))
    return MessageOut(detail="Password changed; sign in again")


@router.post("/setup-2fa", response_model=TotpSetupOut)
async def setup_2fa(
    principal: CurrentPrincipal, session: RequestSession, settings: SettingsDep
) -> TotpSetupOut:
    """New TOTP secret (stored Fernet-encrypted, not yet enabled): otpauth URI and QR SVG."""
    result = await totp.setup(
        session, settings, user_id=principal.user_id, org_id=principal.tenant_org
    )
    return TotpSetupOut(otpauth_uri=result.otpauth_uri, qr_svg=result.qr_svg)


@router.post("/verify-2fa", response_model=RecoveryCodesOut)
async def verify_2fa(
    body: TotpCodeIn,
    principal: CurrentPrincipal,
    session: RequestSession,
    settings: SettingsDep,
    client: Client,
) -> RecoveryCodesOut:
    """Check the first code and enable TOTP; returns single-use recovery codes once."""
    codes = await totp.enable(
        session,
        settings,
        user_id=principal.user_id,
        org_id=principal.tenant_org,
        code=body.code,
        client=client,
    )
    return RecoveryCodesOut(recovery_codes=codes)


@router.post(
    "/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=InvitationRead,
)
async def invite(
    body: InvitationIn,
    session: TenantSession,
    settings: SettingsDep,
    client: Client,
    mailer: MailerDep,
    background: BackgroundTasks,
    principal: CurrentPrincipal,
    access: CurrentPlan,
    _: object = require_permission(Permission.MEMBER_INVITE),
) -> InvitationRead:
    """Org owners/admins invite by e-mail (roles admin, member, sa); the token is e-mailed."""
    invited = await registration.invite(
        session,
        settings,
        org_id=principal.tenant_org,
        inviter_id=principal.user_id,
        email=body.email,
        role=Role(body.role),
        access=access,
        client=client,
    )
    org = await get_org(session, principal.tenant_org)
    mail = email.invitation_mail(
        settings, invited.invitation.email, invited.token, org.name if org else "PIF AI"
    )
    background.add_task(send_quietly, mailer, mail)
    return InvitationRead.model_validate(invited.invitation)


@router.post("/invitations/accept", status_code=status.HTTP_201_CREATED, response_model=UserRead)
async def accept_invitation(
    body: AcceptInvitationIn, session: RequestSession, settings: SettingsDep, client: Client
) -> UserRead:
    """Create the invited account with the e-mailed token."""
    user = await registration.accept_invitation(
        session,
        token=body.token,
        password=body.password,
        full_name=body.full_name,
        enforcement=settings.plan_enforcement,
        client=client,
    )
    return UserRead.model_validate(user)
