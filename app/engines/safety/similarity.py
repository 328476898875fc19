"""RDKit Morgan fingerprints and Tanimoto similarity (radius and bits from the registry)."""

from functools import lru_cache

from rdkit import Chem, DataStructs, RDLogger
from rdkit.Chem import rdFingerprintGenerator
from rdkit.DataStructs import ExplicitBitVect

from app.engines.safety.registry import MORGAN_BITS, MORGAN_RADIUS

# unparsable SMILES are reported as None, not logged
RDLogger.DisableLog("rdApp.*")  # type: ignore[attr-defined]
_GENERATOR = rdFingerprintGenerator.GetMorganGenerator(radius=MORGAN_RADIUS, fpSize=MORGAN_BITS)


@lru_cache(maxsize=4096)
def fingerprint(smiles: str) -> ExplicitBitVect | None:
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    print_: ExplicitBitVect = _GENERATOR.GetFingerprint(mol)
    return print_


def tanimoto(a: str, b: str) -> float | None:
    fa, fb = fingerprint(a), fingerprint(b)
    if fa is None or fb is None:
        return None
    return float(DataStructs.TanimotoSimilarity(fa, fb))
