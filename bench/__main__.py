"""Run every benchmark: ``python -m bench`` (quick runs) or ``python -m bench --full``.

Each script prints its own figures and ratios against a baseline measured in the same run; this
runner only calls them one after the other, each in its own process so peak memory is its own.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "segment_bench.py",
    "structure_bench.py",
    "align_bench.py",
    "terms_bench.py",
    "check_bench.py",
    "tmx_bench.py",
    "match_bench.py",
    "index_bench.py",
    "zh_tokens_bench.py",
    "server_bench.py",
)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--full", action="store_true", help="full sizes (1M-unit TMX and memory)")
    parser.add_argument("only", nargs="*", help="run only these scripts (e.g. match_bench)")
    args = parser.parse_args()
    failed = []
    for script in SCRIPTS:
        if args.only and Path(script).stem not in args.only:
            continue
        command = [sys.executable, str(HERE / script)] + ([] if args.full else ["--quick"])
        print(f"\n=== {script} {'(full)' if args.full else '(--quick)'} ===", flush=True)
        start = time.perf_counter()
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(script)
        print(f"--- {script}: {time.perf_counter() - start:.1f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
