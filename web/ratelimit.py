"""Rate limits for logins and tipster look-ups (moving window, memory or Redis storage)."""

from __future__ import annotations

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from archive.kernel.errors import DomainError


class TooManyRequests(DomainError):
    """The caller exceeded a rate limit; try again later."""

    code = "too_many_requests"


def init_app(app: Flask, storage_url: str) -> None:
    """Give the app its own limiter and storage (tests get a fresh one per app)."""
    app.extensions["chengxin_ratelimit"] = MovingWindowRateLimiter(
        storage_from_string(storage_url)
    )


def hit(scope: str, key: str, limit: str) -> None:
    """Count one attempt; raise `TooManyRequests` when the window is full."""
    limiter: MovingWindowRateLimiter = current_app.extensions["chengxin_ratelimit"]
    item = parse(limit)
    if not limiter.hit(item, scope, key):
        raise TooManyRequests(
            "尝试次数过多，请稍后再试 (too many attempts, try again later)",
            scope=scope,
        )


def reset(app: Flask) -> None:
    """Clear every counter (tests)."""
    app.extensions["chengxin_ratelimit"].storage.reset()
