"""The Flask application: `create_app(settings)` wires the kernel, extensions and blueprints."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from flask import Flask, current_app, g, request
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from archive.kernel import clock, runtime
from archive.kernel.accounts import Permission
from archive.kernel.db import make_engine, make_session_factory
from archive.kernel.errors import DatabaseNotMigrated, DatabaseUnavailable
from archive.kernel.migrations import is_current
from archive.kernel.people import mask_id_number
from archive.kernel.settings import Settings
from casework.audit_words import STATUS_WORDS
from casework.catalogue import DURATION_LABELS
from casework.models import TRANSITIONS
from web import (
    admin,
    api,
    archive_api,
    archive_pages,
    audit_views,
    auth,
    cases_api,
    cases_mine,
    cases_office,
    cases_pages,
    credit_api,
    credit_pages,
    credit_public,
    db,
    errors,
    home,
    i18n,
    letters_public,
    me,
    people_pages,
    ratelimit,
    report_verify,
    screening_api,
    screening_pages,
    security_headers,
    tips,
)
from web.extensions import csrf
from web.nav import items_for

log = logging.getLogger(__name__)


@dataclass
class AppState:
    """What request handlers need from the app: settings and the database."""

    settings: Settings
    engine: Engine | None
    session_factory: sessionmaker[Session]
    schema_ok: bool = False


def create_app(
    settings: Settings | None = None,
    *,
    session_factory: sessionmaker[Session] | None = None,
    check_schema: bool = True,
) -> Flask:
    """Build the app for `settings` (from the environment when None)."""
    settings = (settings or Settings.from_env()).checked()
    app = Flask(__name__)
    app.url_map.converters["int"] = errors.BoundedInt
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=n, x_proto=n, x_host=n
        )
    _configure(app, settings, session_factory, check_schema)
    _register_hooks(app, settings)
    _register_areas(app)
    _template_helpers(app, settings)
    return app


def _configure(
    app: Flask,
    settings: Settings,
    session_factory: sessionmaker[Session] | None,
    check_schema: bool,
) -> None:
    """Flask's configuration, the database, and the process runtime jobs find it through."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = None
    if session_factory is None:
        engine = make_engine(settings)
        session_factory = make_session_factory(engine, settings)
    rt = runtime.configure(
        settings,
        engine=engine or make_engine(settings),
        session_factory=session_factory,
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes * 8,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookies_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
        JSON_AS_ASCII=False,
        TESTING=settings.env == "test",
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["chengxin"] = AppState(
        settings, engine, session_factory, schema_ok=not check_schema
    )
    # In-process jobs find the database through the process runtime; re-assert this
    # app's before each request (a no-op with one app per process, essential in tests).
    app.before_request(lambda: runtime.activate(rt))


def _register_hooks(app: Flask, settings: Settings) -> None:
    """Extensions and request hooks, in the order they run: session, language, limits,
    schema check, the acting user, CSRF; then the error handlers. Security headers come
    first: `after_request` hooks run last-registered first, so theirs runs after the
    commit and covers the answer a failed commit puts in its place."""
    security_headers.init_app(app, settings)
    db.init_app(app)
    i18n.init_app(app, settings.data_dir)
    ratelimit.init_app(app, settings)
    csrf.init_app(app)
    app.before_request(_require_migrated_schema)
    app.before_request(auth.load_user)
    app.before_request(_csrf_unless_token)
    errors.init_app(app)


def _register_areas(app: Flask) -> None:
    """Every area's blueprints, by name."""
    app.register_blueprint(i18n.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(audit_views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(screening_pages.bp)
    app.register_blueprint(screening_api.api)
    app.register_blueprint(cases_pages.bp)
    app.register_blueprint(cases_api.bp)
    app.register_blueprint(tips.bp)
    app.register_blueprint(credit_pages.bp)
    app.register_blueprint(credit_api.api)
    app.register_blueprint(credit_public.bp)
    app.register_blueprint(letters_public.bp)
    app.register_blueprint(report_verify.bp)
    app.register_blueprint(me.bp)
    app.register_blueprint(archive_pages.bp)
    app.register_blueprint(archive_api.api)
    app.register_blueprint(people_pages.bp)


def _template_helpers(app: Flask, settings: Settings) -> None:
    """What every template may call: layout context, the workbench's panels and data."""
    app.jinja_env.filters["cst"] = china_time
    app.jinja_env.filters["in_language"] = i18n.in_language
    app.jinja_env.filters["numbered"] = i18n.numbered
    app.jinja_env.globals.update(
        current_language=i18n.current_language,
        LANGUAGES=i18n.LANGUAGES,
        home_panels=home.panels_for,
        role_label=home.role_label,
        case_inbox=cases_office.inbox_for,
        case_todo=cases_office.todo_for,
        case_replies=cases_office.replies_for,
        my_case_rows=cases_mine.my_cases_for,
        state_label=cases_pages.state_label,
        mask_id_number=mask_id_number,
        case_transitions=TRANSITIONS,
        screening_verdict_chip=screening_pages.verdict_chip,
        screening_recent_batches=screening_pages.recent_batches,
        credit_panel_data=credit_pages.panel_data,
        record_readers=archive_pages.readers_text,
        status_words=STATUS_WORDS,
        duration_labels=DURATION_LABELS,
        today=clock.today,
        Permission=Permission,
    )

    @app.context_processor
    def _layout_context() -> dict[str, Any]:
        user = g.get("user")
        return {
            "current_user": user,
            "nav_items": items_for(user),
            "settings": settings,
        }


CHINA = timezone(timedelta(hours=8), "CST")


def china_time(value: datetime | date | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A UTC timestamp as the users read it: China Standard Time (UTC+8)."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.strftime(fmt)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(CHINA).strftime(fmt)


def _require_migrated_schema() -> None:
    """Refuse requests with a clear message until `chengxin db upgrade` has run."""
    if request.endpoint == "static":
        return
    state: AppState = current_app.extensions["chengxin"]
    if state.schema_ok:
        return
    bind = state.session_factory.kw.get("bind")
    engine = bind.engine if bind is not None else None
    try:
        current = engine is not None and is_current(engine)
    except SQLAlchemyError as exc:
        if request.endpoint == "api.health":
            return  # health says what is down itself
        raise DatabaseUnavailable(
            "数据库暂不可用，请稍后重试。 (The database does not answer.)"
        ) from exc
    if current:
        state.schema_ok = True
        return
    raise DatabaseNotMigrated(
        "数据库尚未迁移到当前版本，请运行 `chengxin db upgrade`。"
        " (The database is not migrated: run `chengxin db upgrade`.)"
    )


def _csrf_unless_token() -> None:
    """Forms and cookie-authenticated API calls need a CSRF token; bearer-token calls do not."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    if g.get("via_token"):
        return
    csrf.protect()
