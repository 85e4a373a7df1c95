"""What the routes share: the live objects of one running app."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from fastapi import Request

from extractor.pipeline import Pipeline
from extractor.service.runner import JobRunner
from extractor.service.settings import ServiceSettings
from extractor.service.store import Store


@dataclass
class Service:
    """The running app: one pipeline, one store, one runner; `not_ready` says why, if so."""

    settings: ServiceSettings
    pipeline: Pipeline
    store: Store
    runner: JobRunner
    interactive: asyncio.Semaphore
    not_ready: str = "provider check has not finished yet"


def service_of(request: Request) -> Service:
    service: Service = request.app.state.service
    return service
