"""The `chengxin` console script starts light: the collector is back on after the import,
and nothing heavy that a command may not need is imported at start-up.

Both run in a child process: `web.launch` freezes the collector's objects, which the
test process should not have done to it.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.cli_runs import REPO

HEAVY = ("alembic", "datasketch", "scipy", "sklearn", "jieba", "weasyprint")
PROBE = (
    "import gc, json, sys\n"
    "import web.cli\n"
    "from web.launch import main\n"
    "print(json.dumps({'same': main is web.cli.main, 'gc': gc.isenabled(),\n"
    "                  'frozen': gc.get_freeze_count() > 0,\n"
    f"                  'heavy': [m for m in {HEAVY!r} if m in sys.modules]}}))\n"
)


def _probe() -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_the_console_script_is_the_cli_with_the_collector_on() -> None:
    seen = _probe()
    assert seen["same"] is True
    assert seen["gc"] is True
    assert seen["frozen"] is True


def test_starting_the_cli_imports_none_of_the_heavy_libraries() -> None:
    assert _probe()["heavy"] == []
