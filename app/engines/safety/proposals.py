"""AI proposals for lines without a number (spec 06: the LLM may only propose candidates).

A proposal names an analogue; the engine accepts it only when the analogue is a cited anchor
with a structure and its Morgan/Tanimoto similarity to the line reaches the registry
threshold. Accepted or not, a proposal is a draft for the SA: it never sets a verdict.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from app.engines.safety.models import Anchor
from app.engines.safety.registry import READ_ACROSS_AF, TANIMOTO_THRESHOLD
from app.engines.safety.similarity import tanimoto

DRAFT_STATUS = "proposed — the SA confirms or rejects"


@dataclass(frozen=True, slots=True)
class ProposalLine:
    line_id: str
    inci: str
    cas: str | None
    smiles: str | None


@dataclass(frozen=True, slots=True)
class AnalogueProposal:
    line_id: str
    analogue_cas: str
    rationale: str
    proposer: str  # "local" / "anthropic"


@dataclass(frozen=True, slots=True)
class ValidatedProposal:
    line_id: str
    analogue_cas: str
    analogue: str | None
    proposer: str
    rationale: str
    accepted: bool
    reason: str
    tanimoto: float | None = None
    candidate_value: float | None = None  # anchor NOAEL ÷ AF, shown only when accepted
    citation: str | None = None
    status: str = DRAFT_STATUS


def rank_analogues(
    lines: Sequence[ProposalLine], anchors: Sequence[Anchor], *, proposer: str = "local"
) -> list[AnalogueProposal]:
    """The deterministic proposer: for each line with a SMILES, its most similar anchor."""
    out: list[AnalogueProposal] = []
    for line in lines:
        if not line.smiles:
            continue
        scored = [
            (sim, a)
            for a in anchors
            if a.smiles and a.cas and a.cas != line.cas
            if (sim := tanimoto(line.smiles, a.smiles)) is not None
        ]
        if not scored:
            continue
        sim, best = max(scored, key=lambda t: (t[0], -t[1].noael))
        out.append(
            AnalogueProposal(
                line.line_id, best.cas or "", f"most similar cited anchor (Tanimoto {sim:.2f})",
                proposer,
            )
        )  # fmt: skip
    return out


def _refused(
    p: AnalogueProposal, anchor: Anchor | None, reason: str, sim: float | None = None
) -> ValidatedProposal:
    name = anchor.name if anchor else None
    return ValidatedProposal(
        p.line_id, p.analogue_cas, name, p.proposer, p.rationale, False, reason, sim
    )


def validate_proposals(
    lines: Sequence[ProposalLine],
    anchors: Sequence[Anchor],
    proposals: Sequence[AnalogueProposal],
) -> list[ValidatedProposal]:
    """Each proposal checked against the cited anchors and the similarity threshold."""
    by_line = {ln.line_id: ln for ln in lines}
    out: list[ValidatedProposal] = []
    for p in proposals:
        line = by_line.get(p.line_id)
        anchor = next((a for a in anchors if a.cas and a.cas == p.analogue_cas), None)

        if line is None:
            continue
        if anchor is None:
            out.append(
                _refused(p, anchor, "not a cited anchor: no NOAEL with a source to read across")
            )
            continue
        if not line.smiles or not anchor.smiles:
            out.append(_refused(p, anchor, "no structure to compare (SMILES missing)"))
            continue
        sim = tanimoto(line.smiles, anchor.smiles)
        if sim is None:
            out.append(_refused(p, anchor, "unparsable structure"))
            continue
        if sim < TANIMOTO_THRESHOLD:
            out.append(_refused(p, anchor, f"Tanimoto {sim:.2f} < {TANIMOTO_THRESHOLD:.2f}", sim))
            continue
        out.append(
            ValidatedProposal(
                p.line_id, p.analogue_cas, anchor.name, p.proposer, p.rationale, True,
                f"cited anchor, Tanimoto {sim:.2f} ≥ {TANIMOTO_THRESHOLD:.2f}", sim,
                anchor.noael / READ_ACROSS_AF, anchor.citation,
            )
        )  # fmt: skip
    return out
