"""`tfda` MCP server: regulatory list look-ups, formula check, INCI names, PubChem identity."""

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from pydantic import Field, StringConstraints

from app.engines.regulatory import CheckReport
from app.mcp_servers import tools
from app.mcp_servers.common import (
    LOCAL_READ,
    REMOTE_READ,
    SERVER_VERSION,
    StrictCas,
    SubstanceName,
    add_check_restricted,
    guarded,
)
from app.mcp_servers.deps import ToolDeps
from app.mcp_servers.safety_tool import add_safety_assess
from app.mcp_servers.schemas import (
    FormulaIngredient,
    LookupResult,
    NormalizeResult,
    PubChemResult,
)
from app.schemas.product_description import ProductDescription

NAME = "pifai-tfda"
INSTRUCTIONS = (
    "Local mirror of the Taiwan TFDA and EU CosIng cosmetic ingredient lists plus the shared "
    "ingredient master. Answer only from tool results and cite the `citation` of every entry "
    "or finding you rely on. A `status` of 'unavailable' means no data was retrieved: say so, "
    "never fill in values."
)

CHECK_FORMULA = (
    "Check a cosmetic formula against the TW and EU regulatory lists. Returns one finding per "
    "problem - kind: prohibited | over_limit | not_on_positive_list | label_warning | "
    "disclosure | condition; severity: critical | high | medium | low | info - with the actual "
    "vs allowed concentration (%), jurisdiction, whether it is binding or advisory, the list "
    "reference and its citation, plus a summary (counts by severity; compliant = no binding "
    "critical/high finding, null when no list is loaded; lists_checked / lists_missing name the "
    "lists the check ran against). Prohibited substances are critical at any concentration; a "
    "disclosure finding is a labelling duty, not a concentration violation. An empty finding "
    "list means nothing on the loaded lists applies, not a safety conclusion."
)
LOOKUP = (
    "Search the shared ingredient master (CosIng inventory + curated starter dictionary) by "
    "INCI name, synonym, CAS number (e.g. '56-81-5'), EC number or Chinese name. Returns the "
    "best matches first with identifiers, functions, provenance and a match score."
)
INCI_NORMALIZE = (
    "Normalise a raw ingredient name as written on a supplier document (misspelt, trade "
    "spelling, 'Aqua/Water', bilingual '甘油 Glycerin') to its canonical INCI name. Returns the "
    "INCI name, the method (exact | synonym | fuzzy | none), a score 0-1 and its confidence "
    "band; confirm fuzzy or low-confidence matches."
)
PUBCHEM_QUERY = (
    "Identity and properties of a substance from PubChem (PUG REST/PUG View): CID, molecular "
    "formula, molecular weight, XLogP, SMILES, IUPAC name, GHS H-codes and reported acute "
    "toxicity values, each cited (e.g. 'PubChem CID 31236'). Give `cas` or `name` (at least one). "
    "status 'unavailable' means PubChem could not be reached: no values are returned and none "
    "may be assumed; 'no_data' means PubChem has no such compound."
)

ProductArg = Annotated[
    ProductDescription,
    Field(
        description="What the product is (closed vocabulary): form leave_on|rinse_off, areas "
        "(face, eye_area, lips, body, hands, feet, underarm, hair, scalp, nails, oral, "
        "intimate_external, nappy_area), kind (e.g. toothpaste, mouthwash, hair_dye), "
        "presentation (non_spray, pump_spray, propellant_spray, loose_powder), use "
        "(consumer, professional), population (general, children_under_3/6/10).",
        examples=[{"form": "leave_on", "areas": ["face"]}],
    ),
]


def build_server(deps: ToolDeps) -> MCPServer[Any]:
    """The `tfda` server with its tools bound to `deps`."""
    server: MCPServer[Any] = MCPServer(
        NAME,
        title="PIF AI regulatory mirror (TFDA / CosIng)",
        instructions=INSTRUCTIONS,
        version=SERVER_VERSION,
    )

    @server.tool(
        name="check_formula",
        title="Formula compliance check",
        description=CHECK_FORMULA,
        annotations=LOCAL_READ,
    )
    async def check_formula(
        ingredients: Annotated[
            list[FormulaIngredient],
            Field(min_length=1, max_length=2000, description="The formula's ingredients."),
        ],
        product: ProductArg,
        markets: Annotated[
            list[Literal["TW", "EU"]],
            Field(
                min_length=1,
                max_length=2,
                description='Target markets whose lists bind: ["TW"] (default), ["TW", "EU"] '
                'for a product also sold in the EU, ["EU"] for an export check. The other '
                "market's findings are advisories (spec 06 §6).",
            ),
        ] = ["TW"],  # noqa: B006 (pydantic copies defaults)
    ) -> CheckReport:
        return await tools.check_formula(deps, ingredients, product=product, markets=markets)

    add_check_restricted(server, deps)
    add_safety_assess(server, deps)

    @server.tool(
        name="lookup",
        title="Search the ingredient master",
        description=LOOKUP,
        annotations=LOCAL_READ,
    )
    async def lookup(
        query: Annotated[
            str,
            StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
            Field(description="INCI name, synonym, CAS, EC or Chinese name."),
        ],
        limit: Annotated[int, Field(ge=1, le=tools.LOOKUP_MAX, description="Maximum hits.")] = 10,
    ) -> LookupResult:
        return await guarded(tools.lookup(deps, query, limit=limit))

    @server.tool(
        name="inci_normalize",
        title="Normalise an INCI name",
        description=INCI_NORMALIZE,
        annotations=LOCAL_READ,
    )
    def inci_normalize(
        name: Annotated[
            str,
            StringConstraints(min_length=1, max_length=500),
            Field(description="Raw ingredient name, e.g. 'Glycerine' or 'Aqua/Water'."),
        ],
    ) -> NormalizeResult:
        return tools.inci_normalize(deps, name)

    @server.tool(
        name="pubchem_query",
        title="PubChem identity and properties",
        description=PUBCHEM_QUERY,
        annotations=REMOTE_READ,
    )
    async def pubchem_query(cas: StrictCas = None, name: SubstanceName = None) -> PubChemResult:
        return await guarded(tools.pubchem_query(deps, cas=cas, name=name))

    return server
