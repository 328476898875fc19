"""Identity test support: a real local SMTP server (aiosmtpd) and test-only probe routes."""

import re
import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from fastapi import APIRouter, FastAPI

from app.api.identity_deps import SaPrincipal, SaTotpPrincipal, get_mailer, require_plan_access
from app.services.identity.mailer import SmtpMailer
from app.services.identity.plans import PlanAccess


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"

    def to(self, address: str, *, timeout: float = 30.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = [m for m in self.messages if m["To"] == address]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def token_for(self, address: str) -> str:
        mails = self.to(address)
        assert mails, f"no mail to {address}"
        payload = mails[-1].get_payload(decode=True)
        assert isinstance(payload, bytes)
        body = payload.decode()
        match = re.search(r"Token: (\S+)", body)
        assert match
        return match.group(1)

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


@pytest.fixture(scope="session")
def smtp_server(app: FastAPI) -> Iterator[_Inbox]:
    """aiosmtpd on a free local port; the app sends through the real SMTP mailer."""
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's Controller cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    mailer = SmtpMailer(host="127.0.0.1", port=controller.port, sender="PIF AI <no-reply@test>")
    app.dependency_overrides[get_mailer] = lambda: mailer
    yield inbox
    app.dependency_overrides.pop(get_mailer, None)
    controller.stop()


@pytest.fixture
def inbox(smtp_server: _Inbox) -> _Inbox:
    smtp_server.clear()
    return smtp_server


@pytest.fixture(scope="session")
def probe_routes(app: FastAPI) -> str:
    """Test-only routes proving the SA and plan dependencies (later issues use them for real)."""
    prefix = "/__test__/identity"
    if not any(getattr(r, "path", "").startswith(prefix) for r in app.routes):
        router = APIRouter(prefix=prefix)

        @router.get("/sa-read")
        async def sa_read(principal: SaPrincipal) -> dict[str, str]:
            return {"user": str(principal.user_id)}

        @router.post("/sa-action")
        async def sa_action(principal: SaTotpPrincipal) -> dict[str, str]:
            return {"user": str(principal.user_id)}

        @router.get("/compliance")
        async def compliance(
            access: PlanAccess = require_plan_access("compliance_engine"),
        ) -> dict[str, str]:
            return {"plan": access.effective_plan}

        app.include_router(router)
    return prefix
