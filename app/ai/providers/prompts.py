"""System prompts: the mandatory rules of spec 04 §6 plus one output contract per task.

Each task's system text is constant, so together with the (constant) tool definitions it forms
a cacheable prompt prefix.
"""

from __future__ import annotations

import json
from functools import cache

from pydantic import BaseModel

from app.ai.providers.base import NormalizedName
from app.ai.providers.tiers import Task
from app.engines.formula.models import FormulaExtractionResult
from app.engines.toxicology.rules import FORBIDDEN_PHRASES, NO_DATA_NOTE
from app.engines.toxicology.summary import STANDARD_ENDPOINTS, ToxicologySummary

RULES = f"""You are the data engine of PIF AI, a system that prepares Taiwan cosmetic Product
Information Files for a qualified safety assessor. Mandatory rules:
1. Answer only from the supplied documents and from tool results. Never use remembered values.
2. When an endpoint has no data, set its value to null with the note "{NO_DATA_NOTE}".
3. Cite every conclusion (PubChem CID, TFDA/EU list entry, SCCS opinion number, document row).
4. Every number you report (NOAEL, LD50, concentration limit) must appear verbatim in a tool
   result or the supplied data; otherwise leave it null.
5. Conservative tone. Never write phrases such as {", ".join(repr(p) for p in FORBIDDEN_PHRASES)}.
6. Use the tools when you need facts; when done, reply with one JSON object only (no prose, no
   code fences) that validates against the JSON schema below.
"""

TASKS: dict[Task, str] = {
    "extract_formulation": """Task: extract the cosmetic formula (PIF Item 3) from the document.
One row per ingredient: raw_name as printed, inci_name (canonical INCI; use inci_normalize),
cas (as printed, else from db_lookup_ingredient; null if unknown), concentration_pct (% w/w; for
"q.s."/"ad 100" the balance to 100 with flag "qs_balance"; ranges: the upper bound with flag
"range"), function, zh_name, sort_order by descending concentration, per-field confidence in
[0, 1] (lower it for hard-to-read cells), flags from the schema, notes (where the row was found).
warnings: total_out_of_range when the total is outside 100 ± 2 %. total_pct: the sum.""",
    "summarize_toxicology": f"""Task: write the toxicology summary of one cosmetic ingredient
from the supplied source results and tool results. risk_endpoints must contain at least
{", ".join(STANDARD_ENDPOINTS)}; each endpoint: value (number or null), unit, species, route,
rating (qualitative result), source (citation), note. risk_level: high for CMR category 1,
fatal acute toxicity or STOT category 1 hazard statements; medium for other health hazard
statements; low when data exist without them; unknown without data. confidence in [0, 1].""",
    "normalize_inci": """Task: give the canonical INCI name of the raw ingredient name. Use
inci_normalize and db_lookup_ingredient. If no INCI name can be established, inci_name is null
and confidence 0. method: "llm".""",
}

SCHEMAS: dict[Task, type[BaseModel]] = {
    "extract_formulation": FormulaExtractionResult,
    "summarize_toxicology": ToxicologySummary,
    "normalize_inci": NormalizedName,
}


@cache
def system_prompt(task: Task) -> str:
    """Rules + task + JSON schema of the expected answer (constant per task)."""
    schema = json.dumps(SCHEMAS[task].model_json_schema(), ensure_ascii=False, indent=None)
    return f"{RULES}\n{TASKS[task]}\n\nJSON schema of your answer:\n{schema}"
