"""Document state machine (spec 01 §4): the only place transitions are decided."""

from enum import StrEnum

from app.models.enums import DocumentStatus as S


class Actor(StrEnum):
    USER = "user"  # any org user (owner, admin, member, sa acting as operator)
    SA = "sa"  # a safety assessor acting as reviewer
    WORKER = "worker"  # background tasks / AI; can never approve


# (from, to) -> actors allowed. Baseline edges plus the proposed ones (01 §4, 08 B1) and
# uploaded -> human_reviewed so form items can be confirmed without an AI pass (docs/decisions.md).
EDGES: dict[tuple[S, S], frozenset[Actor]] = {
    (S.MISSING, S.UPLOADED): frozenset({Actor.USER, Actor.SA}),
    (S.UPLOADED, S.AI_PROCESSING): frozenset({Actor.USER, Actor.SA}),
    (S.AI_PROCESSING, S.AI_DRAFT_READY): frozenset({Actor.WORKER}),
    (S.AI_PROCESSING, S.UPLOADED): frozenset({Actor.WORKER}),
    (S.AI_DRAFT_READY, S.HUMAN_REVIEWED): frozenset({Actor.USER, Actor.SA}),
    (S.UPLOADED, S.HUMAN_REVIEWED): frozenset({Actor.USER, Actor.SA}),
    (S.HUMAN_REVIEWED, S.APPROVED): frozenset({Actor.SA}),
    (S.UPLOADED, S.UPLOADED): frozenset({Actor.USER, Actor.SA}),
    (S.AI_DRAFT_READY, S.UPLOADED): frozenset({Actor.USER, Actor.SA}),
    (S.HUMAN_REVIEWED, S.UPLOADED): frozenset({Actor.USER, Actor.SA}),
    (S.HUMAN_REVIEWED, S.AI_DRAFT_READY): frozenset({Actor.SA}),
    (S.APPROVED, S.HUMAN_REVIEWED): frozenset({Actor.USER, Actor.SA}),
}

# Targets only a safety assessor can set (approval, sending back for revision): each one is a
# signed-off decision and needs a fresh TOTP code (spec 07 §3, 08 E8).
SA_DECISIONS = frozenset(to for (_, to), actors in EDGES.items() if actors == {Actor.SA})


class IllegalTransition(Exception):
    def __init__(self, current: S, target: S, allowed: list[S]) -> None:
        super().__init__(f"cannot move from {current} to {target}")
        self.current, self.target, self.allowed = current, target, allowed


class ForbiddenTransition(Exception):
    """A legal edge, but not for this actor (e.g. approval by a non-SA or by the worker)."""

    def __init__(self, current: S, target: S, actor: Actor) -> None:
        super().__init__(f"{actor} may not move a document from {current} to {target}")
        self.current, self.target, self.actor = current, target, actor


def allowed_targets(current: S, actor: Actor | None = None) -> list[S]:
    return [
        to
        for (frm, to), actors in EDGES.items()
        if frm == current and (actor is None or actor in actors)
    ]


def check_transition(current: S, target: S, actor: Actor) -> None:
    """Raise unless `actor` may move a document from `current` to `target`."""
    actors = EDGES.get((current, target))
    if actors is None:
        raise IllegalTransition(current, target, allowed_targets(current))
    if actor not in actors:
        raise ForbiddenTransition(current, target, actor)
