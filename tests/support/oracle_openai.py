"""Oracle endpoints: OpenAI chat servers that answer every request from the gold.

The oracle reads the article in a request's first user message, finds the gold document whose
items' evidence occurs in it, and answers with exactly those items, shaped to the request's own
JSON schema (the forced tool's parameters, or the response format's schema), so fields the
schema does not ask for (span, grounding, doc_id) are left out as a model would leave them.
A perfect model's answer, then: what the pipeline loses of it is the pipeline's own loss.

The noisy oracle gives the same answer plus what capable models really do wrong: companies
whose names are not in the text, a figure whose evidence is not in the text, one-letter
misspellings of real names, a partnership whose company is not listed, and on the first try of
each article JSON cut off in the middle. It stays stubborn on re-asks, so what the pipeline keeps
depends on its own checks, not on the model mending its answer.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support.fake_openai import chat_completion
from support.servers import ServerThread

JSON = dict[str, Any]
Send = Callable[[JSON], Awaitable[None]]
Receive = Callable[[], Awaitable[JSON]]
INVENTED_COMPANIES = ("Zentrix Holdings", "Quorvex Industries")
INVENTED_EVIDENCE = "Vendel Mobile reported record profits of ₹999 crore in the quarter"


def misspell(name: str) -> str:
    """One letter doubled inside the first long word: 'Dixon' becomes 'Dixxon'."""
    words = name.split()
    for i, word in enumerate(words):
        if len(word) >= 5 and word.isalpha():
            words[i] = word[:2] + word[2] + word[2:]
            return " ".join(words)
    return name


@dataclass
class OracleSettings:
    gold_dir: Path
    model: str = "oracle"
    noisy: bool = False
    count_tokens: Callable[[str], int] = field(default=lambda text: max(1, len(text) // 4))


def _resolve(schema: JSON, defs: JSON) -> JSON:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return _resolve(defs[ref.rsplit("/", 1)[-1]], defs)
    for key in ("anyOf", "oneOf"):
        options = [_resolve(o, defs) for o in schema.get(key, [])]
        typed = [o for o in options if o.get("type") != "null"]
        if typed:
            return typed[0]
    return schema


def shape(value: Any, schema: JSON, defs: JSON) -> Any:
    """Value with only the properties the schema names, recursively."""
    schema = _resolve(schema, defs)
    if isinstance(value, dict) and "properties" in schema:
        props: JSON = schema["properties"]
        return {k: shape(v, props[k], defs) for k, v in value.items() if k in props}
    if isinstance(value, list) and "items" in schema:
        return [shape(v, schema["items"], defs) for v in value]
    return value


def _is_item_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) and "evidence" in i for i in value)


def _messages_text(request: JSON) -> tuple[str, str]:
    """The article (first user message) and everything sent, for matching and for counting."""
    messages = request.get("messages", [])
    users = [m for m in messages if m.get("role") == "user"]
    article = users[0].get("content", "") if users else ""
    everything = json.dumps(
        [messages, request.get("tools"), request.get("response_format")], ensure_ascii=False
    )
    return (article if isinstance(article, str) else json.dumps(article)), everything


def _response_schema(request: JSON) -> tuple[JSON, str | None]:
    tools = request.get("tools") or []
    if tools:
        function = tools[0]["function"]
        return function.get("parameters", {}), str(function["name"])
    fmt = request.get("response_format") or {}
    return fmt.get("json_schema", {}).get("schema", {}), None


class Oracle:
    """The ASGI app; `counts` tallies requests by kind ('chat', 'reask', 'truncated', ...)."""

    def __init__(self, settings: OracleSettings) -> None:
        self.settings = settings
        self.gold = {
            path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(settings.gold_dir.glob("*.json"))
        }
        self.counts: Counter[str] = Counter()
        self.tokens: Counter[str] = Counter()
        self._seen: set[str] = set()

    def answer_for(self, article: str) -> JSON:
        """The gold items whose evidence occurs in the article, from its best-matching document.

        Any task's gold: every list of items carrying `evidence` is a record type, filtered to
        the items the article states; every other field is kept for `shape` to prune."""
        best: JSON = {}
        best_hits = 0
        for record in self.gold.values():
            found = {
                t: [i for i in items if i.get("evidence") and i["evidence"] in article]
                for t, items in record.items()
                if _is_item_list(items)
            }
            hits = sum(len(v) for v in found.values())
            if hits > best_hits:
                rest = {k: v for k, v in record.items() if k not in found}
                best, best_hits = {**rest, **found}, hits
        if best:
            return best
        some = next(iter(self.gold.values()), {})
        return {t: [] for t, items in some.items() if _is_item_list(items)} | {"article": {}}

    def noise(self, answer: JSON, article: str) -> JSON:
        """The answer with invented, ungrounded, misspelled and dangling items added."""
        noisy = json.loads(json.dumps(answer))
        companies = noisy["companies"]
        sentence = companies[0]["evidence"] if companies else article[:80]
        for name in INVENTED_COMPANIES:
            companies.append(
                {"evidence": sentence, "name": name, "aliases": [], "roles": ["brand"]}
            )
        noisy["figures"].append(
            {
                "evidence": INVENTED_EVIDENCE,
                "metric": "revenue",
                "subject": "Vendel Mobile",
                "value": 9990000000,
                "unit": "currency",
                "currency": "INR",
                "raw": "₹999 crore",
            }
        )
        for company in companies[:2]:
            company["name"] = misspell(company["name"])
        named = {c["name"] for c in companies}
        dangling = next((p for p in noisy["partnerships"] if p["partner"] in named), None)
        if dangling is not None:
            noisy["companies"] = [c for c in companies if c["name"] != dangling["partner"]]
        return noisy

    async def __call__(self, scope: JSON, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        path, method = scope["path"], scope["method"]
        if method == "GET" and path.endswith("/models"):
            model = {"id": self.settings.model, "object": "model", "created": 0, "owned_by": "t"}
            await _respond(send, 200, {"object": "list", "data": [model]})
        elif method == "POST" and path.endswith("/chat/completions"):
            await _respond(send, 200, self.complete(json.loads(body or b"{}")))
        else:
            await _respond(send, 404, {"error": {"message": f"no route {method} {path}"}})

    def complete(self, request: JSON) -> JSON:
        article, everything = _messages_text(request)
        schema, tool = _response_schema(request)
        answer = self.answer_for(article)
        key = hashlib.sha256(article.encode()).hexdigest()
        first = key not in self._seen
        self._seen.add(key)
        self.counts["chat"] += 1
        self.counts["reask" if len(request.get("messages", [])) > 2 else "first"] += 1
        if self.settings.noisy:
            answer = self.noise(answer, article)
        arguments = json.dumps(shape(answer, schema, schema.get("$defs", {})), ensure_ascii=False)
        if self.settings.noisy and first:
            self.counts["truncated"] += 1
            arguments = arguments[: len(arguments) // 2]
        usage = {
            "prompt_tokens": self.settings.count_tokens(everything),
            "completion_tokens": self.settings.count_tokens(arguments),
        }
        self.tokens.update(usage)
        return _completion(request, arguments, tool, usage)


def _completion(request: JSON, arguments: str, tool: str | None, usage: JSON) -> JSON:
    return chat_completion(
        request,
        arguments,
        tool,
        "chatcmpl-oracle",
        usage["prompt_tokens"],
        usage["completion_tokens"],
    )


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _respond(send: Send, status: int, body: JSON) -> None:
    raw = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": raw})


@contextmanager
def serve_oracle(settings: OracleSettings) -> Iterator[tuple[Oracle, str]]:
    """The oracle on a free loopback port; yields it and its base URL (ending in /v1)."""
    oracle = Oracle(settings)
    with ServerThread(oracle, lifespan="off") as server:
        yield oracle, f"{server.url}/v1"
