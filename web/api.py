"""Core JSON API: who am I, health, and a CSRF token for scripts running in our pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from flask_wtf.csrf import generate_csrf
from sqlalchemy import text

from archive.kernel.errors import QueueUnavailable
from archive.kernel.queue import redis_connection
from web.auth import login_required, signed_in_user
from web.db import get_session
from web.openapi import build_spec

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
    """Database and queue status; 200 when the database answers, the queue reported as is."""
    settings = current_app.extensions["chengxin"].settings
    get_session().execute(text("SELECT 1"))
    queue = "inline"
    if settings.redis_url:
        try:
            redis_connection(settings)
            queue = "redis"
        except QueueUnavailable:
            queue = "unavailable"
    return jsonify({"database": "ok", "queue": queue})


@bp.route("/csrf")
def csrf_token() -> Any:
    """A CSRF token for fetch() calls from our own pages."""
    return jsonify({"csrf_token": generate_csrf()})


@bp.route("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3 description of this JSON API (public: it describes, it reveals no data)."""
    return jsonify(build_spec(current_app))
