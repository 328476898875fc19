"""Cramer classification for TTC screening (Cramer, Ford & Hall 1978), conservative subset.

Cramer GM, Ford RA, Hall RL (1978) Estimation of toxic hazard - a decision tree approach.
Food Cosmet. Toxicol. 16, 255-276. Question wording as in the Toxtree implementation
(IdeaConsult, toxTree.tree.cramer): Q2 "Contains functional groups associated with enhanced
toxicity", Q3 "Contains elements other than C,H,O,N,divalent S", Q4 "Elements not listed in Q3
occur only as a Na, K, Ca, Mg, N salt, sulphamate, sulphonate, sulphate, hydrochloride",
Q5 "Simply branched aliphatic hydrocarbon or a common carbohydrate".

No maintained Python package implements the tree (checked PyPI, 2026-12-01), so this module
walks only the questions above. A structure they do not settle ends in class III: the strictest
class, which is where spec 06 §2.1 puts an unknown or ambiguous class. The subset can therefore
only over-classify (a class I/II substance shown as III), never under-classify. Q1 (normal body
constituent) and the common-carbohydrate half of Q5 need curated lists and are answered "no".
"""

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

CramerClass = Literal["I", "II", "III"]

# Q2: aliphatic secondary amine, cyano, N-nitroso, diazo, triazeno, quaternary nitrogen
_Q2_SMARTS = {
    "aliphatic secondary amine": "[CX4][NX3;H1;!$(N-C=[O,S,N])][CX4]",
    "cyano": "[CX2]#[NX1]",
    "N-nitroso": "[#7]-[NX2]=[OX1]",
    "diazo": "[#6]=[N+]=[N-]",
    "azo / diazo": "[#6]-[NX2]=[NX2]-[#6]",
    "triazeno": "[#7]-[NX2]=[NX2]",
    "quaternary nitrogen": "[NX4+;!$([NH4+]);H0]",
}
_Q3_ALLOWED = frozenset({"C", "H", "O", "N", "S"})
_Q4_CATIONS = frozenset({"Na", "K", "Ca", "Mg"})
_SULFUR_ACID = "[SX4](=O)(=O)[OX2H1,OX1-]"  # sulphonate / sulphate / sulphamate


@dataclass(frozen=True, slots=True)
class CramerResult:
    cls: CramerClass
    path: tuple[str, ...]  # the questions asked and their answers, e.g. ("Q2 no", "Q3 no", ...)

    @property
    def label(self) -> str:
        return f"Cramer class {self.cls} ({'; '.join(self.path)})"


@cache
def _chem() -> Any:
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")  # type: ignore[attr-defined]  # bad SMILES -> None, not logs
    return Chem


@cache
def _patterns() -> tuple[dict[str, Any], Any, Any]:
    chem = _chem()
    q2 = {name: chem.MolFromSmarts(smarts) for name, smarts in _Q2_SMARTS.items()}
    return q2, chem.MolFromSmarts(_SULFUR_ACID), chem.MolFromSmarts("[Na+,K+,Ca+2,Mg+2,Cl-]")


def _acid_sulfurs(mol: Any) -> set[int]:
    return {match[0] for match in mol.GetSubstructMatches(_patterns()[1])}


def _q3_other_elements(mol: Any) -> bool:
    """Q3: any element outside C, H, O, N, or a sulphur that is not divalent."""
    return any(
        a.GetSymbol() not in _Q3_ALLOWED or (a.GetSymbol() == "S" and a.GetDegree() > 2)
        for a in mol.GetAtoms()
    )


def _q4_salts_only(mol: Any) -> bool:
    """Q4: every other element is a Na/K/Ca/Mg cation, a chloride counter-ion (hydrochloride)
    or the sulphur of a sulphonate/sulphate/sulphamate group."""
    acid_s = _acid_sulfurs(mol)
    for atom in mol.GetAtoms():
        symbol = atom.GetSymbol()
        if symbol in ("C", "H", "O", "N"):
            continue
        if symbol == "S" and (atom.GetDegree() <= 2 or atom.GetIdx() in acid_s):
            continue
        if symbol in _Q4_CATIONS and atom.GetDegree() == 0 and atom.GetFormalCharge() > 0:
            continue
        if symbol == "Cl" and atom.GetDegree() == 0 and atom.GetFormalCharge() == -1:
            continue
        return False
    return True


@lru_cache(maxsize=4096)
def cramer_class(smiles: str | None) -> CramerResult | None:
    """The class of a structure, or None when there is no parseable structure (caller: III)."""
    if not smiles or not smiles.strip():
        return None
    chem = _chem()
    mol = chem.MolFromSmiles(smiles.strip())
    if mol is None or mol.GetNumAtoms() == 0:
        return None
    q2, _, counter_ions = _patterns()
    path = ["Q1 no (body constituents not curated)"]
    for name, pattern in q2.items():
        if mol.HasSubstructMatch(pattern):
            return CramerResult("III", (*path, f"Q2 yes ({name})"))
    path.append("Q2 no")
    if _q3_other_elements(mol):
        if not _q4_salts_only(mol):
            return CramerResult("III", (*path, "Q3 yes", "Q4 no"))
        path += ["Q3 yes", "Q4 yes"]
    else:
        path.append("Q3 no")
    organic = chem.DeleteSubstructs(mol, counter_ions)
    symbols = {a.GetSymbol() for a in organic.GetAtoms()}
    # Every acyclic hydrocarbon counts as simply branched: Toxtree's own Q5 example,
    # CC#CC(C)(C)C, carries a tert-butyl group.
    if symbols == {"C"} and organic.GetRingInfo().NumRings() == 0:
        return CramerResult("I", (*path, "Q5 yes (acyclic aliphatic hydrocarbon)"))
    path.append("Q5 no")
    return CramerResult("III", (*path, "Q6-Q33 not implemented: conservative class III"))
