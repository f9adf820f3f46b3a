"""The `chengxin` console script starts light: the collector is back on after the import,
nothing heavy that a command may not need is imported at start-up, and a screening run
imports the screening commands alone (not the web application, casework or credit).

Each probe runs in a child process: `web.launch` freezes the collector's objects, which
the test process should not have done to it.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.cli_runs import REPO

HEAVY = ("alembic", "datasketch", "scipy", "sklearn", "jieba", "weasyprint")
# What a screening run has no use for.
NOT_FOR_SCREENING = ("flask", "web.app", "casework.models", "archive.records.services")


def _probe(*argv: str) -> dict[str, object]:
    """Start `web.launch` as `chengxin ARGV` would, and say what it imported."""
    probe = (
        "import gc, json, sys\n"
        f"sys.argv = ['chengxin', *{list(argv)!r}]\n"
        "from web.launch import main\n"
        "import web.cli\n"
        "print(json.dumps({'same': main is web.cli.main, 'gc': gc.isenabled(),\n"
        "                  'frozen': gc.get_freeze_count() > 0,\n"
        "                  'commands': sorted(main.commands),\n"
        f"                  'heavy': [m for m in {HEAVY + NOT_FOR_SCREENING!r}\n"
        "                            if m in sys.modules]}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_the_console_script_is_the_cli_with_the_collector_on() -> None:
    seen = _probe("--help")
    assert seen["same"] is True
    assert seen["gc"] is True
    assert seen["frozen"] is True


def test_starting_the_cli_imports_none_of_the_heavy_libraries() -> None:
    seen = _probe("cases", "list")
    assert not set(seen["heavy"]) & set(HEAVY)  # type: ignore[arg-type]
    assert {"cases", "credit", "serve", "screen", "db"} <= set(seen["commands"])  # type: ignore[arg-type]


def test_a_screening_run_starts_with_the_screening_commands_alone() -> None:
    for command in ("screen", "pan", "corpus"):
        seen = _probe(command, "--help")
        assert seen["commands"] == ["corpus", "pan", "screen"]
        assert seen["heavy"] == []
        assert seen["gc"] is True and seen["frozen"] is True


def test_an_option_before_the_command_gets_every_command() -> None:
    # `chengxin -v screen` is not told apart from other commands: it starts the full CLI.
    assert "cases" in _probe("-v", "screen")["commands"]  # type: ignore[operator]
