"""Request bodies to documents, with the CLI's rules (extractor.documents) plus a size cap.

Structural problems of a JSON request (wrong types, a missing field) are the client's to fix and
answer 422. A problem with one document of an uploaded JSONL file (not UTF-8, not JSON, empty
text) becomes that document's failed result, as in the CLI, so one bad line never sinks a batch
and every line is accounted for. The per-document cap exists because work grows with length:
a 10 MB text is tens of thousands of model calls.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from extractor.documents import Document, InputError, sha256_text, text_document

MAX_ID_CHARS = 256


def _visible(value: str) -> str:
    """A blank id would make the record invalid later, deep in the pipeline: refuse it here."""
    if not value.strip():
        raise ValueError("must contain a non-whitespace character")
    return value


DocId = Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS), AfterValidator(_visible)]


class ExtractRequest(BaseModel):
    text: str = Field(min_length=1, description="The article, as plain text or an HTML page.")
    id: DocId | None = Field(
        default=None,
        description="Document id; default 'doc-' and 12 hex digits of the text's SHA-256.",
    )


class BatchDocument(BaseModel):
    id: DocId
    text: str = Field(description="Empty or unreadable text becomes a failed result.")


class BatchRequest(BaseModel):
    documents: list[BatchDocument] = Field(min_length=1)


def default_id(text: str) -> str:
    """A stable id, so resubmitting a text names it (and its cache label) the same way."""
    return "doc-" + sha256_text(text)[:12]


def to_document(doc_id: str, source: str, text: str, max_chars: int) -> Document | InputError:
    """The CLI's text rules (HTML reduced, empty refused) after the service's size cap."""
    if len(text) > max_chars:
        return InputError(
            doc_id,
            source,
            f"text is {len(text)} characters, over the {max_chars}-character limit of one document",
            sha256_text(text),
        )
    return text_document(doc_id, source, text)


def _jsonl_line(number: int, raw: bytes, max_chars: int) -> Document | InputError:
    fallback, source = f"line-{number}", f"upload:{number}"
    try:
        obj = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return InputError(fallback, source, f"line {number} is not valid UTF-8 at byte {exc.start}")
    except json.JSONDecodeError as exc:
        return InputError(fallback, source, f"line {number} is not JSON: {exc.msg}")
    if not isinstance(obj, dict):
        return InputError(fallback, source, f"line {number} is not a JSON object")
    doc_id, text = obj.get("id", fallback), obj.get("text")
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or not str(doc_id).strip():
        return InputError(fallback, source, f"line {number}: 'id' must be a non-empty string")
    if len(str(doc_id)) > MAX_ID_CHARS:
        return InputError(fallback, source, f"line {number}: 'id' is over {MAX_ID_CHARS} chars")
    if not isinstance(text, str):
        return InputError(
            str(doc_id),
            source,
            f"line {number}: 'text' must be a string, got {type(text).__name__}",
        )
    return to_document(str(doc_id), source, text, max_chars)


def parse_jsonl(data: bytes, max_chars: int) -> list[Document | InputError]:
    """One item per non-blank line; bytes are decoded per line so one bad line stays local."""
    lines = data.split(b"\n")
    return [
        _jsonl_line(number, raw, max_chars)
        for number, raw in enumerate(lines, start=1)
        if raw.strip()
    ]


def from_request(request: BatchRequest, max_chars: int) -> list[Document | InputError]:
    return [
        to_document(d.id, f"documents[{i}]", d.text, max_chars)
        for i, d in enumerate(request.documents)
    ]


def duplicate_ids(items: list[Document | InputError]) -> list[str]:
    """Ids given more than once: their results would overwrite each other."""
    return [doc_id for doc_id, n in Counter(item.id for item in items).items() if n > 1]
