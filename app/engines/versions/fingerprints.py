"""Formula, process and packaging fingerprints (spec 05 §3.1).

Formula and packaging are sets (row order does not matter); process steps keep their order.
Each fingerprint is the SHA-256 hex of its canonical lines joined by "\\n".
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from app.engines.versions.canonical import canonical_decimal, canonical_text, sha256_hex


@dataclass(frozen=True)
class FormulaLineKey:
    """A line's identity: the ingredient master id, else its normalised name as written."""

    ingredient_id: str | None
    raw_name: str
    concentration_pct: Decimal | float | str | None

    def canonical(self) -> str:
        identity = (
            f"id:{self.ingredient_id}"
            if self.ingredient_id
            else f"name:{canonical_text(self.raw_name).casefold()}"
        )
        amount = canonical_decimal(self.concentration_pct)
        return f"{identity}\t{'null' if amount is None else amount}"


@dataclass(frozen=True)
class ProcessKey:
    stage: str
    step: str

    def canonical(self) -> str:
        return f"{canonical_text(self.stage)}\t{canonical_text(self.step)}"


@dataclass(frozen=True)
class PackagingKey:
    component: str
    material: str
    spec: str | None

    def canonical(self) -> str:
        parts = (self.component, self.material, self.spec or "")
        return "\t".join(canonical_text(p) for p in parts)


@dataclass(frozen=True)
class Fingerprints:
    formula_fingerprint: str
    process_fingerprint: str
    packaging_fingerprint: str

    def as_dict(self) -> dict[str, str]:
        return {
            "formula_fingerprint": self.formula_fingerprint,
            "process_fingerprint": self.process_fingerprint,
            "packaging_fingerprint": self.packaging_fingerprint,
        }


def _digest(lines: Iterable[str]) -> str:
    return sha256_hex("\n".join(lines).encode("utf-8"))


def formula_fingerprint(lines: Iterable[FormulaLineKey]) -> str:
    return _digest(sorted(line.canonical() for line in lines))


def process_fingerprint(steps: Iterable[ProcessKey]) -> str:
    return _digest(step.canonical() for step in steps)


def packaging_fingerprint(components: Iterable[PackagingKey]) -> str:
    return _digest(sorted(c.canonical() for c in components))


def fingerprints(
    formula: Iterable[FormulaLineKey],
    process: Iterable[ProcessKey],
    packaging: Iterable[PackagingKey],
) -> Fingerprints:
    return Fingerprints(
        formula_fingerprint(formula), process_fingerprint(process), packaging_fingerprint(packaging)
    )
