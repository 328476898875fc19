"""Org-scoped queries for products. Every read filters on org_id (RLS is the second gate)."""

import uuid
from typing import Any, cast

from sqlalchemy import (
    Row,
    Select,
    SmallInteger,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import OrgId
from app.core.unit_of_work import driver_rows
from app.engines.pif import ITEM_NUMBERS
from app.models import PifDocument, PifVersion, Product, UploadedFile
from app.models.enums import PifStatus, VersionLabel
from app.schemas.products import ProductRead
from app.services import audit
from app.services.audit import ClientInfo

# the columns the list renders (ProductRead's fields), not whole ORM rows (issue 18); the stored
# description as jsonb's text (one canonical text per value: the page's cache key, no decoding)
LIST_COLUMNS = tuple(
    sql_cast(c, Text).label(c.name) if c.name == "description" else c
    for c in Product.__table__.c
    if c.name in ProductRead.model_fields
)
_ORDER = (Product.created_at.desc(), Product.id)
_DIALECT = pg_asyncpg.dialect()  # type: ignore[no-untyped-call]


def _page_sql(*, by_status: bool, by_search: bool) -> tuple[str, tuple[str, ...]]:
    """The page statement compiled once for the driver ($n placeholders), and its parameter
    names in placeholder order: built from the model, sent without the ORM (issue 18)."""
    conditions: list[Any] = [Product.org_id == bindparam("org_id"), Product.deleted_at.is_(None)]
    if by_status:
        conditions.append(Product.pif_status == bindparam("status"))
    if by_search:
        pattern: Any = bindparam("pattern")
        conditions.append(Product.name.ilike(pattern) | Product.name_en.ilike(pattern))
    stmt = (
        select(*LIST_COLUMNS, func.count().over().label("_total"))
        .where(*conditions)
        .order_by(*_ORDER)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    compiled = stmt.compile(dialect=_DIALECT)
    return str(compiled), tuple(compiled.positiontup or ())


_PAGES = {
    (by_status, by_search): _page_sql(by_status=by_status, by_search=by_search)
    for by_status in (False, True)
    for by_search in (False, True)
}


# A create as one statement built once (issue 18): the product row (RETURNING it), its 16 items
# (`missing`) and the V0 draft as data-modifying CTEs, and the `product.created` audit event
# appended in the same statement. One round trip for what took four, and no per-request
# statement building (the 16-row VALUES was compiled on every create). The server fills ids,
# statuses and timestamps as before; the inserted row is what the statement returns.
_PRODUCTS = cast(Table, Product.__table__)  # Core, not the ORM's bulk-insert path
_WRITTEN = ("org_id", "created_by", "description", "markets", "name", "name_en", "category",
            "dosage_form", "intended_use", "manufacturer_name", "manufacturer_address",
            "registration_id", "launch_date")  # fmt: skip
_NEW = (
    insert(_PRODUCTS)
    .values({name: bindparam(name, type_=_PRODUCTS.c[name].type) for name in _WRITTEN})
    .returning(*_PRODUCTS.c)
    .cte("new_product")
)
_ITEMS = (
    insert(cast(Table, PifDocument.__table__))
    .from_select(
        ["org_id", "product_id", "item_number"],
        select(
            _NEW.c.org_id,
            _NEW.c.id,
            func.unnest(literal(list(ITEM_NUMBERS), ARRAY(SmallInteger()))),
        ),
    )
    .cte("new_items")
)
_V0 = (
    insert(cast(Table, PifVersion.__table__))
    .from_select(
        ["org_id", "product_id", "version_label", "sequence", "items_snapshot", "created_by"],
        select(
            _NEW.c.org_id,
            _NEW.c.id,
            literal(VersionLabel.V0.value),
            literal(0),
            literal({}, JSONB()),
            _NEW.c.created_by,
        ),
    )
    .cte("new_v0")
)
_CREATE: Select[Any] = select(
    *_NEW.c,
    audit.append_call(
        "product.created",
        org_id=_NEW.c.org_id,
        user_id=_NEW.c.created_by,
        resource_type="product",
        resource_id=_NEW.c.id,
        details=func.jsonb_build_object("category", _NEW.c.category),
    ).label("audit_seq"),
).add_cte(_ITEMS, _V0)


async def insert_product(
    session: AsyncSession, values: dict[str, Any], *, client: ClientInfo | None = None
) -> Row[Any]:
    """Insert a product (`values`: every column of `_WRITTEN`) with its 16 items, V0 draft and
    audit event; returns the products row as inserted (attribute access by column name)."""
    params = {**values, **audit.client_params(client)}
    row: Row[Any] = (await session.execute(_CREATE, params)).one()
    return row


async def get_product_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId, *, for_update: bool = False
) -> Product | None:
    stmt = select(Product).where(
        Product.id == product_id, Product.org_id == org_id, Product.deleted_at.is_(None)
    )
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_products_for_org(
    session: AsyncSession,
    org_id: OrgId,
    *,
    limit: int,
    offset: int,
    status: PifStatus | None = None,
    search: str | None = None,
) -> tuple[list[Any], int]:
    """One page as driver rows of LIST_COLUMNS (`row["name"]`) and the total, in one query
    (`count(*) OVER ()`; a second count only for a page past the end)."""
    sql, names = _PAGES[(status is not None, bool(search))]
    params: dict[str, Any] = {"org_id": org_id, "limit": limit, "offset": offset}
    if status is not None:
        params["status"] = status.value
    if search:
        params["pattern"] = _contains_pattern(search)
    rows = await driver_rows(session, sql, *(params[name] for name in names))
    if rows:
        return rows, int(rows[0]["_total"])
    if offset == 0:
        return rows, 0
    count = select(func.count()).where(*_conditions(org_id, status, search))
    return rows, (await session.execute(count)).scalar_one()


def _conditions(org_id: OrgId, status: PifStatus | None, search: str | None) -> list[Any]:
    conditions: list[Any] = [Product.org_id == org_id, Product.deleted_at.is_(None)]
    if status is not None:
        conditions.append(Product.pif_status == status.value)
    if search:
        pattern = _contains_pattern(search)
        conditions.append(Product.name.ilike(pattern) | Product.name_en.ilike(pattern))
    return conditions


def _contains_pattern(search: str) -> str:
    """ILIKE pattern for "contains `search`", its wildcards escaped (backslash, PG's default)."""
    return "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def count_active_products(session: AsyncSession, org_id: OrgId) -> int:
    stmt = select(func.count()).where(Product.org_id == org_id, Product.deleted_at.is_(None))
    return (await session.execute(stmt)).scalar_one()


async def has_signed_version(session: AsyncSession, product_id: uuid.UUID, org_id: OrgId) -> bool:
    stmt = select(func.count()).where(
        PifVersion.product_id == product_id, PifVersion.org_id == org_id, PifVersion.is_signed
    )
    return (await session.execute(stmt)).scalar_one() > 0


async def delete_product_row(session: AsyncSession, product_id: uuid.UUID, org_id: OrgId) -> None:
    """Hard delete (drafts only); documents, versions and files go with it (ON DELETE CASCADE)."""
    await session.execute(delete(Product).where(Product.id == product_id, Product.org_id == org_id))


async def file_keys_for_product(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId
) -> list[str]:
    """Storage keys of every file of the product (the rows cascade with a hard delete; the
    blobs are dropped after commit). Read here, not through pif, which depends on products."""
    rows = await session.scalars(
        select(UploadedFile.storage_key).where(
            UploadedFile.product_id == product_id, UploadedFile.org_id == org_id
        )
    )
    return list(rows)
