"""Identity context: accounts, sessions, TOTP, Google sign-in, plans, org settings, admin.

Other contexts call only what is re-exported here.
"""

from app.services.identity.plans import PlanAccess, effective_plan, plan_access_for_org
from app.services.identity.totp import require_code as require_totp_code

__all__ = ["PlanAccess", "effective_plan", "plan_access_for_org", "require_totp_code"]
