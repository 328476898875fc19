"""What signing and its pyHanko part (`pades.py`, loaded on first use) share: light imports only."""

import asyncio
import uuid
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

if TYPE_CHECKING:  # cryptography loads with signing itself, not with the app (issue 18)
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    SignerKey: TypeAlias = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

T = TypeVar("T")
SIGNATURE_FIELD = "PIF-SA-Signature"


@dataclass(frozen=True)
class SigningMaterial:
    certificate: "x509.Certificate"
    private_key: "SignerKey"
    chain: "tuple[x509.Certificate, ...]" = ()

    @property
    def certificate_pem(self) -> str:
        from cryptography.hazmat.primitives import serialization

        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()


@dataclass(frozen=True)
class SignatureFacts:
    """What the signature states about the signed snapshot (all in the signed bytes)."""

    sa_name: str
    qualification_ref: str | None
    signed_at: datetime
    signature_hash: str
    version_label: str
    snapshot_id: uuid.UUID

    @property
    def reason(self) -> str:
        return (
            f"PIF {self.version_label} signed by safety assessor {self.sa_name}; "
            f"qualification {self.qualification_ref or 'not on record'}; "
            f"signed at {self.signed_at.astimezone(UTC).isoformat()}; "
            f"snapshot {self.snapshot_id}; signature_hash={self.signature_hash}"
        )


def run_blocking(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run pyHanko's async API from sync code, also when the caller is inside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()
