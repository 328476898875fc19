"""The provider the settings ask for: local by default, Anthropic when a key is configured."""

from app.ai.providers.base import AIProvider
from app.ai.providers.drafting import AnalogueProposer, SaDraftWriter, build_drafting
from app.ai.providers.router import build_provider
from app.ai.providers.tools import ToolBox
from app.core.config import Settings
from app.engines.formula import IngredientDictionary
from app.engines.formula.ocr import OcrLimits


def provider_for(
    settings: Settings,
    dictionary: IngredientDictionary,
    *,
    tools: ToolBox | None = None,
) -> AIProvider:
    key = settings.anthropic_api_key.get_secret_value() if settings.anthropic_api_key else None
    return build_provider(
        key,
        tools=tools,
        dictionary=dictionary,
        complex_model=settings.ai_complex_model,
        light_model=settings.ai_light_model,
        max_iterations=settings.ai_max_tool_iterations,
        base_url=settings.anthropic_base_url,
        fallback=settings.ai_fallback_to_local,
        ocr=ocr_limits(settings),
    )


def ocr_limits(settings: Settings) -> OcrLimits:
    """The OCR cost bounds the settings ask for."""
    return OcrLimits(
        max_pages=settings.ocr_max_pages,
        max_pixels=settings.ocr_max_pixels,
        dpi=settings.ocr_dpi,
        threads=settings.ocr_threads,
        enabled=settings.ocr_enabled,
    )


def drafting_for(settings: Settings) -> tuple[SaDraftWriter, AnalogueProposer]:
    """The SA-draft writer and the analogue proposer: local by default, Anthropic with a key."""
    key = settings.anthropic_api_key.get_secret_value() if settings.anthropic_api_key else None
    return build_drafting(
        key, model=settings.ai_complex_model, base_url=settings.anthropic_base_url
    )
