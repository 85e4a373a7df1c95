"""A real server: llama-cpp-python's own OpenAI-compatible server with the embedded GGUF.

Whatever the 270M model's quality, every seed must come back as a schema-valid record in which
every kept item is grounded: the document strategy's guarantees hold for a real, weak endpoint,
through the real tool-call path (the server turns the forced tool's schema into a grammar).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from support.procs import child_env, run_cli, stop, wait_until
from support.servers import free_port

from extractor_schemas import RECORD_TYPES
from extractor_schemas.prediction import PredictionLine

pytestmark = [pytest.mark.server, pytest.mark.model]
ROOT = Path(__file__).resolve().parents[4]
# Small enough for two cores: one call per article, no re-ask, a short answer.
RUN_TOML = """
[sampling]
record_max_tokens = 384
[retry]
max_reasks = 0
max_total_s = 900
[provider]
timeout_s = 900
[extraction]
chunk_tokens = 6000
"""


def _models_answer(url: str) -> bool:
    try:
        return httpx.get(f"{url}/models", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_every_seed_is_a_valid_record_of_grounded_items(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp.server")
    from extractor.providers.embedded import resolve_model_file

    model, _ = resolve_model_file(None)
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "llama_cpp.server", "--model", str(model)),
            *("--host", "127.0.0.1", "--port", str(port), "--n_ctx", "12288"),
            *("--model_alias", "gemma", "--n_threads", "2"),
        ],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: _models_answer(url), timeout=120)
        config = tmp_path / "run.toml"
        config.write_text(RUN_TOML)
        done = run_cli(
            [
                *("extract", str(ROOT / "seeds"), "--provider", "openai", "--base-url", url),
                *("--model", "gemma", "--strategy", "document", "--cache", "off"),
                *("--out", str(tmp_path / "out"), "--config", str(config)),
                *("--concurrency", "1", "--quiet"),
            ],
            env=child_env(OPENAI_API_KEY="", NO_PROXY="*"),
            timeout=1800,
        )
    finally:
        stop(server)
    assert done.returncode in (0, 1), done.stderr
    raw = (tmp_path / "out" / "predictions.jsonl").read_text().splitlines()
    lines = [PredictionLine.model_validate_json(line) for line in raw]
    assert len(lines) == 5
    for line in lines:
        assert line.error is None and line.record is not None, line.error
        assert line.strategy == "document" and line.usage.calls >= 1
        for record_type in RECORD_TYPES:
            for item in line.record.items(record_type):
                assert item.span is not None and item.grounding is not None
                start, end = item.span
                assert 0 <= start < end
