"""The `chengxin` console script starts light: the collector is back on after the import,
and nothing heavy that a command may not need is imported at start-up."""

from __future__ import annotations

import gc
import json
import subprocess
import sys

import web.cli
import web.launch
from tests.cli_runs import REPO

HEAVY = ("alembic", "datasketch", "scipy", "sklearn", "jieba", "weasyprint")


def test_the_console_script_is_the_cli_with_the_collector_on() -> None:
    assert web.launch.main is web.cli.main
    assert gc.isenabled()


def test_starting_the_cli_imports_none_of_the_heavy_libraries() -> None:
    probe = (
        "import json, sys\n"
        "from web.launch import main\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []
