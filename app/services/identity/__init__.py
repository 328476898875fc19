"""Identity context: accounts, sessions, TOTP, Google sign-in, plans, org settings, admin.

Other contexts call only what is re-exported here.
"""

from app.services.identity.authz import authorize
from app.services.identity.mailer import Mail, Mailer, mailer_for, send_quietly
from app.services.identity.plans import (
    PlanAccess,
    effective_plan,
    plan_access_for_org,
    require_feature,
    require_limit,
)
from app.services.identity.totp import require_code as require_totp_code

__all__ = [
    "Mail",
    "Mailer",
    "PlanAccess",
    "authorize",
    "effective_plan",
    "mailer_for",
    "plan_access_for_org",
    "require_feature",
    "require_limit",
    "require_totp_code",
    "send_quietly",
]
