"""`chengxin` run as a command, as a user runs it: the real setting for the benchmarks.

`screen_with_cli` adds a corpus to a fresh data directory with `chengxin corpus add` and
screens a folder of texts with `chengxin screen --format json`, then reads the reports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def run_chengxin(args: Sequence[str], data_dir: Path) -> None:
    """Run `chengxin ARGS` on `data_dir`; raise with the tail of stderr if it fails."""
    env = {**os.environ, "CHENGXIN_DATA_DIR": str(data_dir)}
    proc = subprocess.run(
        [sys.executable, "-m", "web.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"chengxin {args[0]} failed:\n{proc.stderr[-3000:]}")


def screen_with_cli(
    corpus: Mapping[str, str], texts: Mapping[str, str], tmp: Path
) -> dict[str, list[dict[str, Any]]]:
    """Each text's report matches (JSON form) against `corpus`, names ending in `.txt`."""
    corpus_dir, texts_dir, out_dir = tmp / "corpus", tmp / "texts", tmp / "reports"
    for d in (corpus_dir, texts_dir):
        d.mkdir()
    for name, text in corpus.items():
        (corpus_dir / name).write_text(text, encoding="utf-8", newline="")
    for name, text in texts.items():
        (texts_dir / name).write_text(text, encoding="utf-8", newline="")
    data_dir = tmp / "data"
    run_chengxin(["corpus", "add", str(corpus_dir), "-q", "--no-store-files"], data_dir)
    run_chengxin(
        ["screen", str(texts_dir), "--out", str(out_dir), "--format", "json"], data_dir
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for name in texts:
        report = (out_dir / name).with_suffix(".json").read_text(encoding="utf-8")
        out[name] = json.loads(report)["matches"]
    return out
