"""The `chengxin` command group: options every command shares, and domain errors as one
line. Its commands are registered by `web.cli.commands` (all of them) or, for a screening
run that needs no more, by `web.launch` from `web.cli.screening` alone; commands reach
the database through the `CliContext` in the click context (`archive.kernel.cli`). A
`DomainError` becomes a clean error message and exit status 1, never a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

import click

from archive.kernel.cli import CliContext
from archive.kernel.errors import DomainError
from archive.kernel.settings import SettingsError


class DomainAwareGroup(click.Group):
    """Turns domain and settings errors into `click.ClickException`s."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command, translating expected errors into one-line messages."""
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            raise click.ClickException(exc.message) from exc
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=DomainAwareGroup)
@click.option(
    "-v", "--verbose", is_flag=True, help="Also print the migrations' progress lines."
)
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """诚信 chengxin: research-integrity screening, casework, credit and archive."""
    ctx.ensure_object(CliContext)
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    # Alembic says "Context impl SQLiteImpl." on every start; a command's answer should
    # come first and alone (db upgrade prints what it did itself).
    logging.getLogger("alembic").setLevel(logging.INFO if verbose else logging.WARNING)
