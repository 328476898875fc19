"""What formulation plugs into the PIF: a confirmed Item 3 becomes the product's formula lines."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import OrgId
from app.engines.pif import FORMULA_ITEM
from app.schemas.pif_items import Item3
from app.services import pif
from app.services.formulation.lines import replace_formula_lines


@pif.on_confirmed(FORMULA_ITEM)
async def item3_confirmed(
    session: AsyncSession, *, org_id: OrgId, product_id: uuid.UUID, data: dict[str, object]
) -> None:
    await replace_formula_lines(
        session, org_id=org_id, product_id=product_id, lines=Item3.model_validate(data).ingredients
    )
