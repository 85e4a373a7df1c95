"""Inputs: every file, folder or JSONL line becomes a document or an error that says why."""

import hashlib
import json
from pathlib import Path

import pytest

from extractor.batch import input_error_line
from extractor.documents import (
    Document,
    InputError,
    JsonlRules,
    html_to_text,
    looks_like_html,
    parse_jsonl,
    read_inputs,
    sha256_text,
)
from extractor.service import inputs


def _all(paths: list[Path]) -> list[Document | InputError]:
    return list(read_inputs(paths))


def test_folder_of_seeds_gives_one_document_per_file(seeds_dir: Path) -> None:
    docs = [d for d in _all([seeds_dir]) if isinstance(d, Document)]
    assert [d.id for d in docs] == sorted(p.stem for p in seeds_dir.glob("*.txt"))


def test_bad_files_become_errors_naming_the_cause(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("   \n\t")
    (tmp_path / "latin1.txt").write_bytes("café".encode("latin-1"))
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (tmp_path / "notes.json").write_text("{}")  # not a document suffix: not read from a folder
    results = {r.id: r for r in _all([tmp_path])}
    assert all(isinstance(r, InputError) for r in results.values())
    assert "empty" in results["empty"].message  # type: ignore[union-attr]
    assert "not valid UTF-8" in results["latin1"].message  # type: ignore[union-attr]
    assert "binary" in results["binary"].message  # type: ignore[union-attr]


def test_jsonl_bad_line_is_named_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Alpha story."}),
        "{not json",
        json.dumps([1]),
        json.dumps({"id": "b", "text": 5}),
        json.dumps({"id": "c", "text": "Gamma."}),
    ]
    path.write_text("\n".join(lines) + "\n")
    results = _all([path])
    assert [r.id for r in results if isinstance(r, Document)] == ["a", "c"]
    errors = [r.message for r in results if isinstance(r, InputError)]
    assert errors[0].startswith("line 2 is not JSON")
    assert "line 3 is not a JSON object" in errors[1]
    assert "line 4: 'text' must be a string, got number" in errors[2]


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "x", "text": "One."}\n{"id": "x", "text": "Two."}\n')
    results = _all([path])
    assert isinstance(results[1], InputError) and "duplicate" in results[1].message


def test_html_is_reduced_to_visible_text(tmp_path: Path) -> None:
    html = (
        "<html><head><style>p{}</style><script>var x=1</script></head>"
        "<body><p>Xiaomi signed with Dixon.</p><p>Second &amp; last.</p></body></html>"
    )
    (tmp_path / "page.html").write_text(html)
    doc = _all([tmp_path / "page.html"])[0]
    assert isinstance(doc, Document)
    assert doc.text == "Xiaomi signed with Dixon.\nSecond & last."
    assert "var x" not in html_to_text(html)


def test_missing_path_is_an_error_not_a_crash(tmp_path: Path) -> None:
    result = _all([tmp_path / "nope.txt"])[0]
    assert isinstance(result, InputError) and "no such file" in result.message


# --- one JSONL parser, per-line failures (issue 13: R3, R4, R5) ---------------------------------


def _jsonl(tmp_path: Path, data: bytes) -> list[Document | InputError]:
    path = tmp_path / "docs.jsonl"
    path.write_bytes(data)
    return _all([path])


def _line(obj: object) -> bytes:
    return json.dumps(obj).encode()


def test_lone_surrogate_fails_its_line_alone(tmp_path: Path) -> None:
    data = b'{"id": "bad", "text": "Xiaomi \\ud800 opened."}\n' + _line(
        {"id": "ok", "text": "Fine."}
    )
    bad, good = _jsonl(tmp_path, data)
    assert isinstance(bad, InputError) and isinstance(good, Document)
    assert bad.id == "bad"
    assert bad.message.startswith("line 1: ") and "surrogate U+D800" in bad.message
    assert "surrogate" in (input_error_line(bad).error or "")  # the failed line can be written
    assert good.text == "Fine."


def test_lines_split_on_newline_only(tmp_path: Path) -> None:
    texts = ["a\u2028b", "c\u0085d", "e\u2029f\x0bg\x0ch\x1ci\x1dj\x1ek", "l\rm"]
    data = b"\n".join(_line({"id": f"d{i}", "text": t}) for i, t in enumerate(texts))
    data = data.replace(b"\\u2028", "\u2028".encode()).replace(b"\\u0085", "\u0085".encode())
    assert "\u2028".encode() in data  # raw, as pydantic writes it
    docs = _jsonl(tmp_path, data)
    assert [d.text for d in docs if isinstance(d, Document)] == texts


def test_one_bad_utf8_byte_fails_only_its_line(tmp_path: Path) -> None:
    data = b"\n".join(
        [
            _line({"id": "a", "text": "Alpha."}),
            b'{"id": "b", "text": "Caf\xe9"}',
            _line({"id": "c", "text": "Gamma."}),
        ]
    )
    a, b, c = _jsonl(tmp_path, data)
    assert isinstance(a, Document) and isinstance(c, Document)
    assert isinstance(b, InputError) and b.message == "line 2 is not valid UTF-8 at byte 24"
    assert b.id == "docs:2"


def test_crlf_and_a_leading_bom_are_read(tmp_path: Path) -> None:
    data = (
        b"\xef\xbb\xbf"
        + _line({"id": "a", "text": "One."})
        + b"\r\n"
        + _line({"id": "b", "text": "Two."})
        + b"\r\n"
    )
    docs = _jsonl(tmp_path, data)
    assert [(d.id, d.text) for d in docs if isinstance(d, Document)] == [
        ("a", "One."),
        ("b", "Two."),
    ]


@pytest.mark.parametrize(
    ("doc_id", "cause"),
    [
        (True, "'id' must be a string, got boolean"),
        (7, "'id' must be a string, got number"),
        ({"x": 1}, "'id' must be a string, got object"),
        (None, "'id' must be a string, got null"),
        ("", "'id' is blank"),
        ("  \t", "'id' is blank"),
        ("x" * 257, "'id' is 257 characters, over the limit of 256"),
        ("a\x1db", "'id' has an invisible character U+001D at position 1"),
        ("a\nb", "'id' has an invisible character U+000A at position 1"),
        ("\ud800", "'id' has an invisible character U+D800 at position 0"),
    ],
)
def test_ids_follow_one_rule(tmp_path: Path, doc_id: object, cause: str) -> None:
    data = b'{"id": ' + json.dumps(doc_id).encode() + b', "text": "Some text."}\n'
    (item,) = _jsonl(tmp_path, data)
    assert isinstance(item, InputError)
    assert item.message == f"line 1: {cause}" and item.id == "docs:1"


@pytest.mark.parametrize(("doc_id", "expected"), [("x" * 256, "x" * 256), ("Doc 7", "Doc 7")])
def test_good_ids_are_kept(tmp_path: Path, doc_id: str, expected: str) -> None:
    (item,) = _jsonl(tmp_path, _line({"id": doc_id, "text": "Some text."}))
    assert isinstance(item, Document) and item.id == expected


def test_missing_id_and_missing_text(tmp_path: Path) -> None:
    no_id, no_text = _jsonl(tmp_path, _line({"text": "Hello."}) + b"\n" + _line({"id": "t"}))
    assert isinstance(no_id, Document) and no_id.id == "docs:1"
    assert isinstance(no_text, InputError) and no_text.message == "line 2: 'text' is missing"


def test_duplicate_line_fails_under_its_own_name(tmp_path: Path) -> None:
    data = _line({"id": "x", "text": "One."}) + b"\n" + _line({"id": "x", "text": "Two."})
    first, second = _jsonl(tmp_path, data)
    assert isinstance(first, Document) and first.id == "x"
    assert isinstance(second, InputError) and second.id == "docs:2"
    assert second.message == "line 2: duplicate document id 'x' (first on line 1)"


def test_cli_and_service_parse_a_jsonl_alike() -> None:
    data = b"\n".join(
        [
            _line({"id": True, "text": "a"}),
            _line({"id": "x" * 300, "text": "a"}),
            b'{"id": "s", "text": "\\udfff"}',
            b"\xff{}",
            b"[1]",
            _line({"id": "ok", "text": "Fine."}),
        ]
    )
    cli = list(parse_jsonl(data, JsonlRules("f", id_prefix="f:", source_prefix="f.jsonl:")))
    service = inputs.parse_jsonl(data, max_chars=1000)
    assert [_outcome(i) for i in cli] == [_outcome(i) for i in service]
    assert [type(i).__name__ for i in cli] == ["InputError"] * 5 + ["Document"]


def _outcome(item: Document | InputError) -> str:
    return item.text if isinstance(item, Document) else item.message


# --- HTML: detected by suffix or by how the document starts; spans index the reduced text (R11)


@pytest.mark.parametrize(
    ("text", "is_html"),
    [
        ("<!DOCTYPE html><p>Hi</p>", True),
        ("\ufeff  \n<!doctype HTML>\n<html><body>Hi</body></html>", True),
        ("<html lang='en'><body>Hi</body></html>", True),
        ("<!-- saved page -->\n<html>Hi</html>", True),
        ("<?xml version='1.0'?>\n<html xmlns='x'>Hi</html>", True),
        ("Use <body> for the content, then </body>.", False),
        ("The <html> tag starts a page.", False),
        ("<htmlish> is not a tag we know", False),
        ("Plain story about Xiaomi.", False),
    ],
)
def test_html_is_known_by_how_it_starts(text: str, is_html: bool) -> None:
    assert looks_like_html(text) is is_html


def test_text_that_mentions_tags_is_kept_verbatim(tmp_path: Path) -> None:
    text = "Dixon builds <body> panels for Xiaomi and ships them </body> to Dubai."
    (tmp_path / "tags.txt").write_text(text, encoding="utf-8")
    (doc,) = _all([tmp_path / "tags.txt"])
    assert isinstance(doc, Document) and doc.text == text
    assert doc.reduced_text is None and doc.sha256 == sha256_text(text)


def test_html_suffix_means_html_and_the_document_names_both_texts(tmp_path: Path) -> None:
    page = "<p>Xiaomi signed with <b>Dixon</b>.</p>"  # no doctype: the suffix says HTML
    (tmp_path / "page.htm").write_text(page, encoding="utf-8")
    (doc,) = _all([tmp_path / "page.htm"])
    assert isinstance(doc, Document) and doc.text == "Xiaomi signed with Dixon."
    assert doc.sha256 == hashlib.sha256(page.encode()).hexdigest()  # what was submitted
    assert doc.reduced_text == doc.text and doc.reduced_sha256 == sha256_text(doc.text)


def test_html_without_visible_text_is_refused_as_empty(tmp_path: Path) -> None:
    (item,) = _jsonl(tmp_path, _line({"id": "h", "text": "<html><script>x()</script></html>"}))
    assert isinstance(item, InputError) and "empty" in item.message


def test_unreadable_file_name_is_an_error_not_a_crash(tmp_path: Path) -> None:
    odd = tmp_path / "caf\udce9.txt"  # the byte 0xE9 of a Latin-1 name, as Python shows it
    odd.write_bytes(b"Some story.")
    (item,) = _all([tmp_path])
    assert isinstance(item, InputError) and "U+DCE9" in item.message
    assert input_error_line(item).model_dump_json()  # id and source are writable as UTF-8


def test_binary_jsonl_is_one_error_not_a_line_per_byte_run(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\n" * 50
    (item,) = _jsonl(tmp_path, data)
    assert isinstance(item, InputError) and item.id == "docs"
    assert item.message == "binary file (contains NUL bytes), not JSONL"
    assert inputs.parse_jsonl(data, max_chars=100)[0].message == item.message  # type: ignore[union-attr]
