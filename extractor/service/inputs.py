"""Request bodies to documents, with the CLI's rules (extractor.documents) plus a size cap.

Structural problems of a JSON request (wrong types, a missing field) are the client's to fix and
answer 422. A problem with one document of an uploaded JSONL file (not UTF-8, not JSON, a bad id,
empty text, a repeated id) becomes that document's failed result, as in the CLI, so one bad line
never sinks a batch and every line is accounted for: the upload is read by the CLI's own
`parse_jsonl`, and ids follow the CLI's one rule (`id_problem`). The per-document cap exists
because work grows with length: a 10 MB text is tens of thousands of model calls.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from extractor import documents
from extractor.documents import (
    MAX_ID_CHARS,
    Document,
    InputError,
    JsonlRules,
    id_problem,
    sha256_text,
    text_document,
)


def _valid_id(value: str) -> str:
    """A blank or unprintable id would make the record invalid later, deep in the pipeline."""
    problem = id_problem(value)
    if problem:
        raise ValueError(problem)
    return value


DocId = Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS), AfterValidator(_valid_id)]


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
    """The CLI's text rules (HTML reduced, empty or unencodable refused) and the size cap."""
    return text_document(doc_id, source, text, max_chars=max_chars)


def parse_jsonl(data: bytes, max_chars: int) -> list[Document | InputError]:
    """One item per non-blank line, by the CLI's parser; lines are named line-N, upload:N."""
    rules = JsonlRules("upload", id_prefix="line-", source_prefix="upload:", max_chars=max_chars)
    return list(documents.parse_jsonl(data, rules))


def from_request(request: BatchRequest, max_chars: int) -> list[Document | InputError]:
    return [
        to_document(d.id, f"documents[{i}]", d.text, max_chars)
        for i, d in enumerate(request.documents)
    ]


def duplicate_ids(items: list[Document | InputError]) -> list[str]:
    """Ids given more than once: their results would overwrite each other."""
    return [doc_id for doc_id, n in Counter(item.id for item in items).items() if n > 1]
