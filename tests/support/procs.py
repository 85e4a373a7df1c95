"""Starting the real `extractor` command as a subprocess, as a user (or a crash) would.

Crash tests need a separate process to kill -9; the CLI fault test needs the installed entry
point, not an in-process call, so that argument parsing and exit codes are covered too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

EXTRACTOR = str(Path(sys.executable).with_name("extractor"))


def child_env(**extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "EXTRACTOR_API_TOKEN")
    }
    return env | {"PYTHONUNBUFFERED": "1"} | extra


def run_cli(
    args: list[str], env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXTRACTOR, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or child_env(),
        check=False,
    )


def start_cli(
    args: list[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [EXTRACTOR, *args], stdout=out, stderr=subprocess.STDOUT, env=env or child_env()
        )


def kill9(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            kill9(process)


def wait_until(condition: Callable[[], bool], timeout: float = 60, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(every)


def wait_ready(base_url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Until /readyz answers 200; fails at once if the server process died."""

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            return httpx.get(f"{base_url}/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(ready, timeout)
