"""Reads of the shared ingredient master: ranked search and lookup."""

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import Float, case, cast, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.ai.formula import normalize_key
from app.models import Ingredient

_CAS_LIKE = re.compile(r"^\d{2,7}-\d{2}-\d$")
_EC_LIKE = re.compile(r"^\d{3}-\d{3}-\d$")
FUZZY_THRESHOLD = 0.3


@dataclass(frozen=True)
class SearchHit:
    ingredient: Ingredient
    score: float
    matched_on: str


async def search_ingredients(
    session: AsyncSession, query: str, *, limit: int = 20
) -> list[SearchHit]:
    """INCI (exact, synonym, trigram), CAS, EC or Chinese name; best first."""
    raw = query.strip()
    key = normalize_key(raw)
    if not key:
        return []
    if _CAS_LIKE.match(raw):
        stmt = select(Ingredient, literal(1.0), literal("cas")).where(
            Ingredient.cas_numbers.contains([raw])
        )
    elif _EC_LIKE.match(raw):
        stmt = select(Ingredient, literal(1.0), literal("ec")).where(
            Ingredient.ec_numbers.contains([raw])
        )
    else:
        similarity = cast(func.similarity(Ingredient.inci_name_normalized, key), Float)
        score = case(
            (Ingredient.inci_name_normalized == key, 1.0),
            (Ingredient.synonyms.contains([key]), 0.95),
            (Ingredient.zh_name == raw, 0.95),
            (Ingredient.zh_name.startswith(raw), 0.9),
            else_=similarity,
        )
        matched = case(
            (Ingredient.inci_name_normalized == key, "inci"),
            (Ingredient.synonyms.contains([key]), "synonym"),
            (Ingredient.zh_name.startswith(raw), "zh_name"),
            else_="fuzzy",
        )
        stmt = select(Ingredient, score, matched).where(
            or_(
                Ingredient.inci_name_normalized.op("%")(key),  # trigram index
                Ingredient.inci_name_normalized.startswith(key),
                Ingredient.synonyms.contains([key]),
                Ingredient.zh_name.startswith(raw),
            )
        )
        stmt = stmt.order_by(score.desc(), Ingredient.inci_name_normalized)
    rows = await session.execute(stmt.limit(limit))
    return [SearchHit(ingredient=i, score=round(float(s), 4), matched_on=m) for i, s, m in rows]


async def get_ingredient(session: AsyncSession, ingredient_id: uuid.UUID) -> Ingredient | None:
    stmt = select(Ingredient).where(Ingredient.id == ingredient_id)
    return (await session.execute(stmt)).scalar_one_or_none()
