"""Every command of `chengxin` on its group: database, server, worker, audit, users, demo,
and each package's command groups, imported and registered here by name. The daily and
screening jobs are registered by importing their modules here."""

from __future__ import annotations

import logging
import secrets
import sys
import threading
import time

import click

from archive.kernel import accounts, audit, runtime, scheduler
from archive.kernel.accounts import Role
from archive.kernel.audit_anchors import (
    anchor_key,
    anchor_path,
    check_anchors,
    write_anchor,
)
from archive.kernel.cli import cli_context, pass_runtime
from archive.kernel.db import make_engine, session_scope
from archive.kernel.migrations import (
    current_revisions,
    head_revisions,
    upgrade,
    write_revision,
)
from archive.records import cli as archive_cli
from archive.records import jobs as _records_jobs  # noqa: F401 - registers daily jobs
from archive.submissions import jobs as _submission_jobs  # noqa: F401 - registers jobs
from archive.submissions.recovery import recover_unfinished
from archive.submissions.worker import DEFAULT_MAX_JOBS, supervise
from casework import cli as casework_cli
from casework import jobs as _case_jobs  # noqa: F401 - registers daily jobs
from casework.credit import cli as credit_cli
from casework.credit import jobs as _credit_jobs  # noqa: F401 - registers daily jobs
from web.app import create_app
from web.cli import backup as backup_cli
from web.cli import main
from web.cli import people as people_cli
from web.cli import scale as scale_cli
from web.cli import screening as screening_cli
from web.demo import load_demo
from web.demo_cases import load_case_demo
from web.demo_people import load_people_demo
from web.schema import load_models


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations (creates the database on first run)."""
    settings = cli_context().settings
    engine = make_engine(settings)
    upgrade(engine)
    click.echo(
        f"database at {', '.join(sorted(current_revisions(engine)))} "
        f"(heads: {', '.join(sorted(head_revisions()))})"
    )


@db.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@pass_runtime
def db_revision(rt: runtime.Runtime, message: str) -> None:
    """Write a new migration: the difference between every model and the database."""
    load_models()
    for path in write_revision(rt.engine, message):
        click.echo(f"wrote {path}")


@db.command("current")
def db_current() -> None:
    """Show whether the database is migrated; exit 1 when it is behind."""
    engine = make_engine(cli_context().settings)
    current, heads = current_revisions(engine), head_revisions()
    click.echo(
        f"current: {', '.join(sorted(current)) or '(none)'}; heads: {', '.join(sorted(heads))}"
    )
    if current != heads:
        raise click.ClickException(
            "database is not migrated: run `chengxin db upgrade`"
        )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--no-daily", is_flag=True, help="Do not run daily jobs in the background."
)
def serve(host: str, port: int, no_daily: bool) -> None:
    """Run the development server (use gunicorn 'web.wsgi:app' in production)."""

    settings = cli_context().settings
    app = create_app(settings)
    if not settings.redis_url:
        # Embedded: this process owns the jobs, so what a crash stranded is screened again.
        rt = runtime.current()
        threading.Thread(
            target=_recover_embedded, args=(rt,), daemon=True, name="chengxin-recover"
        ).start()
    if not no_daily:
        threading.Thread(target=_daily_loop, daemon=True, name="chengxin-daily").start()
    app.run(host=host, port=port, threaded=True, use_reloader=False)


def _recover_embedded(rt: runtime.Runtime) -> None:
    """Screen again the submissions a crash of the embedded server left unfinished."""
    try:
        requeued, failed = recover_unfinished(rt.settings, rt.session_factory)
    except Exception:
        logging.getLogger(__name__).exception("recovering unfinished screenings failed")
        return
    if requeued or failed:
        logging.getLogger(__name__).warning(
            "recovered after a crash: %s screening(s) re-queued, %s failed",
            requeued,
            failed,
        )


def _daily_loop() -> None:
    """Run due daily jobs now and then hourly (each runs once per day)."""
    while True:
        try:
            with runtime.job_session(actor="scheduler") as session:
                scheduler.run_due(session)
        except Exception:
            logging.getLogger(__name__).exception("daily jobs failed")
        time.sleep(3600)


@main.command()
@click.option("--force", is_flag=True, help="Run even the jobs that already ran today.")
@pass_runtime
def daily(rt: runtime.Runtime, force: bool) -> None:
    """Run the daily jobs (reminders, expiry, fixity audit) that have not run today."""
    with session_scope(rt.session_factory, actor="scheduler") as session:
        results = scheduler.run_due(session, force=force)
    for name, outcome in results.items():
        click.echo(f"{name}: {outcome}")
    if not results:
        click.echo("nothing due today")


@main.command()
@click.option("--burst", is_flag=True, help="Exit when the queue is empty.")
@click.option("--name", default=None, help="Worker name (defaults to a random one).")
@click.option(
    "--max-jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Jobs a worker process runs before a fresh one replaces it (default 500).",
)
def worker(burst: bool, name: str | None, max_jobs: int | None) -> None:
    """Start an rq worker for the chengxin queue (needs CHENGXIN_REDIS_URL)."""
    settings = cli_context().settings
    if not settings.redis_url:
        raise click.ClickException(
            "CHENGXIN_REDIS_URL is not set: without Redis, jobs run inside the web process "
            "and no worker is needed."
        )
    # The group set a bare format already; a worker's log needs the time of each line.
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(process)d %(name)s %(levelname)s: %(message)s",
        force=True,
    )
    runtime.configure(settings)
    sys.exit(
        supervise(
            settings, name=name, burst=burst, max_jobs=max_jobs or DEFAULT_MAX_JOBS
        )
    )


@main.group("audit")
def audit_group() -> None:
    """The audit chain."""


@audit_group.command("verify")
@pass_runtime
def audit_verify(rt: runtime.Runtime) -> None:
    """Walk the chain and check its anchors; exit 1 naming what was altered or removed."""
    path, key = anchor_path(rt.settings), anchor_key(rt.settings)
    with session_scope(rt.session_factory) as session:
        report = audit.verify_chain(session)
        anchors = check_anchors(session, path=path, key=key)
    for problem in anchors.problems:
        click.echo(f"AUDIT ANCHOR FAILED: {problem}", err=True)
    if report.is_intact and anchors.is_intact:
        click.echo(
            f"audit chain intact: {report.checked} entries, head {report.head_hash}; "
            f"{anchors.anchors} anchor(s) in {path} hold"
            + ("" if anchors.anchors else " (none yet: run `chengxin audit anchor`)")
        )
        return
    if not report.is_intact:
        click.echo(f"AUDIT CHAIN BROKEN: {report.problem}", err=True)
        click.echo(f"{report.checked} entries verified before the break", err=True)
    sys.exit(1)


@audit_group.command("anchor")
@pass_runtime
def audit_anchor(rt: runtime.Runtime) -> None:
    """Append the chain's signed head to the anchors file."""
    path = anchor_path(rt.settings)
    with session_scope(rt.session_factory) as session:
        anchor = write_anchor(session, path=path, key=anchor_key(rt.settings))
    if anchor is None:
        click.echo("nothing new to anchor")
    else:
        click.echo(f"anchored entry #{anchor.seq} ({anchor.hash[:16]}…) in {path}")


@main.group()
def users() -> None:
    """Accounts."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--display-name", default="")
@click.option("--password", default=None, help="Prompted when omitted.")
@click.option(
    "--role", "roles", multiple=True, type=click.Choice([r.value for r in Role])
)
@click.option("--university-id", default=None)
@click.option("--unit", default=None)
def users_create(
    username: str,
    display_name: str,
    password: str | None,
    roles: tuple[str, ...],
    university_id: str | None,
    unit: str | None,
) -> None:
    """Create an account."""
    if password is None:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    rt = cli_context().runtime()  # asked for after the prompt, not before
    with session_scope(rt.session_factory, actor="cli") as session:
        user = accounts.create_user(
            session,
            username=username,
            password=password,
            display_name=display_name or username,
            roles={Role(r) for r in roles},
            university_id=university_id,
            unit=unit,
        )
        click.echo(
            f"created user {user.username} (id {user.id}) roles: {', '.join(sorted(roles)) or '-'}"
        )


@users.command("list")
@pass_runtime
def users_list(rt: runtime.Runtime) -> None:
    """List accounts and their roles."""
    with session_scope(rt.session_factory) as session:
        for user in accounts.list_users(session):
            state = "" if user.is_active else " (disabled)"
            click.echo(
                f"{user.id}\t{user.username}\t{user.display_name}\t{','.join(sorted(user.roles))}{state}"
            )


@users.command("token")
@click.option("--username", required=True)
@click.option("--name", default="cli")
@pass_runtime
def users_token(rt: runtime.Runtime, username: str, name: str) -> None:
    """Issue an API token for a user (printed once)."""
    with session_scope(rt.session_factory, actor="cli") as session:
        user = accounts.find_user_by_username(session, username)
        if user is None:
            raise click.ClickException(f"no such user: {username}")
        plain, _token = accounts.issue_api_token(session, user=user, name=name)
    click.echo(plain)


DEMO_USERS = (
    ("admin", "演示管理员", (Role.ADMINISTRATOR, Role.AUDITOR)),
    ("keyanchu", "科研处 王老师", (Role.RESEARCH_OFFICE,)),
    ("diaocha", "调查员 李老师", (Role.INVESTIGATOR,)),
    ("diaocha2", "调查员 马老师", (Role.INVESTIGATOR,)),
    ("diaocha3", "调查员 冯老师", (Role.INVESTIGATOR,)),
    ("weiyuan", "学术委员会 赵教授", (Role.COMMITTEE_MEMBER,)),
    ("weiyuan2", "学术委员会 钱教授", (Role.COMMITTEE_MEMBER,)),
    ("xinyong", "信用管理员 陈老师", (Role.CREDIT_ADMIN,)),
    ("jiwei", "纪委 周老师", (Role.DISCIPLINE_OFFICE,)),
    ("shenji", "审计员 吴老师", (Role.AUDITOR,)),
    ("jiaoshi", "教师 孙老师", (Role.TEACHER,)),
    ("xuesheng", "学生 郑同学", (Role.STUDENT,)),
)


@main.command()
@click.option("--password", default=None, help="Demo password (random when omitted).")
@pass_runtime
def demo(rt: runtime.Runtime, password: str | None) -> None:
    """Set up a demo: one account per role (printed), plus each area's demo data."""
    password = password or secrets.token_urlsafe(9)
    created = []
    with session_scope(rt.session_factory, actor="cli") as session:
        for username, name, roles in DEMO_USERS:
            user = accounts.find_user_by_username(session, username)
            if user is None:
                accounts.create_user(
                    session,
                    username=username,
                    password=password,
                    display_name=name,
                    roles=set(roles),
                )
                created.append(username)
    load_demo(rt)
    load_case_demo(rt)
    click.echo(load_people_demo(rt))
    if created:
        click.echo(f"demo accounts (password for all: {password}):")
        for username, name, roles in DEMO_USERS:
            if username in created:
                click.echo(
                    f"  {username:10s} {name}  [{', '.join(r.value for r in roles)}]"
                )
    else:
        click.echo(
            "demo accounts already exist (reset a password with the admin page or `chengxin users`)"
        )


# Each package's command groups, by name.
for _command in (
    archive_cli.archive_group,
    casework_cli.cases_group,
    casework_cli.holidays_group,
    credit_cli.credit_group,
    people_cli.people_group,
    *screening_cli.COMMANDS,
    scale_cli.screening_group,
    backup_cli.backup,
    backup_cli.restore,
):
    main.add_command(_command)

__all__ = ["main"]
