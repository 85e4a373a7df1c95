"""How fast the one JSONL parser (CLI and service) reads a large file.

    python bench/jsonl_bench.py [--lines 50000]

Each line holds a raw U+2028 inside its JSON string, which must not split it.
"""

from __future__ import annotations

import argparse
import json
import time

from extractor.documents import JsonlRules, parse_jsonl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=50_000)
    args = parser.parse_args()
    text = "Xiaomi signed with Dixon.\u2028" * 8
    data = "\n".join(
        json.dumps({"id": f"d{i}", "text": text}, ensure_ascii=False) for i in range(args.lines)
    ).encode()
    started = time.perf_counter()
    parsed = list(parse_jsonl(data, JsonlRules("bench", "bench:", "bench.jsonl:")))
    elapsed = time.perf_counter() - started
    size = len(data) / 1e6
    print(f"{size:.1f} MB, {len(parsed)} documents from {args.lines} lines: {elapsed:.2f} s")


if __name__ == "__main__":
    main()
