"""The load benchmark's small variant: every kind of request at once against gunicorn and
an rq worker, with no error, no lost update and no duplicated job (latency targets are
for `python -m benchmarks.load` by hand, not for a shared CI machine)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.timeout(400),
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="needs redis-server"
    ),
]


def test_load_smoke_has_no_error_lost_update_or_duplicated_job(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")}
    env["TMPDIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.load", "--smoke"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=380,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "errors: 0 " in done.stdout
    assert "lost updates: 0; duplicated jobs: 0; jobs unfinished at the end: 0" in (
        done.stdout
    )
