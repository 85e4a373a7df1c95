"""The offline promise: replaying the committed cassettes over the seeds needs no model and no
network, gives the same records twice, and the same records as the live run that recorded them."""

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.grounding import normalise
from extractor_schemas import RECORD_TYPES
from extractor_schemas.prediction import PredictionLine
from extractor_schemas.provenance import git_commit


def _extract(
    root: Path, out: Path, *args: str, limit_file_bytes: int | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENAI_API_KEY": "", "HF_HUB_OFFLINE": "1", "NO_PROXY": "*"}
    command = [
        sys.executable,
        "-m",
        "extractor.cli",
        "extract",
        "--out",
        str(out),
        "--quiet",
        *args,
    ]
    return subprocess.run(
        command,
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=None if limit_file_bytes is None else lambda: _full_disk(limit_file_bytes),
    )


def _full_disk(limit: int) -> None:
    """In the child: any file write past `limit` bytes fails (EFBIG), as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _lines(path: Path) -> dict[str, PredictionLine]:
    lines = [PredictionLine.model_validate_json(raw) for raw in path.read_bytes().split(b"\n")[:-1]]
    by_id = {line.id: line for line in lines}
    assert len(by_id) == len(lines), "a document was written twice"
    return by_id


def _stable(line: PredictionLine) -> dict[str, object]:
    """Everything but wall-clock latency and cache-hit counts, which differ by design."""
    data = line.model_dump(mode="json", exclude={"latency_s"})
    data["usage"].pop("cache_hits")
    return data


@pytest.fixture(scope="module")
def replays(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = Path(__file__).resolve().parents[2]
    first, second = (tmp_path_factory.mktemp(name) for name in ("one", "two"))
    for out in (first, second):
        result = _extract(root, out, "--cache", "replay")
        assert result.returncode == 0, result.stderr[-2000:]
    return first / "predictions.jsonl", second / "predictions.jsonl"


def test_two_replays_and_the_recording_run_agree(replays: tuple[Path, Path], root: Path) -> None:
    one, two = (_lines(p) for p in replays)
    recorded = _lines(root / "baseline" / "predictions.jsonl")
    assert set(one) == set(recorded) == {p.stem for p in (root / "seeds").glob("*.txt")}
    for doc_id, line in one.items():
        assert line.error is None
        assert line.usage.calls == line.usage.cache_hits > 0
        assert _stable(line) == _stable(two[doc_id]) == _stable(recorded[doc_id]), doc_id


def test_every_kept_record_points_at_its_evidence(replays: tuple[Path, Path], root: Path) -> None:
    for doc_id, line in _lines(replays[0]).items():
        text = (root / "seeds" / f"{doc_id}.txt").read_text(encoding="utf-8")
        assert line.record is not None
        for record_type in RECORD_TYPES:
            for item in line.record.items(record_type):
                assert item.span is not None and item.grounding is not None
                found = text[item.span[0] : item.span[1]]
                if item.grounding.value == "exact":
                    assert found == item.evidence
                elif item.grounding.value == "normalised":
                    assert normalise(found) == normalise(item.evidence)


def test_replay_miss_fails_the_document_with_a_clear_reason(tmp_path: Path, root: Path) -> None:
    result = _extract(
        root,
        tmp_path / "out",
        "--cache",
        "replay",
        "--cache-dir",
        str(tmp_path / "empty"),
        "seeds/004_171dad24aabf5317.txt",
    )
    assert result.returncode == 1
    line = next(iter(_lines(tmp_path / "out" / "predictions.jsonl").values()))
    assert line.error is not None
    assert "replay miss for document '004_171dad24aabf5317'" in line.error
    assert "record first" in line.error


def test_resume_keeps_finished_lines_and_drops_torn_ones(tmp_path: Path, root: Path) -> None:
    out = tmp_path / "out"
    assert _extract(root, out, "--cache", "replay").returncode == 0
    path = out / "predictions.jsonl"
    kept = path.read_text().splitlines()[:2]
    path.write_text("\n".join(kept) + "\n" + kept[0][: len(kept[0]) // 2])  # a crash mid-write
    refused = _extract(root, out, "--cache", "replay")
    assert refused.returncode == 2 and "--resume" in refused.stderr
    other = _extract(root, out, "--cache", "replay", "--resume", "--no-isolate")
    assert other.returncode == 2 and "cannot resume" in other.stderr, other.stderr[-2000:]
    assert PredictionLine.model_validate_json(kept[0]).config_sha256 in other.stderr
    # the same folder named another way: where the cassettes live decides no answer
    same = str(root / "cassettes")
    resumed = _extract(root, out, "--cache", "replay", "--resume", "--cache-dir", same)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "2 already done" in resumed.stdout
    lines = path.read_text().splitlines()
    assert lines[:2] == kept and len(_lines(path)) == 5


def test_bad_inputs_are_reported_and_the_rest_goes_on(tmp_path: Path, root: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "empty.txt").write_text("  \n")
    (inputs / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    (inputs / "lines.jsonl").write_text('{"id": "ok-but-uncached", "text": "Hello."}\n{oops\n')
    seed = root / "seeds" / "004_171dad24aabf5317.txt"
    (inputs / seed.name).write_bytes(seed.read_bytes())
    result = _extract(root, tmp_path / "out", "--cache", "replay", str(inputs))
    assert result.returncode == 1
    lines = _lines(tmp_path / "out" / "predictions.jsonl")
    assert lines["004_171dad24aabf5317"].error is None
    assert "empty" in (lines["empty"].error or "")
    assert "not valid UTF-8" in (lines["latin"].error or "")
    assert "line 2 is not JSON" in (lines["lines:2"].error or "")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["summary"]["failed"] == 4
    assert manifest["git_commit"] == git_commit()  # None in a `git archive` copy or a wheel


def _copy_cassettes(root: Path, to: Path) -> Path:
    shutil.copytree(root / "cassettes", to)
    return to


def test_a_broken_cassette_fails_its_document_visibly(tmp_path: Path, root: Path) -> None:
    cassettes = _copy_cassettes(root, tmp_path / "cassettes")
    seed = "seeds/004_171dad24aabf5317.txt"
    ok = _extract(root, tmp_path / "ok", "--cache", "replay", "--cache-dir", str(cassettes), seed)
    assert ok.returncode == 0, ok.stderr[-2000:]
    for path in cassettes.rglob("*.json"):
        if json.loads(path.read_text())["label"] == "004_171dad24aabf5317":
            path.write_text(path.read_text()[:100])  # truncated
    result = _extract(
        root, tmp_path / "out", "--cache", "replay", "--cache-dir", str(cassettes), seed
    )
    assert result.returncode == 1
    line = next(iter(_lines(tmp_path / "out" / "predictions.jsonl").values()))
    assert line.error is not None and line.error.startswith("CacheError: cassette ")
    assert "not valid JSON" in line.error and line.record is None


def test_a_full_disk_fails_visibly_and_leaves_no_torn_line(tmp_path: Path, root: Path) -> None:
    out, limit = tmp_path / "out", 40_000  # the five seeds' lines need about 96,000 bytes
    result = _extract(root, out, "--cache", "replay", limit_file_bytes=limit)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("extractor: error: cannot write") and "--resume" in error, error
    data = (out / "predictions.jsonl").read_bytes()
    assert len(data) <= limit and (data == b"" or data.endswith(b"\n"))
    written = _lines(out / "predictions.jsonl")  # every line left is whole
    assert f"({len(written)} written by this run)" in error
    resumed = _extract(root, out, "--cache", "replay", "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"{len(written)} already done" in resumed.stdout
    assert len(_lines(out / "predictions.jsonl")) == 5
