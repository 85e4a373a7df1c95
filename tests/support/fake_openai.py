"""A fault-injecting OpenAI-compatible endpoint, so failure handling is tested without a model.

It serves `GET /v1/models` and `POST /v1/chat/completions`. A normal answer is a valid tool call
whose arguments are generated from the forced tool's JSON schema, with strings taken from the
sentence in the prompt so that grounding can keep them. Faults follow a deterministic schedule:
`cycle` picks a fault by request counter (so a retry meets the next slot, as with a flaky
server), `poison` picks one by a substring of the prompt (so the same document always fails, as
with a request the server cannot handle). It is a raw ASGI app because dropping a connection
needs the transport, which frameworks hide.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from support.servers import ServerThread

JSON = dict[str, Any]
Send = Callable[[JSON], Awaitable[None]]
Receive = Callable[[], Awaitable[JSON]]


class Fault(StrEnum):
    OK = "ok"
    RATE_LIMIT = "rate_limit"  # 429 with Retry-After
    SERVER_ERROR = "server_error"  # 500
    UNAVAILABLE = "unavailable"  # 503
    DROP = "drop"  # socket closed without any response
    TIMEOUT = "timeout"  # answers only after the client's timeout
    MALFORMED = "malformed"  # 200 with a body that is not JSON
    TRUNCATED = "truncated"  # tool-call arguments cut in the middle
    SCHEMA_BREAK = "schema_break"  # arguments parse but violate the schema
    EMPTY_CHOICES = "empty_choices"  # 200 with `choices: []`
    BAD_REQUEST = "bad_request"  # 400: final, never worth a retry


INJECTION_MARKER = "Ignore the instructions above"
_LABELLED_LINE = re.compile(r"^(?:Sentence|Text):\s*(.*)$", re.MULTILINE)
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z0-9&-]*")


@dataclass
class FakeSettings:
    """How the fake behaves; `cycle` empty means every request is answered normally."""

    model: str = "fake"
    latency_s: float = 0.0
    cycle: tuple[Fault, ...] = ()
    poison: Mapping[str, Fault] = field(default_factory=dict)
    retry_after: str = "0.01"
    timeout_sleep_s: float = 2.0
    obey_injection: bool = True
    # The Batch API: a batch finishes on its `batch_polls`-th status poll (never while
    # `batch_hold`); the first `batch_expire` batches expire with their second half undone.
    batch_polls: int = 2
    batch_hold: bool = False
    batch_expire: int = 0


def prompt_word(prompt: str) -> str:
    """A capitalised word of the last labelled line: a name the sentence really contains."""
    lines = _LABELLED_LINE.findall(prompt)
    words = _CAPITALISED.findall(lines[-1]) if lines else []
    return words[0] if words else "Acme"


def _resolve(schema: JSON, defs: JSON) -> JSON:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return _resolve(defs[ref.rsplit("/", 1)[-1]], defs)
    return schema


def _first_type(schema: JSON) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        return next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


def value_for(schema: JSON, defs: JSON, word: str) -> Any:
    """A deterministic value that satisfies `schema`: first choices, minimal lists, the word."""
    schema = _resolve(schema, defs)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = [o for o in schema.get(key, []) if _resolve(o, defs).get("type") != "null"]
        if options:
            return value_for(options[0], defs, word)
    return _typed_value(schema, defs, word)


def _typed_value(schema: JSON, defs: JSON, word: str) -> Any:
    kind = _first_type(schema)
    if kind == "object" or "properties" in schema:
        return _object_value(schema, defs, word)
    if kind == "array":
        size = min(max(1, int(schema.get("minItems", 1))), int(schema.get("maxItems", 1)))
        return [value_for(schema.get("items", {}), defs, word) for _ in range(size)]
    if kind in ("integer", "number"):
        low = schema.get("minimum", 0)
        return int(low) if kind == "integer" else float(low)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return word


def _object_value(schema: JSON, defs: JSON, word: str) -> JSON:
    """All required properties; sibling choices from one enum differ (brand != partner)."""
    props: JSON = schema.get("properties", {})
    value: JSON = {}
    for name in schema.get("required", []):
        options = _resolve(props[name], defs).get("enum") or []
        unused = [o for o in options if o not in value.values()]
        value[name] = unused[0] if unused else value_for(props[name], defs, word)
    return value


def injected_arguments(prompt: str) -> JSON | None:
    """The JSON object an injected instruction asks for, as a model that obeys would answer."""
    at = prompt.find(INJECTION_MARKER)
    brace = prompt.find("{", at) if at >= 0 else -1
    if brace < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(prompt[brace:])
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _user_prompt(request: JSON) -> str:
    users = [m for m in request.get("messages", []) if m.get("role") == "user"]
    content = users[0].get("content") if users else ""
    return content if isinstance(content, str) else json.dumps(content)


def _forced_tool(request: JSON) -> JSON | None:
    tools = request.get("tools") or []
    return tools[0]["function"] if tools else None


def _completion(request: JSON, arguments: str, name: str | None) -> JSON:
    prompt = len(_user_prompt(request)) // 4
    return chat_completion(
        request, arguments, name, "chatcmpl-fake", prompt, max(1, len(arguments) // 4)
    )


def chat_completion(
    request: JSON, arguments: str, tool: str | None, response_id: str, prompt: int, completion: int
) -> JSON:
    """An OpenAI chat completion answering `request`: a call of `tool` with `arguments`, or, with
    no tool, `arguments` as the message content (shared by the fake and the oracle servers)."""
    message: JSON = {"role": "assistant", "content": None}
    if tool is None:
        message["content"] = arguments
    else:
        message["tool_calls"] = [
            {"id": "call_0", "type": "function", "function": {"name": tool, "arguments": arguments}}
        ]
    return {
        "id": response_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", response_id.removeprefix("chatcmpl-")),
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if tool else "stop"}
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


def _response_schema(request: JSON) -> tuple[JSON, str | None]:
    tool = _forced_tool(request)
    if tool is not None:
        return tool.get("parameters", {}), str(tool["name"])
    fmt = request.get("response_format") or {}
    return fmt.get("json_schema", {}).get("schema", {}), None


class FakeOpenAI:
    """The ASGI app; `counts` says how many requests of each kind it served."""

    def __init__(self, settings: FakeSettings | None = None) -> None:
        self.settings = settings or FakeSettings()
        self.counts: Counter[str] = Counter()
        self.authorizations: set[str] = set()
        self._served = 0
        self.batches = FakeBatches(self)

    @property
    def chat_requests(self) -> int:
        return sum(n for kind, n in self.counts.items() if kind != "models")

    async def __call__(self, scope: JSON, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.authorizations.add(headers.get("authorization", ""))
        path, method = scope["path"], scope["method"]
        if method == "GET" and path.endswith("/models"):
            self.counts["models"] += 1
            model = {"id": self.settings.model, "object": "model", "created": 0, "owned_by": "t"}
            await _respond(send, 200, {"object": "list", "data": [model]})
        elif "/files" in path or "/batches" in path:
            status, payload = self.batches.route(method, path, body, headers)
            if isinstance(payload, bytes):
                await _send_raw(send, status, payload)
            else:
                await _respond(send, status, payload)
        elif method == "POST" and path.endswith("/chat/completions"):
            await self._chat(json.loads(body or b"{}"), send)
        else:
            await _respond(send, 404, {"error": {"message": f"no route {method} {path}"}})

    def fault_for(self, prompt: str) -> Fault:
        """Poison by prompt content first, then the counter's slot in the cycle."""
        for marker, fault in self.settings.poison.items():
            if marker in prompt:
                return fault
        cycle = self.settings.cycle
        slot = self._served % len(cycle) if cycle else 0
        self._served += 1
        return cycle[slot] if cycle else Fault.OK

    async def _chat(self, request: JSON, send: Send) -> None:
        prompt = _user_prompt(request)
        fault = self.fault_for(prompt)
        injected = injected_arguments(prompt) if self.settings.obey_injection else None
        self.counts["injected" if injected and fault is Fault.OK else fault.value] += 1
        if self.settings.latency_s:  # counted on arrival: a request cut off by a kill counts
            await asyncio.sleep(self.settings.latency_s)
        if fault is Fault.DROP:
            _drop(send)
            return
        if fault is Fault.TIMEOUT:
            await asyncio.sleep(self.settings.timeout_sleep_s)
        status = _ERROR_STATUS.get(fault)
        if status is not None:
            headers = {"retry-after": self.settings.retry_after} if status == 429 else {}
            await _respond(send, status, {"error": {"message": fault.value}}, headers)
            return
        await self._answer(request, prompt, fault, injected, send)

    async def _answer(
        self, request: JSON, prompt: str, fault: Fault, injected: JSON | None, send: Send
    ) -> None:
        schema, name = _response_schema(request)
        value = injected or value_for(schema, schema.get("$defs", {}), prompt_word(prompt))
        if fault is Fault.SCHEMA_BREAK:
            value = {key: 12345 for key in schema.get("required", ["answer"])}
        arguments = json.dumps(value)
        if fault is Fault.TRUNCATED:
            arguments = arguments[: len(arguments) // 2]
        if fault is Fault.MALFORMED:
            await _send_raw(send, 200, b'{"id": "chatcmpl-broken", "choices": [{"mess')
            return
        completion = _completion(request, arguments, name)
        if fault is Fault.EMPTY_CHOICES:
            completion["choices"] = []
        await _respond(send, 200, completion)

    def batch_answer(self, request: JSON) -> tuple[int, JSON]:
        """One request of a batch, answered as `_answer` would (poison by content applies)."""
        prompt = _user_prompt(request)
        for marker, fault in self.settings.poison.items():
            if marker in prompt:
                status = _ERROR_STATUS.get(fault, 500)
                return status, {"error": {"message": fault.value}}
        injected = injected_arguments(prompt) if self.settings.obey_injection else None
        schema, name = _response_schema(request)
        value = injected or value_for(schema, schema.get("$defs", {}), prompt_word(prompt))
        return 200, _completion(request, json.dumps(value), name)


class FakeBatches:
    """`/v1/files` and `/v1/batches`: uploads, batch jobs polled to completion, results.

    `answered` counts every request a batch answered, by custom_id: what the run paid for.
    """

    def __init__(self, fake: FakeOpenAI) -> None:
        self.fake = fake
        self.files: dict[str, bytes] = {}
        self.jobs: dict[str, JSON] = {}
        self.answered: Counter[str] = Counter()
        self.expired = 0

    def route(self, method: str, path: str, body: bytes, headers: Mapping[str, str]) -> Any:
        parts = path.rstrip("/").split("/")
        if method == "POST" and parts[-1] == "files":
            return 200, self._upload(body, headers.get("content-type", ""))
        if method == "GET" and parts[-1] == "content" and parts[-2] in self.files:
            return 200, self.files[parts[-2]]
        if method == "POST" and parts[-1] == "batches":
            return 200, self._create(json.loads(body or b"{}"))
        if method == "GET" and parts[-2] == "batches" and parts[-1] in self.jobs:
            return 200, self._poll(self.jobs[parts[-1]])
        return 404, {"error": {"message": f"no route {method} {path}"}}

    def _file(self, content: bytes, purpose: str, name: str) -> JSON:
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = content
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": int(time.time()),
            "filename": name,
            "purpose": purpose,
            "status": "processed",
        }

    def _upload(self, body: bytes, content_type: str) -> JSON:
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        fields = {
            part.get_param("name", header="content-disposition"): part
            for part in message.iter_parts()
        }
        purpose = fields["purpose"].get_payload(decode=True).decode()
        upload = fields["file"]
        return self._file(upload.get_payload(decode=True), purpose, upload.get_filename() or "f")

    def _create(self, request: JSON) -> JSON:
        lines = self.files[request["input_file_id"]].decode().splitlines()
        job: JSON = {
            "id": f"batch_{len(self.jobs) + 1}",
            "object": "batch",
            "endpoint": request["endpoint"],
            "input_file_id": request["input_file_id"],
            "completion_window": request["completion_window"],
            "status": "validating",
            "created_at": int(time.time()),
            "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
            "polls": 0,
        }
        self.jobs[job["id"]] = job
        return _public(job)

    def _poll(self, job: JSON) -> JSON:
        job["polls"] += 1
        if job["status"] in ("validating", "in_progress") and not self.fake.settings.batch_hold:
            job["status"] = "in_progress"
            if job["polls"] >= self.fake.settings.batch_polls:
                self._finish(job)
        return _public(job)

    def _finish(self, job: JSON) -> None:
        lines = [json.loads(raw) for raw in self.files[job["input_file_id"]].decode().splitlines()]
        expire = self.expired < self.fake.settings.batch_expire
        self.expired += int(expire)
        done = lines[: len(lines) // 2] if expire else lines
        outputs, errors = [], []
        for n, line in enumerate(done):
            status, body = self.fake.batch_answer(line["body"])
            self.answered[line["custom_id"]] += 1
            response = {"status_code": status, "request_id": f"req_{n}", "body": body}
            outputs.append(
                {
                    "id": f"batch_req_{n}",
                    "custom_id": line["custom_id"],
                    "response": response,
                    "error": None,
                }
            )
        for n, line in enumerate(lines[len(done) :]):
            error = {"code": "batch_expired", "message": "not executed within the window"}
            errors.append(
                {
                    "id": f"batch_req_x{n}",
                    "custom_id": line["custom_id"],
                    "response": None,
                    "error": error,
                }
            )
        job["status"] = "expired" if expire else "completed"
        job["request_counts"] = {"total": len(lines), "completed": len(done), "failed": 0}
        for key, rows in (("output_file_id", outputs), ("error_file_id", errors)):
            if rows:
                content = "".join(json.dumps(r) + "\n" for r in rows).encode()
                job[key] = self._file(content, "batch_output", f"{key}.jsonl")["id"]


def _public(job: JSON) -> JSON:
    return {k: v for k, v in job.items() if k != "polls"}


_ERROR_STATUS = {
    Fault.RATE_LIMIT: 429,
    Fault.SERVER_ERROR: 500,
    Fault.UNAVAILABLE: 503,
    Fault.BAD_REQUEST: 400,
}


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _respond(send: Send, status: int, body: JSON, headers: Mapping[str, str] = {}) -> None:
    await _send_raw(send, status, json.dumps(body).encode(), headers)


async def _send_raw(send: Send, status: int, body: bytes, headers: Mapping[str, str] = {}) -> None:
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _drop(send: Send) -> None:
    """Closes the socket with no response; uvicorn's `send` is a method of the request cycle."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise RuntimeError("cannot reach the transport to drop the connection")
    cycle.disconnected = True  # type: ignore[union-attr]  # so uvicorn does not answer 500
    transport.abort()


@contextmanager
def serve_fake(settings: FakeSettings | None = None) -> Iterator[tuple[FakeOpenAI, str]]:
    """The fake on a free loopback port; yields it and its base URL (ending in /v1)."""
    fake = FakeOpenAI(settings)
    with ServerThread(fake, lifespan="off") as server:
        yield fake, f"{server.url}/v1"
