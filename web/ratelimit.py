"""Rate limits for logins, tips, tipster look-ups and uploads (moving window, memory or
Redis storage), keyed on the client's address as the trusted proxies report it.

Behind the reverse proxy every request comes from the proxy's address; `create_app` puts
ProxyFix in front when `CHENGXIN_TRUSTED_PROXIES` says how many proxies to trust, so that
`request.remote_addr` is the client's. Counters live in `memory://` (one process) or Redis:
under gunicorn with several workers per-process counters would multiply every limit, so the
production entry point refuses `memory://` there (see `check_shared_storage`).
"""

from __future__ import annotations

import logging
import os
import shlex
from collections.abc import Mapping, Sequence

from flask import Flask, current_app, g, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from archive.kernel.errors import DomainError
from archive.kernel.settings import Settings, SettingsError

log = logging.getLogger(__name__)


class TooManyRequests(DomainError):
    """The caller exceeded a rate limit; try again later."""

    code = "too_many_requests"


def init_app(app: Flask, settings: Settings) -> None:
    """Give the app its own limiter and storage (tests get a fresh one per app)."""
    app.extensions["chengxin_ratelimit"] = MovingWindowRateLimiter(
        storage_from_string(settings.ratelimit_storage)
    )


def client_address() -> str:
    """The client's address (ProxyFix has already replaced the proxy's with it)."""
    return request.remote_addr or "?"


def hit(scope: str, key: str, limit: str) -> None:
    """Count one attempt; raise `TooManyRequests` when the window is full."""
    limiter: MovingWindowRateLimiter = current_app.extensions["chengxin_ratelimit"]
    item = parse(limit)
    try:
        allowed = limiter.hit(item, scope, key)
    except (RedisError, OSError) as exc:
        # The counters' Redis is down: count nothing rather than refuse every sign-in and
        # upload (the action itself then says what is down); logged for the operator.
        log.warning("rate-limit storage unavailable (%s): %s not counted", exc, scope)
        return
    if not allowed:
        raise TooManyRequests(
            "尝试次数过多，请稍后再试 (too many attempts, try again later)",
            scope=scope,
        )


def hit_login(username: str) -> None:
    """A sign-in attempt: limited per address, and per account (so guessing one account's
    password from many addresses stops, while every other account still signs in)."""
    limit = current_app.extensions["chengxin"].settings.login_rate_limit
    hit("login", client_address(), limit)
    hit("login-account", username.strip().lower()[:150] or "?", limit)


def hit_upload() -> None:
    """An upload request, counted per account (per address for anonymous tipsters)."""
    limit = current_app.extensions["chengxin"].settings.upload_rate_limit
    user = g.get("user")
    key = f"user:{user.id}" if user is not None else f"addr:{client_address()}"
    hit("upload", key, limit)


def reset(app: Flask) -> None:
    """Clear every counter (tests)."""
    app.extensions["chengxin_ratelimit"].storage.reset()


def gunicorn_workers(
    argv: Sequence[str], environ: Mapping[str, str] = os.environ
) -> int:
    """How many worker processes the gunicorn command line (or its environment) asks for."""
    args = [*shlex.split(environ.get("GUNICORN_CMD_ARGS", "")), *argv[1:]]
    workers = int(environ.get("WEB_CONCURRENCY", "1") or 1)
    for i, arg in enumerate(args):
        value = None
        if arg in ("-w", "--workers") and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--workers="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-w") and len(arg) > 2:
            value = arg[2:]
        if value is not None and value.isdigit():
            workers = int(value)
    return workers


def check_shared_storage(settings: Settings, workers: int) -> None:
    """Refuse per-process counters under several web workers in production (each worker
    would count apart, and 30 wrong logins got no 429); warn elsewhere."""
    if workers <= 1 or not settings.ratelimit_storage.startswith("memory://"):
        return
    message = (
        f"{workers} web workers share no rate-limit counters: set "
        "CHENGXIN_RATELIMIT_STORAGE_URL (or CHENGXIN_REDIS_URL) to a Redis all of them reach"
    )
    if settings.is_production:
        raise SettingsError(message)
    log.warning(message)
