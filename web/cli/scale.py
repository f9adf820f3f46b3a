"""`chengxin screening recover`: re-queue screening jobs Redis lost, fail the hopeless.

Workers do this by themselves when they start and every 20 s while idle; the command is for an
operator who restarted Redis and wants the answer now.
"""

from __future__ import annotations

import click

from archive.submissions.queue import reconcile
from web.cli.screening import screening_runtime


@click.group("screening")
def screening_group() -> None:
    """Screening jobs on the rq queue."""


@screening_group.command("recover")
@click.option(
    "--grace-seconds",
    default=30,
    show_default=True,
    type=int,
    help="Leave submissions younger than this alone (their job may be on its way).",
)
def recover(grace_seconds: int) -> None:
    """Re-queue unfinished submissions whose job is gone; fail those out of attempts."""
    rt = screening_runtime()
    if not rt.settings.redis_url:
        raise click.ClickException(
            "CHENGXIN_REDIS_URL is not set: without Redis, jobs run in the web process."
        )
    requeued, failed = reconcile(
        rt.settings, rt.session_factory, grace_seconds=grace_seconds
    )
    click.echo(f"{requeued} re-queued, {failed} failed")
