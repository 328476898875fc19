# syntax=docker/dockerfile:1
# Multi-stage image: dependencies resolved by uv from uv.lock, runtime without build tools, non-root.
# The same image runs the API (default command), the worker (`pifai worker`) and migrations
# (`pifai migrate`). Configuration comes only from the environment (see README, Configuration).

ARG PYTHON_IMAGE=python:3.12-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /app
# Dependencies first: this layer is reused until pyproject.toml / uv.lock change.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen --no-dev --no-install-project
COPY README.md alembic.ini ./
COPY migrations ./migrations
COPY app ./app
RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen --no-dev

FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 pifai \
    && useradd --system --uid 10001 --gid pifai --home-dir /app --shell /usr/sbin/nologin pifai \
    && mkdir -p /var/lib/pifai && chown pifai:pifai /var/lib/pifai
WORKDIR /app
COPY --from=build --chown=pifai:pifai /app /app
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    APP_ENV=production \
    DATA_DIR=/var/lib/pifai
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["pifai", "api", "--host", "0.0.0.0", "--port", "8000"]
