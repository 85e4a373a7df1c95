"""Reading inputs: files, folders and JSONL become documents, or errors that name the culprit.

A bad input never stops a batch and is never dropped: it becomes an `InputError` that the batch
writes as a failed line, so the user sees every input accounted for. A JSONL input fails line by
line: lines are split on b"\\n" alone and decoded one by one, so a raw U+2028 inside a JSON string
(pydantic writes them) is not a line break, and one invalid byte fails one line, not the file.
The CLI and the service read JSONL with the same `parse_jsonl`, so they accept the same lines,
name the same ids, and fail the others with the same messages.

Which text the spans index: `Document.text`. For plain text it is the submitted text itself; for
an HTML page it is the page's visible text (`html_to_text`), which the output line then carries
(`PredictionLine.text`), since no input contains it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FOLDER_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
MAX_DOCUMENT_BYTES = 20_000_000
MAX_ID_CHARS = 256
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Document:
    """A document as read. Every span of every output indexes `text`.

    `submitted` is set only when `text` is not what was submitted (an HTML page reduced to its
    visible text): it holds the page as given, so `sha256` always identifies the submission
    while `reduced_text` tells a reader which text the spans index.
    """

    id: str
    text: str
    source: str
    submitted: str | None = None

    @property
    def sha256(self) -> str:
        """SHA-256 of the document as submitted (its UTF-8 bytes): the same input, the same hash."""
        return sha256_text(self.text if self.submitted is None else self.submitted)

    @property
    def as_submitted(self) -> str:
        """The text as submitted: what to store, so `restore_document` rebuilds this document."""
        return self.text if self.submitted is None else self.submitted

    @property
    def reduced_text(self) -> str | None:
        """The text the spans index when it differs from the submitted one, else None."""
        return None if self.submitted is None else self.text

    @property
    def reduced_sha256(self) -> str | None:
        """SHA-256 of `reduced_text`, when there is one."""
        return None if self.submitted is None else sha256_text(self.text)


@dataclass(frozen=True)
class InputError:
    """An input that could not become a document, with what to tell the user."""

    id: str
    source: str
    message: str
    sha256: str = ""


@dataclass(frozen=True)
class JsonlRules:
    """How one JSONL input names its lines, and the longest text a line may carry.

    A line without a usable id is named `id_prefix` + its line number (the CLI uses the file's
    stem, `docs:3`; the service `line-3`); `source_prefix` + the number says where it came from.
    `name` and `source` (without a number) name a failure of the whole input.
    """

    name: str
    id_prefix: str
    source_prefix: str
    max_chars: int | None = None

    def fallback_id(self, number: int) -> str:
        return f"{self.id_prefix}{number}"

    def source(self, number: int | None = None) -> str:
        return self.source_prefix.rstrip(":") if number is None else f"{self.source_prefix}{number}"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shown(text: str) -> str:
    """`text` made writable as UTF-8: a lone surrogate (an undecodable file name) as \\udcxx."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _json_type(value: object) -> str:
    """The JSON name of a parsed value's type, as the user wrote it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def id_problem(value: object) -> str | None:
    """Why `value` cannot be a document id, or None: the one id rule of the CLI and the service.

    An id is a string of 1 to 256 printable characters, not all spaces. It names output lines,
    cache labels and database rows, so control characters, lone surrogates and invisible format
    characters (which would be unreadable, or unwritable as UTF-8) are refused.
    """
    if not isinstance(value, str):
        return f"'id' must be a string, got {_json_type(value)}"
    if len(value) > MAX_ID_CHARS:
        return f"'id' is {len(value)} characters, over the limit of {MAX_ID_CHARS}"
    if not value.strip():
        return "'id' is blank"
    for position, char in enumerate(value):
        if not char.isprintable():
            return f"'id' has an invisible character U+{ord(char):04X} at position {position}"
    return None


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


# A page starts with a doctype or an <html> tag, after a BOM, whitespace, comments or an XML
# declaration. Anywhere else, "<body>" is just text about HTML and is kept as written.
_HTML_START = re.compile(
    r"[\ufeff\s]*(?:(?:<!--.*?-->|<\?xml[^>]*>)[\ufeff\s]*)*(?:<!doctype\s+html\b|<html[\s>/])",
    re.IGNORECASE | re.DOTALL,
)


def looks_like_html(text: str) -> bool:
    """True when `text` starts as an HTML document does; a tag in the middle is not enough."""
    return _HTML_START.match(text) is not None


def _not_unicode(text: str) -> str | None:
    """Why `text` cannot be encoded (a lone surrogate from a JSON escape such as \\ud800)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        return (
            f"'text' has a lone surrogate U+{code:04X} at character {exc.start}: not Unicode text"
        )
    return None


def decode_document(
    doc_id: str, source: str, data: bytes, html: bool = False
) -> Document | InputError:
    """Bytes to a document, refusing what is not text with a message that says why.

    `html` is what the container says (an .html suffix); otherwise the start of the text decides.
    """
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
    return text_document(doc_id, source, text, html=html or None)


def text_document(
    doc_id: str,
    source: str,
    text: str,
    *,
    html: bool | None = None,
    max_chars: int | None = None,
) -> Document | InputError:
    """Text to a document: HTML is reduced to its visible text; empty or unencodable text and text
    over `max_chars` are refused. `html` None means: HTML if the text starts like a page."""
    problem = _not_unicode(text)
    if problem:
        return InputError(doc_id, source, problem)
    if max_chars is not None and len(text) > max_chars:
        return InputError(
            doc_id,
            source,
            f"text is {len(text)} characters, over the {max_chars}-character limit of one document",
            sha256_text(text),
        )
    if html if html is not None else looks_like_html(text):
        return _html_document(doc_id, source, text)
    if not text.strip():
        return InputError(doc_id, source, "document is empty or whitespace only", sha256_text(text))
    return Document(doc_id, text, source)


def restore_document(doc_id: str, source: str, submitted: str) -> Document:
    """A stored document (its `as_submitted` text) read again by the same rules.

    Storing the submitted text rather than `text` keeps an HTML page's reduction, and with it
    `reduced_text` and the hash of the submission, across a restart.
    """
    item = text_document(doc_id, source, submitted)
    if isinstance(item, InputError):
        raise ValueError(f"stored document {doc_id!r} is not a document: {item.message}")
    return item


def _html_document(doc_id: str, source: str, page: str) -> Document | InputError:
    visible = html_to_text(page)
    if not visible.strip():
        return InputError(
            doc_id, source, "document is empty: the HTML has no visible text", sha256_text(page)
        )
    return Document(doc_id, visible, source, submitted=page)


def iter_jsonl_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of each non-blank line of a JSONL input, split on b"\\n" alone.

    `str.splitlines` would also break at U+2028, U+0085 and other characters that are legal,
    unescaped, inside a JSON string; a trailing \\r (CRLF files) is JSON whitespace and harmless.
    A UTF-8 byte order mark before the first line is dropped. Bytes are not decoded here, so a
    caller decodes (and fails) each line on its own.
    """
    for number, raw in enumerate(data.split(b"\n"), start=1):
        line = raw[len(UTF8_BOM) :] if number == 1 and raw.startswith(UTF8_BOM) else raw
        if line.strip():
            yield number, line


def _decoded_object(number: int, raw: bytes) -> dict[str, object] | str:
    """The line's JSON object, or why it is not one."""
    try:
        obj = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return f"line {number} is not valid UTF-8 at byte {exc.start}"
    except json.JSONDecodeError as exc:
        return f"line {number} is not JSON: {exc.msg} at character {exc.pos}"
    if not isinstance(obj, dict):
        return f"line {number} is not a JSON object (got {_json_type(obj)})"
    return obj


def jsonl_line(number: int, raw: bytes, rules: JsonlRules) -> Document | InputError:
    """One JSONL line, {"id": ..., "text": ...}, to a document or a failed line naming the cause.

    A line whose id cannot be used is named by its number, so its failure is still reported
    under an id no other line has.
    """
    fallback, source = rules.fallback_id(number), rules.source(number)
    obj = _decoded_object(number, raw)
    if isinstance(obj, str):
        return InputError(fallback, source, obj)
    doc_id = obj.get("id", fallback)
    problem = id_problem(doc_id)
    if problem or not isinstance(doc_id, str):
        return InputError(fallback, source, f"line {number}: {problem}")
    if "text" not in obj:
        return InputError(doc_id, source, f"line {number}: 'text' is missing")
    text = obj["text"]
    if not isinstance(text, str):
        message = f"line {number}: 'text' must be a string, got {_json_type(text)}"
        return InputError(doc_id, source, message)
    item = text_document(doc_id, source, text, max_chars=rules.max_chars)
    if isinstance(item, InputError):
        return InputError(item.id, item.source, f"line {number}: {item.message}", item.sha256)
    return item


def parse_jsonl(data: bytes, rules: JsonlRules) -> Iterator[Document | InputError]:
    """Every non-blank line of a JSONL input, in order, as a document or a failed line.

    A repeated id fails the later line under its line-number name, so results never overwrite
    each other and the failure is not mistaken for the first line's result.
    """
    if b"\x00" in data[:8192]:  # JSON has no raw NUL: this is not a JSONL file at all
        yield InputError(rules.name, rules.source(), "binary file (contains NUL bytes), not JSONL")
        return
    first_line: dict[str, int] = {}
    for number, raw in iter_jsonl_lines(data):
        item = jsonl_line(number, raw, rules)
        first = first_line.get(item.id)
        if first is not None:
            message = f"line {number}: duplicate document id {item.id!r} (first on line {first})"
            item = InputError(rules.fallback_id(number), rules.source(number), message)
        first_line.setdefault(item.id, number)
        yield item


def read_jsonl(path: Path) -> Iterator[Document | InputError]:
    stem, source = shown(path.stem), shown(str(path))
    rules = JsonlRules(name=stem, id_prefix=f"{stem}:", source_prefix=f"{source}:")
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(stem, source, f"cannot read: {exc.strerror}")
        return
    yield from parse_jsonl(data, rules)


def _read_file(path: Path) -> Document | InputError:
    """One document file, named by its stem, which must itself be a valid id."""
    doc_id, source = shown(path.stem), shown(str(path))
    problem = id_problem(path.stem)
    if problem:
        return InputError(doc_id, source, f"the file name cannot be a document id: {problem}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return InputError(doc_id, source, f"cannot read: {exc.strerror}")
    return decode_document(doc_id, source, data, html=path.suffix.lower() in HTML_SUFFIXES)


def read_path(path: Path) -> Iterator[Document | InputError]:
    """One path: a folder (its document files, sorted), a JSONL file, or one document file.

    In a folder only document suffixes are read, so a manifest or notes beside the articles are
    not mistaken for articles; a file named explicitly is always read.
    """
    if path.is_dir():
        try:
            children = sorted(path.iterdir())
        except OSError as exc:
            yield InputError(shown(path.name), shown(str(path)), f"cannot list: {exc.strerror}")
            return
        for child in children:
            if child.is_file() and child.suffix.lower() in FOLDER_SUFFIXES:
                yield from read_path(child)
    elif not path.exists():
        yield InputError(
            shown(path.stem), shown(str(path)), f"no such file or folder: {shown(str(path))}"
        )
    elif path.suffix.lower() in JSONL_SUFFIXES:
        yield from read_jsonl(path)
    else:
        yield _read_file(path)


def read_inputs(paths: list[Path]) -> Iterator[Document | InputError]:
    """All inputs in order; a repeated id is an error, so outputs never overwrite each other.

    The repeat is reported under its source (path, or path:line), an id no other input has.
    """
    seen: set[str] = set()
    for path in paths:
        for item in read_path(path):
            if item.id in seen:
                yield InputError(item.source, item.source, f"duplicate document id {item.id!r}")
                continue
            seen.add(item.id)
            yield item
