"""The README's production start works every time: gunicorn with 4 workers on a fresh data
directory, several times (each worker used to compile the translations to one temp file and
2 of 4 starts failed); and per-process rate-limit counters are refused under 4 workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.cli_runs import REPO, cli_database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(gunicorn), "-w", "4", "-b", f"127.0.0.1:{port}", "web.wsgi:app"],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _env(tmp_path: Path, run: int, **extra: str) -> dict[str, str]:
    base, _ = cli_database(tmp_path / f"run{run}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")}
    env.update(base)
    env.update(extra)
    return env


def test_four_workers_boot_on_a_fresh_data_dir_every_time(tmp_path):
    for run in range(3):
        env = _env(tmp_path, run, CHENGXIN_ENV="development")
        port = _free_port()
        log = tmp_path / f"gunicorn{run}.log"
        proc = _start(env, port, log)
        try:
            deadline = time.monotonic() + 120
            status = None
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
                        status = r.status
                    break
                except OSError:
                    time.sleep(0.5)
            time.sleep(3)  # let every worker finish booting
            text = log.read_text(errors="replace")
            assert status == 200, text[-2000:]
            assert proc.poll() is None, text[-2000:]
            assert "Worker failed to boot" not in text and "Traceback" not in text, text
            assert text.count("Booting worker") == 4, text
        finally:
            _stop(proc)


def test_production_refuses_per_process_rate_limits_under_four_workers(tmp_path):
    env = _env(tmp_path, 9, CHENGXIN_ENV="production", CHENGXIN_SECRET_KEY="s" * 32)
    proc = _start(env, _free_port(), tmp_path / "refused.log")
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        _stop(proc)
        pytest.fail("gunicorn started with memory:// rate limits under 4 workers")
    assert "CHENGXIN_RATELIMIT_STORAGE_URL" in (tmp_path / "refused.log").read_text()
