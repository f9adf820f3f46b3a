"""The fixed cost of a `chengxin screen` run: one page screened against an empty corpus.

A fresh data directory is made and migrated first (not timed); then the `chengxin`
console script runs `screen page.txt --out DIR` `--runs` times and the median wall time
is printed, with the median CPU time of the process (user + system) and the load average,
since the machine may be shared. The page is about 1,000 characters of our own
hand-written text (the first rows of benchmarks/data/semantic/tune_light.jsonl).

Two figures: with Python's bytecode cached, as after a `pip install` (which compiles it)
or any earlier run (the target, issue #12: < 1 s), and with the environment as it is
here, where PYTHONDONTWRITEBYTECODE=1 makes every run compile our modules from source
unless `make install` compiled them.

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


CHENGXIN = Path(sys.executable).with_name("chengxin")


def timed_screen(page: Path, out_dir: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one `chengxin screen` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(CHENGXIN), "screen", str(page), "--out", str(out_dir)],
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


def measure(
    page: Path, root: Path, env: dict[str, str], runs: int
) -> list[tuple[float, float]]:
    """One untimed run (it writes the bytecode where that is allowed), then `runs` timed."""
    timed_screen(page, root / "out", env)
    return [timed_screen(page, root / "out", env) for _ in range(runs)]


def line(label: str, runs: list[tuple[float, float]], target: bool) -> str:
    """The medians of one mode, its range, and the verdict when the target applies."""
    walls = sorted(w for w, _ in runs)
    wall = statistics.median(walls)
    verdict = (
        f"  target <{TARGET_S:.0f}s {'ok' if wall < TARGET_S else 'MISS'}"
        if target
        else ""
    )
    return (
        f"  {label:<44} median {wall:.2f}s wall, "
        f"{statistics.median(c for _, c in runs):.2f}s CPU "
        f"(wall {walls[0]:.2f}-{walls[-1]:.2f}s){verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    """Prepare an empty corpus, time the runs in both modes, print the medians."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    page_text = one_page()
    with tempfile.TemporaryDirectory(prefix="chengxin-fixed-") as tmp:
        root = Path(tmp)
        page = root / "page.txt"
        page.write_text(page_text, encoding="utf-8")
        data_dir = root / "data"
        run_chengxin(["corpus", "list"], data_dir)  # creates and migrates the database
        here = {**os.environ, "CHENGXIN_DATA_DIR": str(data_dir)}
        cached = {k: v for k, v in here.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        as_here = measure(page, root, here, args.runs)
        with_cache = measure(page, root, cached, args.runs)
    print(
        f"chengxin screen, one page ({len(page_text)} chars) against an empty corpus, "
        f"{args.runs} runs each (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):"
    )
    print(line("bytecode cached (as installed)", with_cache, target=True))
    flag = os.environ.get("PYTHONDONTWRITEBYTECODE", "unset")
    print(
        line(
            f"this environment (PYTHONDONTWRITEBYTECODE={flag})", as_here, target=False
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
