"""Core JSON API: who am I, health, and a CSRF token for scripts running in our pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask_wtf.csrf import generate_csrf
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from archive.kernel.db import read_session
from archive.kernel.errors import QueueUnavailable
from archive.kernel.queue import redis_connection
from web.auth import login_required, signed_in_user
from web.openapi import build_spec

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/me")
@login_required
def me() -> Any:
    """The acting user, their roles and permissions."""
    user = signed_in_user()
    return jsonify(
        {
            "id": user.id,
            "username": user.username,
            "display_name": user.display_name,
            "roles": sorted(r.value for r in user.roles),
            "permissions": sorted(p.value for p in user.permissions),
        }
    )


@bp.route("/health")
def health() -> Any:
    """What answers and what does not, for a load balancer or monitor: 200 when every
    configured service answers, 503 naming in `down` those that do not."""
    state = current_app.extensions["chengxin"]
    database = "ok"
    try:
        # A read session: on SQLite it takes no write lock (the request's own session,
        # opened by a bearer token, may hold it already).
        with read_session(state.session_factory) as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.warning("health: the database does not answer", exc_info=True)
        database = "unavailable"
    queue = "inline"
    if state.settings.redis_url:
        try:
            redis_connection(state.settings)
            queue = "redis"
        except QueueUnavailable:
            queue = "unavailable"
    checks = {"database": database, "queue": queue}
    down = sorted(name for name, status in checks.items() if status == "unavailable")
    return jsonify({**checks, "down": down}), 503 if down else 200


@bp.route("/csrf")
def csrf_token() -> Any:
    """A CSRF token for fetch() calls from our own pages."""
    return jsonify({"csrf_token": generate_csrf()})


@bp.route("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3 description of this JSON API (public: it describes, it reveals no data)."""
    return jsonify(build_spec(current_app))
