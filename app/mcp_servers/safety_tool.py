"""MCP `safety_assess`: the Item 10 engine behind GET /products/{id}/safety, for a formula."""

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from app.mcp_servers.common import LOCAL_READ
from app.mcp_servers.deps import ToolDeps
from app.mcp_servers.schemas import FormulaIngredient
from app.schemas.product_description import ProductDescription
from app.schemas.safety import SafetyRead
from app.services.toxicology.safety import FormulaInput, assess_lines, serialize

SAFETY_ASSESS = (
    "Safety assessment (PIF Item 10) of a cosmetic formula: per line a verdict (prohibited | "
    "non_compliant | insufficient_margin | review | data_gap | acceptable), the basis label "
    "(NOAEL with its source, method label, or 'Statutorily prohibited - NOAEL not required'), "
    "SED and MoS (SCCS/1647/22 exposure, DAp, NOAEL) and review points, plus the product "
    "decision. Deterministic and local (no toxicology source is queried here, so most lines "
    "without a curated value end as data_gap). Never present a data_gap or review line as safe."
)


async def safety_assess(
    deps: ToolDeps,
    ingredients: list[FormulaIngredient],
    description: ProductDescription | None,
) -> SafetyRead:
    lines = [
        FormulaInput(
            line_id=str(i),
            inci=item.inci,
            cas=item.cas,
            concentration_pct=item.concentration,
            function=item.function,
        )
        for i, item in enumerate(ingredients)
    ]
    async with deps.session() as session:
        result = await assess_lines(session, deps.checker_cache, description, lines)
    return SafetyRead.model_validate(serialize(result, None))


def add_safety_assess(server: MCPServer[Any], deps: ToolDeps) -> None:
    @server.tool(
        name="safety_assess",
        title="Safety assessment (Item 10)",
        description=SAFETY_ASSESS,
        annotations=LOCAL_READ,
    )
    async def safety_assess_tool(
        ingredients: Annotated[
            list[FormulaIngredient],
            Field(min_length=1, max_length=2000, description="The formula's ingredients."),
        ],
        description: Annotated[
            ProductDescription | None,
            Field(description="Product description; null = unknown (whole-body exposure)."),
        ] = None,
    ) -> SafetyRead:
        return await safety_assess(deps, ingredients, description)
