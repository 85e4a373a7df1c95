"""The endpoints. Extraction itself is `Pipeline.extract`, exactly as in the CLI batch.

`/v1/*` sits behind the optional bearer token; `/healthz` and `/readyz` stay open for probes.
A document-level failure is not an HTTP failure of the request: /v1/extract answers the same
PredictionLine the CLI writes, with status 502 when the model endpoint (or the replay cache)
failed and `error` says how.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from extractor.documents import Document, InputError
from extractor.service.inputs import (
    BatchRequest,
    ExtractRequest,
    default_id,
    duplicate_ids,
    from_request,
    parse_jsonl,
    to_document,
)
from extractor.service.limits import token_checker
from extractor.service.state import Service, service_of
from extractor.service.store import Progress
from extractor_schemas import SCHEMA_VERSION, ArticleRecord
from extractor_schemas.prediction import PredictionLine

NDJSON = "application/x-ndjson"
_NDJSON_TYPES = frozenset({NDJSON, "application/jsonl", "application/x-jsonlines"})
_PAGE = 200


class Problem(BaseModel):
    detail: str


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(BaseModel):
    detail: list[FieldError]


class JobStatus(BaseModel):
    id: str
    state: Literal["queued", "running", "done"]
    total: int
    done: int
    failed: int
    created: float

    @classmethod
    def of(cls, progress: Progress) -> JobStatus:
        return cls(
            id=progress.id,
            state=progress.state.value,
            total=progress.total,
            done=progress.done,
            failed=progress.failed,
            created=progress.created,
        )


class Readiness(BaseModel):
    ready: bool
    reason: str | None = None


_GUARDED: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or wrong bearer token."},
    413: {"model": Problem, "description": "Request body over the size limit."},
}
_BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The body could not be read (e.g. not UTF-8)."},
    422: {"model": ValidationProblem, "description": "Invalid field; `loc` names it."},
}


def invalid(loc: tuple[str | int, ...], message: str) -> RequestValidationError:
    """A 422 in FastAPI's own shape, naming the field, for checks pydantic cannot express."""
    return RequestValidationError([{"loc": loc, "msg": message, "type": "value_error"}])


def _document(service: Service, body: ExtractRequest) -> Document:
    item = to_document(
        body.id or default_id(body.text), "request", body.text, service.settings.max_text_chars
    )
    if isinstance(item, InputError):
        raise invalid(("body", "text"), item.message)
    return item


async def extract(body: ExtractRequest, request: Request, response: Response) -> PredictionLine:
    """One document, answered synchronously."""
    service = service_of(request)
    document = _document(service, body)
    async with service.interactive:
        line = await service.pipeline.extract(document)
    if line.error is not None:
        response.status_code = 500 if line.error.startswith("internal error") else 502
    return line


async def _batch_items(request: Request, max_chars: int) -> list[Document | InputError]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            parsed = BatchRequest.model_validate_json(await request.body())
        except ValidationError as exc:
            raise RequestValidationError(
                [
                    {"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"]}
                    for e in exc.errors(include_url=False)
                ]
            ) from None
        return from_request(parsed, max_chars)
    if kind in _NDJSON_TYPES:
        return parse_jsonl(await request.body(), max_chars)
    if kind == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=4)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise invalid(("body", "file"), "a multipart upload needs a 'file' part (JSONL)")
        return parse_jsonl(await upload.read(), max_chars)
    raise HTTPException(
        415,
        f"unsupported content type {kind or 'none'!r}: send "
        f"application/json, {NDJSON} or a multipart 'file'",
    )


async def submit_batch(request: Request, response: Response) -> JobStatus:
    """Stores every document before answering, so an accepted job survives any crash."""
    service = service_of(request)
    items = await _batch_items(request, service.settings.max_text_chars)
    if not items:
        raise invalid(("body",), "no documents: the upload has no non-blank line")
    repeated = duplicate_ids(items)
    if repeated:
        raise invalid(("body", "documents"), f"duplicate document ids: {repeated[:5]}")
    job_id = uuid.uuid4().hex
    fingerprint = service.pipeline.config.fingerprint()
    await asyncio.to_thread(service.store.create_job, job_id, items, fingerprint)
    service.runner.start(job_id)
    response.headers["Location"] = f"/v1/batches/{job_id}"
    return _status(service, job_id)


def _status(service: Service, job_id: str) -> JobStatus:
    progress = service.store.progress(job_id)
    if progress is None:
        raise HTTPException(404, f"no batch {job_id!r}")
    return JobStatus.of(progress)


async def batch_status(job_id: str, request: Request) -> JobStatus:
    """Progress: `done` counts finished documents, failed ones included."""
    return _status(service_of(request), job_id)


async def batch_results(job_id: str, request: Request) -> StreamingResponse:
    """Finished lines so far, in submission order; complete once the state is 'done'."""
    service = service_of(request)
    status = _status(service, job_id)
    return StreamingResponse(
        _stream(service, job_id), media_type=NDJSON, headers={"X-Job-State": status.state}
    )


async def _stream(service: Service, job_id: str) -> AsyncIterator[str]:
    after = -1
    while True:
        page = await asyncio.to_thread(service.store.results, job_id, after, _PAGE)
        for _, line in page:
            yield line + "\n"
        if len(page) < _PAGE:
            return
        after = page[-1][0]


async def record_schema() -> dict[str, Any]:
    """The JSON Schema of a record, as `extractor schema` prints it."""
    schema = ArticleRecord.model_json_schema()
    schema["$comment"] = f"extractor schema version {SCHEMA_VERSION}"
    return schema


async def healthz() -> dict[str, str]:
    """The process answers; says nothing about the model endpoint (see /readyz)."""
    return {"status": "ok"}


async def readyz(request: Request) -> JSONResponse:
    """200 once the provider's check passed (or the cache replays), 503 before."""
    service = service_of(request)
    if service.runner.ready.is_set():
        return JSONResponse(Readiness(ready=True).model_dump())
    return JSONResponse(
        Readiness(ready=False, reason=service.not_ready).model_dump(), status_code=503
    )


def v1_router(token: str | None) -> APIRouter:
    router = APIRouter(
        prefix="/v1", dependencies=[Depends(token_checker(token))], responses=_GUARDED
    )
    router.add_api_route(
        "/extract",
        extract,
        methods=["POST"],
        response_model=PredictionLine,
        responses=_BODY_ERRORS
        | {502: {"model": PredictionLine, "description": "The model endpoint failed; see error."}},
    )
    router.add_api_route(
        "/batches",
        submit_batch,
        methods=["POST"],
        status_code=202,
        response_model=JobStatus,
        openapi_extra=_BATCH_BODY,
        responses=_BODY_ERRORS | {415: {"model": Problem, "description": "Unknown body type."}},
    )
    router.add_api_route(
        "/batches/{job_id}",
        batch_status,
        methods=["GET"],
        response_model=JobStatus,
        responses={404: {"model": Problem}},
    )
    router.add_api_route(
        "/batches/{job_id}/results",
        batch_results,
        methods=["GET"],
        response_class=StreamingResponse,
        responses=_RESULTS_RESPONSES,
    )
    router.add_api_route("/schema", record_schema, methods=["GET"])
    return router


def probe_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route("/healthz", healthz, methods=["GET"])
    readiness: dict[int | str, dict[str, Any]] = {503: {"model": Readiness}}
    router.add_api_route(
        "/readyz", readyz, methods=["GET"], response_model=Readiness, responses=readiness
    )
    return router


_BATCH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/BatchRequest"}},
            NDJSON: {
                "schema": {"type": "string", "description": "One {id, text} object per line."}
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}
_RESULTS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "One PredictionLine per line.",
        "content": {NDJSON: {"schema": {"type": "string"}}},
    },
    404: {"model": Problem},
}
