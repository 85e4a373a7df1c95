"""Inputs: every file, folder or JSONL line becomes a document or an error that says why."""

import json
from pathlib import Path

from extractor.documents import Document, InputError, html_to_text, read_inputs


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
    assert "'text' must be a string, got int" in errors[2]


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
