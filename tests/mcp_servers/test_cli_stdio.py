"""`pifai mcp tfda` as a subprocess over stdio: the protocol stream carries nothing else."""

import os
import sys
from pathlib import Path

from mcp import Client, StdioServerParameters
from mcp.client.session import IncomingMessage

from app.core.config import Settings

REPO = Path(__file__).resolve().parents[2]


async def test_tfda_over_stdio_lists_tools_and_checks_a_formula(
    settings: Settings, reference_data: None
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": str(settings.database_url),
        "REDIS_URL": str(settings.redis_url),
        "APP_ENV": "test",
        "LOG_LEVEL": "INFO",
    }
    params = StdioServerParameters(
        command=sys.executable,
        args=["-c", "from app.cli import main; main()", "mcp", "tfda", "--no-pubchem"],
        env=env,
        cwd=REPO,
    )
    stray: list[Exception] = []

    async def on_message(message: IncomingMessage) -> None:
        if isinstance(message, Exception):  # a non-JSON-RPC line on the server's stdout
            stray.append(message)

    async with Client(params, mode="legacy", message_handler=on_message) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        result = await client.call_tool(
            "check_formula",
            {
                "product": {"form": "leave_on", "areas": ["face"]},
                "ingredients": [
                    {"inci": "Methoxyethanol", "cas": "109-86-4", "concentration": 0.01},
                    {"inci": "Phenoxyethanol", "cas": "122-99-6", "concentration": 1.2},
                ],
            },
        )

    assert names == {
        "check_formula",
        "check_restricted",
        "lookup",
        "inci_normalize",
        "pubchem_query",
        "safety_assess",
    }
    assert not result.is_error and isinstance(result.structured_content, dict)
    kinds = {(f["kind"], f["ingredient"]) for f in result.structured_content["findings"]}
    assert {("prohibited", "Methoxyethanol"), ("over_limit", "Phenoxyethanol")} <= kinds
    assert stray == []
