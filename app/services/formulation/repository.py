"""Reads of the shared ingredient master: ranked search and lookup."""

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Float, cast, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import OrgId
from app.engines.substance import normalize_name
from app.models import Ingredient, ProductIngredient

_CAS_LIKE = re.compile(r"^\d{2,7}-\d{2}-\d$")
_EC_LIKE = re.compile(r"^\d{3}-\d{3}-\d$")


@dataclass(frozen=True)
class SearchHit:
    ingredient: Ingredient
    score: float
    matched_on: str


async def search_ingredients(
    session: AsyncSession, query: str, *, limit: int = 20
) -> list[SearchHit]:
    """INCI (exact, synonym, prefix, trigram), CAS, EC or Chinese name; best first.

    Each kind is its own index-backed query (an OR across them defeats the indexes).
    """
    raw = query.strip()
    key = normalize_name(raw)
    if not key:
        return []
    if _CAS_LIKE.match(raw):
        return await _hits(session, Ingredient.cas_numbers.contains([raw]), 1.0, "cas", limit)
    if _EC_LIKE.match(raw):
        return await _hits(session, Ingredient.ec_numbers.contains([raw]), 1.0, "ec", limit)
    found: dict[uuid.UUID, SearchHit] = {}

    def keep(hits: list[SearchHit]) -> None:
        for hit in hits:
            if hit.ingredient.id not in found or found[hit.ingredient.id].score < hit.score:
                found[hit.ingredient.id] = hit

    keep(await _hits(session, Ingredient.inci_name_normalized == key, 1.0, "inci", limit))
    keep(await _hits(session, Ingredient.synonyms.contains([key]), 0.95, "synonym", limit))
    if not raw.isascii():
        zh = Ingredient.zh_name.is_not(None) & Ingredient.zh_name.startswith(raw, autoescape=True)
        keep(await _hits(session, zh, 0.9, "zh_name", limit))
    similarity = cast(func.similarity(Ingredient.inci_name_normalized, key), Float)
    fuzzy = (
        select(Ingredient, similarity)
        .where(
            Ingredient.inci_name_normalized.bool_op("%")(key)  # trigram GIN index
            | Ingredient.inci_name_normalized.startswith(key, autoescape=True)
        )
        .order_by(similarity.desc())
        .limit(limit)
    )
    for ingredient, score in await session.execute(fuzzy):
        matched = "prefix" if ingredient.inci_name_normalized.startswith(key) else "fuzzy"
        keep([SearchHit(ingredient, round(float(score), 4), matched)])
    ranked = sorted(found.values(), key=lambda h: (-h.score, h.ingredient.inci_name_normalized))
    return ranked[:limit]


async def _hits(
    session: AsyncSession, condition: ColumnElement[bool], score: float, kind: str, limit: int
) -> list[SearchHit]:
    rows = await session.execute(select(Ingredient).where(condition).limit(limit))
    return [SearchHit(ingredient, score, kind) for ingredient in rows.scalars()]


async def get_ingredient(session: AsyncSession, ingredient_id: uuid.UUID) -> Ingredient | None:
    stmt = select(Ingredient).where(Ingredient.id == ingredient_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def confirmed_lines(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId
) -> list[ProductIngredient]:
    """A product's reviewed Item 3 rows, in declaration order."""
    rows = await session.execute(
        select(ProductIngredient)
        .where(ProductIngredient.product_id == product_id, ProductIngredient.org_id == org_id)
        .order_by(ProductIngredient.sort_order)
    )
    return list(rows.scalars())


async def delete_formula_lines_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId
) -> None:
    await session.execute(
        delete(ProductIngredient).where(
            ProductIngredient.product_id == product_id, ProductIngredient.org_id == org_id
        )
    )
