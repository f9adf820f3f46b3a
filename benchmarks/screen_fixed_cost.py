"""The fixed cost of a `chengxin screen` run: one page screened against an empty corpus.

A fresh data directory is made and migrated first (not timed); then `chengxin screen
page.txt --out DIR` runs as a command `--runs` times and the median wall time is printed,
with the median CPU time of the process (user + system) and the load average, since the
machine may be shared. The page is about 1,000 characters of our own hand-written text
(the first rows of benchmarks/data/semantic/tune_light.jsonl). Target (issue #12): < 1 s.

    .venv/bin/python -m benchmarks.screen_fixed_cost [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.screen_cli import REPO, run_chengxin

DATA = Path(__file__).resolve().parent / "data" / "semantic" / "tune_light.jsonl"
TARGET_S = 1.0


def one_page(chars: int = 1000) -> str:
    """About `chars` characters of hand-written Chinese, paragraph by paragraph."""
    out: list[str] = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        out.append(json.loads(line)["text"])
        if sum(len(p) for p in out) >= chars:
            break
    return "\n".join(out) + "\n"


def timed_screen(page: Path, out_dir: Path, data_dir: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `chengxin screen` process."""
    env = {**os.environ, "CHENGXIN_DATA_DIR": str(data_dir)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "web.cli", "screen", str(page), "--out", str(out_dir)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"chengxin screen failed:\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    """Prepare an empty corpus, time the runs, print the medians."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="chengxin-fixed-") as tmp:
        root = Path(tmp)
        page = root / "page.txt"
        page.write_text(one_page(), encoding="utf-8")
        data_dir = root / "data"
        run_chengxin(["corpus", "list"], data_dir)  # creates and migrates the database
        runs = [timed_screen(page, root / "out", data_dir) for _ in range(args.runs)]
    walls = sorted(w for w, _ in runs)
    cpus = sorted(c for _, c in runs)
    wall = statistics.median(walls)
    print(
        f"chengxin screen, one page ({len(one_page())} chars) against an empty corpus: "
        f"median {wall:.2f}s wall, {statistics.median(cpus):.2f}s CPU over {args.runs} runs "
        f"(wall {walls[0]:.2f}-{walls[-1]:.2f}s; load average {os.getloadavg()[0]:.1f}) "
        f" target <{TARGET_S:.0f}s {'ok' if wall < TARGET_S else 'MISS'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
