"""Anthropic provider: official SDK, tool-use loop with our tools, vision, prompt caching.

Every answer is a JSON object validated against the same Pydantic model as the local
provider's output and then passed through the same post-checks (``finalize_extraction``,
``finalize_name``, ``validate_summary``). Any failure raises :class:`ProviderOutputError`
carrying the usage already spent, so the caller can record the cost and fall back.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

import structlog
from pydantic import BaseModel

from app.ai.providers.base import (
    NormalizedName,
    ProviderOutputError,
    ProviderResult,
    ProviderUnavailableError,
    Usage,
)
from app.ai.providers.content import AnswerFormatError, document_blocks, parse_answer
from app.ai.providers.finalize import finalize_extraction, finalize_name
from app.ai.providers.pricing import DEFAULT_PRICES, ModelPrice, cost_usd
from app.ai.providers.prompts import SCHEMAS, system_prompt
from app.ai.providers.tiers import ModelRouter, Task
from app.ai.providers.tools import NoTools, ToolBox, ToolInputError, dump_tool_output
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.models import FormulaExtractionResult
from app.engines.toxicology.risk import at_least, risk_level
from app.engines.toxicology.summary import ToxicologySummary, source_status
from app.engines.toxicology.validate import (
    SummaryValidationError,
    apply_noael_ceiling,
    validate_summary,
)
from app.integrations.toxicology import SourceResult

if TYPE_CHECKING:
    # The anthropic SDK (>= 2.x) runs on httpx2, not httpx; plain httpx clients are rejected.
    import httpx2
    from anthropic.types import Message, MessageParam, TextBlockParam, ToolParam, ToolUseBlock

log = structlog.get_logger(__name__)
M = TypeVar("M", bound=BaseModel)
CACHE = {"type": "ephemeral"}
DEFAULT_MAX_ITERATIONS = 8


class AnthropicProvider:
    """Claude through ``anthropic.AsyncAnthropic``; used when ANTHROPIC_API_KEY is set."""

    name = "anthropic"

    def __init__(
        self,
        api_key: str,
        *,
        tools: ToolBox | None = None,
        dictionary: IngredientDictionary | None = None,
        router: ModelRouter | None = None,
        max_iterations: int = DEFAULT_MAX_ITERATIONS,
        prices: Mapping[str, ModelPrice] = DEFAULT_PRICES,
        http_client: httpx2.AsyncClient | None = None,
        base_url: str | None = None,
        max_retries: int = 2,
        timeout: float = 120.0,
    ) -> None:
        """Build the SDK client; ``http_client`` (httpx2) lets tests inject a MockTransport."""
        self.tools: ToolBox = tools if tools is not None else NoTools()
        self.dictionary = dictionary
        self.router = router or ModelRouter()
        self.max_iterations = max_iterations
        self.prices = prices
        import anthropic  # ~37 MiB resident: loaded only when a key is configured (issue 18)

        self.client = anthropic.AsyncAnthropic(
            api_key=api_key,
            base_url=base_url,
            http_client=http_client,
            max_retries=max_retries,
            timeout=timeout,
        )
        tool_params = [t.as_param() for t in self.tools.definitions]
        if tool_params:  # cache breakpoint on the last tool: tools + system form the cached prefix
            tool_params[-1]["cache_control"] = CACHE
        self._tools = cast("list[ToolParam]", tool_params)

    async def extract_formulation(
        self, file_bytes: bytes, filename: str, content_type: str = ""
    ) -> ProviderResult[FormulaExtractionResult]:
        """Extract Item 3 (vision or table text, plus tools); raises ProviderOutputError."""
        # reading the file into blocks and checking every row against the dictionary are CPU
        # work: in a thread, not on the loop the API may share (the local engine runs in the
        # extraction process, app/services/formulation/pool.py)
        content = await asyncio.to_thread(document_blocks, file_bytes, filename, content_type)
        content.append({"type": "text", "text": "Extract the formula as specified."})
        answer, usage, _ = await self._run("extract_formulation", content)
        result = self._parse(answer, FormulaExtractionResult, usage)
        final = await asyncio.to_thread(finalize_extraction, result, self.dictionary)
        return ProviderResult(final, usage, self.name)

    async def normalize_inci(self, raw: str) -> ProviderResult[NormalizedName]:
        """Canonical INCI name via the light model and the dictionary tools."""
        content = [{"type": "text", "text": f"Raw ingredient name: {json.dumps(raw)}"}]
        answer, usage, _ = await self._run("normalize_inci", content)
        name = self._parse(answer, NormalizedName, usage).model_copy(update={"method": "llm"})
        return ProviderResult(finalize_name(name, self.dictionary), usage, self.name)

    async def summarize_toxicology(
        self,
        ingredient: str,
        cas: str | None,
        results: list[SourceResult],
        regulatory: dict[str, Any],
    ) -> ProviderResult[ToxicologySummary]:
        """Synthesis by the complex model, checked against every fact it was given or fetched."""
        facts = {
            "ingredient": ingredient,
            "cas": cas,
            "source_results": [r.model_dump(mode="json", exclude={"fetched_at"}) for r in results],
            "regulatory": regulatory,
        }
        text = "Summarise the toxicology of this ingredient.\n" + json.dumps(
            facts, ensure_ascii=False, default=str
        )
        answer, usage, tool_outputs = await self._run(
            "summarize_toxicology", [{"type": "text", "text": text}]
        )
        summary = self._parse(answer, ToxicologySummary, usage)
        # Identity, regulatory status and source availability are our facts, never the model's;
        # the risk level is never below what the documented H-code rule gives for the sources.
        unavailable, status = source_status(results)
        summary = summary.model_copy(
            update={
                "risk_level": at_least(summary.risk_level, risk_level(results)),
                "ingredient": ingredient,
                "cas": cas,
                "regulatory": dict(regulatory),
                "sources_unavailable": unavailable,
                "source_status": status,
            }
        )
        try:
            validate_summary(summary, results, [regulatory, *tool_outputs])
        except SummaryValidationError as exc:
            log.warning("ai.summary_rejected", ingredient=ingredient, problems=exc.problems)
            raise ProviderOutputError(f"summary rejected: {exc}", usage) from exc
        summary, dropped = apply_noael_ceiling(summary)
        if dropped:
            log.info("ai.noael_discarded", ingredient=ingredient, endpoints=dropped)
        return ProviderResult(summary, usage, self.name)

    def _parse(self, answer: str, model: type[M], usage: list[Usage]) -> M:
        try:
            return parse_answer(answer, model)
        except AnswerFormatError as exc:
            raise ProviderOutputError(str(exc), usage) from exc

    async def _run(
        self, task: Task, content: list[dict[str, Any]]
    ) -> tuple[str, list[Usage], list[Any]]:
        """The bounded tool loop; returns the final text, usage per call and tool outputs."""
        import anthropic
        from anthropic.types import ToolUseBlock

        model = self.router.model_for(task)
        system = [{"type": "text", "text": system_prompt(task), "cache_control": CACHE}]
        messages: list[dict[str, Any]] = [{"role": "user", "content": content}]
        usage: list[Usage] = []
        outputs: list[Any] = []
        for _ in range(self.max_iterations):
            try:
                response = await self.client.messages.create(
                    model=model,
                    max_tokens=self.router.max_tokens_for(task),
                    system=cast("list[TextBlockParam]", system),
                    tools=self._tools or anthropic.omit,
                    messages=cast("list[MessageParam]", messages),
                )
            except anthropic.APIError as exc:
                reason = f"Anthropic API error: {type(exc).__name__}"
                raise ProviderUnavailableError(reason, usage) from exc
            usage.append(self._usage(response, task))
            if response.stop_reason == "tool_use":
                calls = [b for b in response.content if isinstance(b, ToolUseBlock)]
                messages.append({"role": "assistant", "content": response.content})
                blocks = await asyncio.gather(*(self._execute(c, outputs) for c in calls))
                messages.append({"role": "user", "content": list(blocks)})
                continue
            if response.stop_reason == "max_tokens":
                raise ProviderOutputError("answer truncated at max_tokens", usage)
            return "".join(b.text for b in response.content if b.type == "text"), usage, outputs
        raise ProviderOutputError(f"no answer within {self.max_iterations} model calls", usage)

    async def _execute(self, call: ToolUseBlock, outputs: list[Any]) -> dict[str, Any]:
        """Run one tool_use block with our tools; errors go back to the model as is_error."""
        block: dict[str, Any] = {"type": "tool_result", "tool_use_id": call.id}
        data = call.input if isinstance(call.input, dict) else {}
        try:
            output = await self.tools.call(call.name, data)
        except ToolInputError as exc:
            return {**block, "content": f"invalid input: {exc}", "is_error": True}
        except Exception as exc:  # a failing tool must not end the task; the model is told
            log.warning("ai.tool_failed", tool=call.name, error=f"{type(exc).__name__}: {exc}")
            return {**block, "content": f"tool failed: {type(exc).__name__}", "is_error": True}
        outputs.append(output)
        return {**block, "content": dump_tool_output(output)}

    def _usage(self, response: Message, task: Task) -> Usage:
        u = response.usage
        counts = {
            "input_tokens": u.input_tokens,
            "output_tokens": u.output_tokens,
            "cache_read_tokens": u.cache_read_input_tokens or 0,
            "cache_creation_tokens": u.cache_creation_input_tokens or 0,
        }
        cost = cost_usd(response.model, prices=self.prices, **counts)
        record = Usage(
            provider=self.name, model=response.model, operation=task, cost_usd=cost, **counts
        )
        log.info("ai.usage", **record.model_dump())
        return record


__all__ = ["SCHEMAS", "AnthropicProvider"]
