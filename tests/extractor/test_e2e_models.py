"""Real end-to-end runs: the embedded model in process, and llama.cpp's own OpenAI server on
loopback driven by the `openai` provider over real HTTP. Both extract for real (no cache)."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from extractor.config import RunConfig
from extractor.documents import Document
from extractor.pipeline import Pipeline

ARTICLE = (
    "Dixon Technologies said on Wednesday it will assemble smartphones for Xiaomi at its "
    "plant in Noida. Exports rose 55% to $24.14 billion in FY25."
)

llama_cpp = pytest.importorskip("llama_cpp", reason="the 'embedded' extra is not installed")


def _run(config: RunConfig) -> object:
    pipeline = Pipeline.from_config(config)
    return asyncio.run(pipeline.extract(Document("e2e", ARTICLE, "test")))


def _check(line: object) -> None:
    assert line.error is None, line.error  # type: ignore[attr-defined]
    record = line.record  # type: ignore[attr-defined]
    assert record is not None and line.usage.calls > 0  # type: ignore[attr-defined]
    names = {c.name for c in record.companies}
    assert names & {"Dixon Technologies", "Xiaomi"}, names
    for item in [*record.companies, *record.figures]:
        assert item.span is not None
        assert ARTICLE[item.span[0] : item.span[1]] == item.evidence
    assert {f.raw for f in record.figures} == {"55%", "$24.14 billion"}


@pytest.mark.model
def test_embedded_model_extracts_for_real(tmp_path: Path) -> None:
    config = RunConfig.model_validate({"cache": {"mode": "off", "dir": str(tmp_path)}})
    _check(_run(config))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(url)


@pytest.mark.server
@pytest.mark.model
def test_openai_provider_against_llama_cpp_server(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp.server", reason="the 'server' extra is not installed")
    from extractor.providers.embedded import resolve_model_file

    model_file, _ = resolve_model_file(None)
    port = _free_port()
    env = {**os.environ, "OPENAI_API_KEY": "sk-test-not-a-real-key"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(model_file),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--model_alias",
            "gemma",
            "--n_ctx",
            "2048",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        _wait_ready(f"http://127.0.0.1:{port}/v1/models", proc)
        config = RunConfig.model_validate(
            {
                "provider": {
                    "kind": "openai",
                    "model": "gemma",
                    "base_url": f"http://127.0.0.1:{port}/v1",
                },
                "cache": {"mode": "record", "dir": str(tmp_path)},
                # The sentence reader's narrow questions fit this server's 2,048-token context;
                # the document strategy against a real server has its own test.
                "extraction": {"strategy": "sentences"},
            }
        )
        os.environ.setdefault("OPENAI_API_KEY", "sk-test-not-a-real-key")
        pipeline = Pipeline.from_config(config)
        asyncio.run(pipeline.provider.check())
        line = asyncio.run(pipeline.extract(Document("e2e", ARTICLE, "test")))
        assert line.provider == "openai"
        _check(line)
        for entry in tmp_path.rglob("*.json"):
            assert "sk-test" not in entry.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
