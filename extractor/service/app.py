"""The app factory: routes, guards, and the start-up that resumes jobs and checks the provider.

The pipeline is built before the app (by the CLI, from the same RunConfig as `extractor
extract`), so a bad provider configuration stops `serve` at once instead of failing requests.
The store is opened in the lifespan, so one process holds the database only while it serves.
A database failure during a request is a JSON problem: 507 for a full disk, 503 otherwise.
Guards, outermost first: CORS (if configured), body deadlines, bearer auth, body size.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic.json_schema import models_json_schema

from extractor.config import CacheMode, RunConfig
from extractor.pipeline import Pipeline
from extractor.providers.base import redact
from extractor.service.inputs import BatchRequest
from extractor.service.limits import BearerAuth, BodyDeadline, BodyLimit
from extractor.service.routes import probe_router, v1_router
from extractor.service.runner import JobRunner
from extractor.service.settings import ServiceSettings, token_from_env
from extractor.service.state import Service
from extractor.service.store import Store, StoreError
from extractor_schemas.prediction import line_type

log = logging.getLogger("extractor.service")
# Paths any client may read without the token: the probes and the API's own description.
OPEN_PATHS = frozenset({"/healthz", "/readyz", "/openapi.json", "/docs", "/redoc"})


def create_app(
    config: RunConfig,
    store_path: Path,
    pipeline: Pipeline | None = None,
    *,
    settings: ServiceSettings | None = None,
) -> FastAPI:
    settings = settings or ServiceSettings(api_token=token_from_env())
    pipeline = pipeline or Pipeline.from_config(config)
    app = FastAPI(
        title="extractor",
        version="1",
        description="Grounded structured extraction from news articles.",
        lifespan=_lifespan(pipeline, store_path, settings),
    )
    app.include_router(v1_router(settings.api_token, line_type(pipeline.task.root)))
    app.include_router(probe_router())
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StoreError, _store_error)
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    app.add_middleware(
        BearerAuth,
        token=settings.api_token,
        open_paths=OPEN_PATHS,
        drain_limit=settings.max_request_bytes,
    )
    app.add_middleware(
        BodyDeadline, idle_s=settings.body_idle_timeout_s, total_s=settings.body_timeout_s
    )
    if settings.cors_origins:  # closed unless asked: no CORS headers at all by default
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    return app


def _lifespan(
    pipeline: Pipeline, store_path: Path, settings: ServiceSettings
) -> Callable[[FastAPI], Any]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store(store_path)
        runner = JobRunner(pipeline, store, settings.store_retry_s)
        service = Service(
            settings, pipeline, store, runner, asyncio.Semaphore(pipeline.config.concurrency)
        )
        app.state.service = service
        checking = asyncio.create_task(_become_ready(service), name="readiness")
        resumed = runner.resume_all()
        if resumed:
            log.info("resuming %d unfinished batch job(s)", len(resumed))
        try:
            yield
        finally:
            checking.cancel()
            await runner.stop()
            store.close()

    return lifespan


async def _become_ready(service: Service) -> None:
    """Ready at once when replaying; otherwise when the provider's check passes (retried)."""
    config = service.pipeline.config
    while config.cache.mode is not CacheMode.REPLAY:
        try:
            await service.pipeline.provider.check()
        except Exception as exc:  # any failure only delays readiness; the reason is shown
            # /readyz is unauthenticated: the endpoint is shown without its credentials
            service.not_ready = redact(f"provider check failed: {exc}")
            log.warning("not ready: %s", service.not_ready)
            await asyncio.sleep(service.settings.readiness_retry_s)
        else:
            break
    service.not_ready = ""
    service.runner.ready.set()


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 without the `input` echo: it could be 10 MB, or a secret sent by mistake."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = [
        {
            "loc": list(e.get("loc", ())),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "value_error")),
        }
        for e in errors
    ]
    return JSONResponse({"detail": detail}, status_code=422)


async def _store_error(request: Request, exc: Exception) -> JSONResponse:
    """The database failed: 507 when its disk is full (retry later), 503 for anything else."""
    detail = str(exc)
    status = 507 if "full" in detail else 503
    log.error("%s %s: %s", request.method, request.url.path, detail)
    return JSONResponse({"detail": detail}, status_code=status, headers={"Retry-After": "5"})


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's document plus the batch body schema, which the route parses by hand."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            _, defs = models_json_schema(
                [(BatchRequest, "validation")], ref_template="#/components/schemas/{model}"
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).update(defs["$defs"])
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi
