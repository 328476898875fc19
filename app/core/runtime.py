"""Resolve where PostgreSQL and Redis live: external URLs, or the embedded default."""

from app.core import embedded
from app.core.config import Settings


def resolve_servers(settings: Settings) -> Settings:
    """Return settings whose database_url and redis_url are set, starting embedded servers."""
    updates: dict[str, object] = {}
    if not settings.database_url:
        updates["database_url"] = embedded.start_postgres(settings.data_dir)
    if not settings.redis_url:
        updates["redis_url"] = embedded.start_redis(settings.data_dir)
    if not updates:
        return settings
    return settings.model_copy(update=updates)
