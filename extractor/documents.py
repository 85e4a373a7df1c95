"""Reading inputs: files, folders and JSONL become documents, or errors that name the culprit.

A bad input never stops a batch and is never dropped: it becomes an `InputError` that the batch
writes as a failed line, so the user sees every input accounted for.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FOLDER_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
MAX_DOCUMENT_BYTES = 20_000_000


@dataclass(frozen=True)
class Document:
    """A document as read: offsets in every output point into `text`."""

    id: str
    text: str
    source: str

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)


@dataclass(frozen=True)
class InputError:
    """An input that could not become a document, with what to tell the user."""

    id: str
    source: str
    message: str
    sha256: str = ""


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _TextOnly(HTMLParser):
    """Keeps visible text, dropping scripts and styles, so HTML pages can be extracted."""

    _SKIP = frozenset({"script", "style", "noscript", "template"})
    _BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "tr", "article", "section"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text)


def decode_document(doc_id: str, source: str, data: bytes) -> Document | InputError:
    """Bytes to a document, refusing what is not text with a message that says why."""
    sha = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_DOCUMENT_BYTES:
        return InputError(
            doc_id,
            source,
            f"document is {len(data)} bytes, over the {MAX_DOCUMENT_BYTES}-byte limit",
            sha,
        )
    if b"\x00" in data[:8192]:
        return InputError(doc_id, source, "binary file (contains NUL bytes), not text", sha)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InputError(doc_id, source, f"not valid UTF-8 at byte {exc.start}", sha)
    return text_document(doc_id, source, text)


def text_document(doc_id: str, source: str, text: str) -> Document | InputError:
    """Text to a document: HTML is reduced to its visible text; empty text is refused."""
    if looks_like_html(text):
        text = html_to_text(text)
    if not text.strip():
        return InputError(doc_id, source, "document is empty or whitespace only", sha256_text(text))
    return Document(doc_id, text, source)


def _jsonl_line(path: Path, number: int, line: str) -> Document | InputError:
    fallback_id = f"{path.stem}:{number}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(fallback_id, f"{path}:{number}", f"line {number} is not JSON: {exc.msg}")
    if not isinstance(obj, dict):
        return InputError(fallback_id, f"{path}:{number}", f"line {number} is not a JSON object")
    doc_id, text = obj.get("id", fallback_id), obj.get("text")
    if not isinstance(doc_id, str | int) or not str(doc_id).strip():
        return InputError(fallback_id, f"{path}:{number}", f"line {number}: 'id' must be a string")
    if not isinstance(text, str):
        return InputError(
            str(doc_id),
            f"{path}:{number}",
            f"line {number}: 'text' must be a string, got {type(text).__name__}",
        )
    return text_document(str(doc_id), f"{path}:{number}", text)


def read_jsonl(path: Path) -> Iterator[Document | InputError]:
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        yield InputError(path.stem, str(path), f"JSONL file is not valid UTF-8 at byte {exc.start}")
        return
    for number, line in enumerate(raw.splitlines(), start=1):
        if line.strip():
            yield _jsonl_line(path, number, line)


def read_path(path: Path) -> Iterator[Document | InputError]:
    """One path: a folder (its document files, sorted), a JSONL file, or one document file.

    In a folder only document suffixes are read, so a manifest or notes beside the articles are
    not mistaken for articles; a file named explicitly is always read.
    """
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.is_file() and child.suffix.lower() in FOLDER_SUFFIXES:
                yield from read_path(child)
    elif not path.exists():
        yield InputError(path.stem, str(path), f"no such file or folder: {path}")
    elif path.suffix.lower() in JSONL_SUFFIXES:
        yield from read_jsonl(path)
    else:
        yield decode_document(path.stem, str(path), path.read_bytes())


def read_inputs(paths: list[Path]) -> Iterator[Document | InputError]:
    """All inputs in order; a repeated id is an error, so outputs never overwrite each other."""
    seen: set[str] = set()
    for path in paths:
        for item in read_path(path):
            if item.id in seen:
                yield InputError(item.id, item.source, f"duplicate document id {item.id!r}")
                continue
            seen.add(item.id)
            yield item
