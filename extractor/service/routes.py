"""The endpoints. Extraction itself is `Pipeline.extract`, exactly as in the CLI batch.

`/v1/*` sits behind the optional bearer token; `/healthz` and `/readyz` stay open for probes.
A document-level failure is not an HTTP failure of the request: /v1/extract answers the same
PredictionLine the CLI writes, with status 502 when the model endpoint failed or the replay
cache has no answer, and 500 when this side failed (a corrupt or unwritable cassette, a bug);
`error` says how. A failure never answers 200.

Request bodies are parsed in a worker thread: reducing megabytes of HTML would otherwise stall
the event loop, and with it every other request and probe.
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
    """`stalled`: results cannot be stored now (see `error`); the job resumes by itself.
    `failed`: the job will not run again (e.g. made under another configuration; see `error`).
    """

    id: str
    state: Literal["queued", "running", "stalled", "done", "failed"]
    total: int
    done: int
    failed: int
    created: float
    error: str | None = None

    @classmethod
    def of(cls, progress: Progress, stalled: str | None = None) -> JobStatus:
        return cls(
            id=progress.id,
            state="stalled" if stalled is not None else progress.state.value,
            total=progress.total,
            done=progress.done,
            failed=progress.failed,
            created=progress.created,
            error=stalled if stalled is not None else progress.error,
        )


class Readiness(BaseModel):
    ready: bool
    reason: str | None = None


_GUARDED: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or wrong bearer token."},
    408: {"model": Problem, "description": "The body did not arrive in time."},
    413: {"model": Problem, "description": "Request body over the size limit."},
}
_STORAGE: dict[int | str, dict[str, Any]] = {
    503: {"model": Problem, "description": "The job database failed; `detail` says how."},
    507: {"model": Problem, "description": "The job database's disk is full."},
}
# The error types (the prefix of `PredictionLine.error`) that are the model endpoint's or the
# replay cache's to answer for: 502. Every other error (a corrupt cassette, a bug) is ours: 500.
_UPSTREAM_ERRORS = ("TransportError", "CacheMissError", "DocumentTooLong")
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


def error_status(error: str) -> int:
    """502 for the model endpoint's failures and replay misses, 500 for ours."""
    kind = error.split(":", 1)[0]
    return 502 if kind in _UPSTREAM_ERRORS else 500


async def extract(body: ExtractRequest, request: Request, response: Response) -> PredictionLine:
    """One document, answered synchronously; an error line is never a 200."""
    service = service_of(request)
    document = await asyncio.to_thread(_document, service, body)
    async with service.interactive:
        line = await service.pipeline.extract(document)
    if line.error is not None:
        response.status_code = error_status(line.error)
    return line


def _json_batch(body: bytes, max_chars: int) -> list[Document | InputError]:
    try:
        parsed = BatchRequest.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError(
            [
                {"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"]}
                for e in exc.errors(include_url=False)
            ]
        ) from None
    return from_request(parsed, max_chars)


async def _batch_items(request: Request, max_chars: int) -> list[Document | InputError]:
    """The body's documents, parsed off the event loop (see the module docstring)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        return await asyncio.to_thread(_json_batch, await request.body(), max_chars)
    if kind in _NDJSON_TYPES:
        return await asyncio.to_thread(parse_jsonl, await request.body(), max_chars)
    if kind == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=4)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise invalid(("body", "file"), "a multipart upload needs a 'file' part (JSONL)")
        return await asyncio.to_thread(parse_jsonl, await upload.read(), max_chars)
    raise HTTPException(
        415,
        f"unsupported content type {kind or 'none'!r}: send "
        f"application/json, {NDJSON} or a multipart 'file'",
    )


async def submit_batch(request: Request, response: Response) -> JobStatus:
    """Stores every document before answering, so an accepted job survives any crash.

    A job carries the fingerprint of the configuration it was submitted under. A service
    restarted under another configuration does not finish it: the job becomes `failed`, its
    error names both fingerprints, and the results it had are kept. When the database cannot
    store the job (a full disk), the answer is 507 (503 for other database failures) and
    nothing was accepted.
    """
    service = service_of(request)
    items = await _batch_items(request, service.settings.max_text_chars)
    if not items:
        raise invalid(("body",), "no documents: the upload has no non-blank line")
    repeated = duplicate_ids(items)
    if repeated:
        raise invalid(("body", "documents"), f"duplicate document ids: {repeated[:5]}")
    job_id = uuid.uuid4().hex
    await asyncio.to_thread(service.store.create_job, job_id, items, service.runner.fingerprint)
    service.runner.start(job_id)
    response.headers["Location"] = f"/v1/batches/{job_id}"
    return await _status(service, job_id)


async def _status(service: Service, job_id: str) -> JobStatus:
    """Read in a worker thread: the store's lock may be held by a large job being committed."""
    progress = await asyncio.to_thread(service.store.progress, job_id)
    if progress is None:
        raise HTTPException(404, f"no batch {job_id!r}")
    return JobStatus.of(progress, service.runner.stalled.get(job_id))


async def batch_status(job_id: str, request: Request) -> JobStatus:
    """Progress: `done` counts finished documents, failed ones included.

    `stalled` with `error` while results cannot be stored (it resumes when they can); `failed`
    with `error` for a job that will not run again, e.g. one submitted under a configuration
    the service no longer runs (the error names both fingerprints; resubmit to redo it).
    """
    return await _status(service_of(request), job_id)


async def batch_results(job_id: str, request: Request) -> StreamingResponse:
    """Finished lines so far, in submission order; complete once the state is 'done'."""
    service = service_of(request)
    status = await _status(service, job_id)
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


async def record_schema(request: Request) -> dict[str, Any]:
    """The JSON Schema of the served task's record, as `extractor schema --task` prints it."""
    return service_of(request).pipeline.task.json_schema()


async def healthz() -> dict[str, str]:
    """The process answers; says nothing about the model endpoint (see /readyz)."""
    return {"status": "ok"}


async def readyz(request: Request) -> JSONResponse:
    """200 once the provider's check passed (or the cache replays) and the database takes
    writes; 503 with the reason otherwise. After a failed write, each call probes again, so
    readiness returns as soon as the disk has space."""
    service = service_of(request)
    reason = service.not_ready if not service.runner.ready.is_set() else ""
    if not reason and service.store.write_error:
        await asyncio.to_thread(service.store.probe)
        reason = service.store.write_error
    if not reason:
        return JSONResponse(Readiness(ready=True).model_dump())
    return JSONResponse(Readiness(ready=False, reason=reason).model_dump(), status_code=503)


def v1_router(token: str | None, line: type[PredictionLine[Any]] = PredictionLine) -> APIRouter:
    """The API; `line` is the served task's PredictionLine, so /v1/extract's answer and the
    OpenAPI document describe that task's record."""
    router = APIRouter(
        prefix="/v1", dependencies=[Depends(token_checker(token))], responses=_GUARDED
    )
    router.add_api_route(
        "/extract",
        extract,
        methods=["POST"],
        response_model=line,
        responses=_BODY_ERRORS
        | {
            500: {"model": line, "description": "Failed here (e.g. corrupt cassette)."},
            502: {"model": line, "description": "The model endpoint failed; see error."},
        },
    )
    router.add_api_route(
        "/batches",
        submit_batch,
        methods=["POST"],
        status_code=202,
        response_model=JobStatus,
        openapi_extra=_BATCH_BODY,
        responses=_BODY_ERRORS
        | _STORAGE
        | {415: {"model": Problem, "description": "Unknown body type."}},
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
