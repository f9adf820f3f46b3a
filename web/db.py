"""The request's database session: opened on first use, committed after a good response."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session


def get_session() -> Session:
    """The session of this request, created on first use and cached on `g`."""
    if "db_session" not in g:
        factory = current_app.extensions["chengxin"].session_factory
        session = factory()
        session.info["actor"] = g.get("user") or "anonymous"
        g.db_session = session
    return g.db_session


def init_app(app: Flask) -> None:
    """Commit when the response is below 400, roll back otherwise, always close."""

    @app.after_request
    def _commit(response):  # type: ignore[no-untyped-def]
        session = g.pop("db_session", None)
        if session is not None:
            try:
                if response.status_code < 400:
                    session.commit()
                else:
                    session.rollback()
            finally:
                session.close()
        return response

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
