"""Start-up: a command imports only what it runs, every subcommand is always there, a missing
dependency is named (exit 2) rather than hiding its subcommand, and a replay never touches the
embedded model. Each case runs the real CLI in a fresh interpreter, where `sys.modules` shows
what was imported and a module set to None there is one that is not installed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs extractor.cli.main(argv) with some modules made unimportable, then reports what loaded.
_RUNNER = """
import json, sys
blocked, argv = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for name in blocked:
    sys.modules[name] = None  # `import name` now raises ModuleNotFoundError, as if absent
from extractor.cli import main
try:
    code = main(argv)
except SystemExit as exc:  # argparse's --help and usage errors
    code = exc.code
loaded = sorted(name for name in sys.modules if sys.modules[name] is not None)
print("\\nLOADED " + json.dumps(loaded))
raise SystemExit(code)
"""
HEAVY = ("scipy", "fastapi", "instructor", "openai", "llama_cpp")


def run_cli(
    root: Path, argv: list[str], blocked: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> tuple[int, str, str, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, json.dumps(list(blocked)), json.dumps(argv)],
        cwd=root,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    stdout, _, loaded = done.stdout.rpartition("\nLOADED ")
    assert loaded, f"the runner did not finish: {done.stderr}"
    return done.returncode, stdout, done.stderr, {m.split(".")[0] for m in json.loads(loaded)}


def test_help_imports_no_heavy_module(root: Path) -> None:
    code, out, _, loaded = run_cli(root, ["--help"])
    assert code == 0 and "extract" in out
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_every_subcommand_is_listed_without_the_optional_modules(root: Path) -> None:
    code, out, _, _ = run_cli(root, ["--help"], blocked=("scipy", "fastapi", "uvicorn"))
    assert code == 0
    for command in ("schema", "extract", "gold", "eval", "compare", "serve"):
        assert f"    {command} " in out, f"{command} missing from:\n{out}"


@pytest.mark.parametrize(
    ("blocked", "argv", "module", "install"),
    [
        ("scipy", ["eval", "--pred", "runs/none"], "scipy", "grounded-extractor"),
        ("scipy", ["compare", "a", "b"], "scipy", "grounded-extractor"),
        ("fastapi", ["serve", "--cache", "replay"], "fastapi", "grounded-extractor[server]"),
        ("uvicorn", ["serve", "--cache", "replay"], "uvicorn", "grounded-extractor[server]"),
        ("instructor", ["extract", "--cache", "replay"], "instructor", "grounded-extractor"),
    ],
)
def test_a_missing_dependency_is_named_and_exits_2(
    root: Path, tmp_path: Path, blocked: str, argv: list[str], module: str, install: str
) -> None:
    argv = [*argv, "--out", str(tmp_path / "out")] if argv[0] == "extract" else argv
    code, _, err, _ = run_cli(root, argv, blocked=(blocked,))
    assert code == 2, err
    assert f"needs the Python module {module!r}" in err
    assert f"pip install '{install}'" in err
    assert "Traceback" not in err


def test_a_missing_llama_cpp_is_a_clear_error_before_any_document(
    root: Path, tmp_path: Path
) -> None:
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"not a real model")
    argv = ["extract", "--cache", "off", "--model-path", str(model), "--out", str(tmp_path / "o")]
    code, _, err, _ = run_cli(root, argv, blocked=("llama_cpp",))
    assert code == 2, err
    assert "needs 'llama_cpp'" in err and "grounded-extractor[embedded]" in err
    assert not (tmp_path / "o" / "predictions.jsonl").exists()


def test_replay_never_assembles_reads_or_loads_the_model(root: Path, tmp_path: Path) -> None:
    """llama_cpp is unimportable and HOME is empty: the packaged model would be assembled
    there (hundreds of MB) if a replay needed its file, and loaded through llama_cpp."""
    home = tmp_path / "home"
    home.mkdir()
    out = tmp_path / "replay"
    argv = ["extract", "--cache", "replay", "--out", str(out), "--overwrite", "--quiet"]
    env = {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    code, stdout, err, loaded = run_cli(root, argv, blocked=("llama_cpp",), env=env)
    assert code == 0, err
    assert "5 ok, 0 failed" in stdout
    lines = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    assert len(lines) == 5 and all(line["error"] is None for line in lines)
    calls = sum(line["usage"]["calls"] for line in lines)
    assert calls > 0 and calls == sum(line["usage"]["cache_hits"] for line in lines)
    assert list(home.rglob("*")) == [], "a replay wrote into HOME (model assembled or hashed)"
    assert loaded.isdisjoint({"scipy", "fastapi", "llama_cpp"})


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_paused_restores_the_collector_and_freezes_once(enabled: bool) -> None:
    """The first import of a module runs with the collector off and freezes what it built;
    a second use in the same process (a module already imported) neither pauses nor freezes,
    so the garbage of earlier commands in a long-lived process stays collectable."""
    import gc

    from extractor.cli import collector_paused

    module = "tests_collector_probe_module"
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    gc.unfreeze()
    try:
        with collector_paused(module):
            assert not gc.isenabled()
            sys.modules[module] = sys  # stands for the import done inside the block
        assert gc.isenabled() is enabled
        frozen = gc.get_freeze_count()
        assert frozen > 0
        gc.unfreeze()
        with collector_paused(module):
            assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == 0
    finally:
        sys.modules.pop(module, None)
        gc.unfreeze()
        (gc.enable if was else gc.disable)()
