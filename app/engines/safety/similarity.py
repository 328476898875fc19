"""RDKit Morgan fingerprints and Tanimoto similarity (radius and bits from the registry).

RDKit is imported on first use: most formulas never reach tier 1.5, and worker start-up (which
imports every job module) should not pay for it.
"""

from functools import cache, lru_cache
from typing import Any

from app.engines.safety.registry import MORGAN_BITS, MORGAN_RADIUS


@cache
def _rdkit() -> tuple[Any, Any, Any]:
    from rdkit import Chem, DataStructs, RDLogger
    from rdkit.Chem import rdFingerprintGenerator

    RDLogger.DisableLog("rdApp.*")  # type: ignore[attr-defined]  # bad SMILES -> None, not logs
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=MORGAN_RADIUS, fpSize=MORGAN_BITS)
    return Chem, DataStructs, generator


@lru_cache(maxsize=4096)
def fingerprint(smiles: str) -> Any:
    """Morgan bit vector, or None for an unparsable SMILES."""
    chem, _, generator = _rdkit()
    mol = chem.MolFromSmiles(smiles)
    return None if mol is None else generator.GetFingerprint(mol)


def tanimoto(a: str, b: str) -> float | None:
    fa, fb = fingerprint(a), fingerprint(b)
    if fa is None or fb is None:
        return None
    return float(_rdkit()[1].TanimotoSimilarity(fa, fb))
