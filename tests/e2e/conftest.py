"""Browser tests: the real app served on 127.0.0.1, driven by Debian's Chromium.

The server runs, on a database built by the migrations, in a thread of the test process on its own database (a fresh SQLite file,
or a fresh PostgreSQL database next to CHENGXIN_TEST_DATABASE_URL), with committed data,
as in production. Screenshots of failing tests go to `test-artifacts/`.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

from archive.kernel import runtime
from archive.kernel.db import make_engine, make_session_factory
from archive.kernel.migrations import upgrade
from archive.kernel.settings import Settings
from web.app import create_app

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get(
    "CHENGXIN_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium"
)


@dataclass
class LiveServer:
    """A running app: its URL, settings and a way to seed its database."""

    url: str
    settings: Settings
    session_factory: sessionmaker[Session]

    def session(self) -> Session:
        """A session on the server's database; commit what you seed."""
        s = self.session_factory()
        s.info["actor"] = "test-seed"
        return s


def _fresh_database_url(tmp: Path) -> str:
    """A new empty database for the server: SQLite file, or `<testdb>_e2e` on PostgreSQL."""
    base = os.environ.get("CHENGXIN_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        return f"sqlite:///{tmp / 'e2e.sqlite3'}"
    url = make_url(base)
    name = f"{url.database}_e2e"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the app on an ephemeral loopback port for the whole run."""
    tmp = tmp_path_factory.mktemp("e2e")
    settings = Settings(
        env="test",
        data_dir=tmp / "data",
        database_url=_fresh_database_url(tmp),
        secret_key="e2e-secret",
        jobs_mode="sync",
        login_rate_limit="1000 per minute",
        tip_rate_limit="1000 per minute",
        upload_rate_limit="1000 per minute",
    ).checked()
    engine = make_engine(settings)
    upgrade(engine)  # the server runs on a migrated database, as in production
    factory = make_session_factory(engine, settings)
    app = create_app(settings, session_factory=factory)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live = LiveServer(f"http://127.0.0.1:{server.server_port}", settings, factory)
    yield live
    server.shutdown()
    runtime.configure(settings, engine=engine, session_factory=factory)
    engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium through Playwright (no sandbox: CI runs as root)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Remember each phase's outcome so the page fixture can screenshot failures."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser context and page per test; a screenshot is kept when it fails."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(15000)
    pg = context.new_page()
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def browser_login(page, live: LiveServer, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the real form."""
    page.goto(f"{live.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # The sign-in form's own button: a page still signed in (a cookie set by a request
    # in flight when the test cleared them) also holds the header's 退出 button.
    page.click("form:has(input[name=password]) button[type=submit]")
