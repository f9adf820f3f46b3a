"""`chengxin screening recover`: screen again what a crash or Redis lost, fail the hopeless.

With Redis, workers do this by themselves when they start and every 20 s while idle;
without it, `chengxin serve` does it when it starts. The command is for an operator who
wants the answer now.
"""

from __future__ import annotations

import click

from archive.kernel.queue import wait_for_background_jobs
from archive.submissions.recovery import recover_unfinished
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
    """Re-queue unfinished submissions whose job is gone; fail those out of attempts.

    Without Redis the jobs run here, in this process, before the command returns."""
    rt = screening_runtime()
    requeued, failed = recover_unfinished(
        rt.settings, rt.session_factory, grace_seconds=grace_seconds
    )
    if not rt.settings.redis_url and rt.settings.jobs_mode == "thread":
        wait_for_background_jobs(timeout_seconds=rt.settings.job_timeout_seconds)
    click.echo(f"{requeued} re-queued, {failed} failed")
