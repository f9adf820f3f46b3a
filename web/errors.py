"""One handler per error category: JSON for /api/ (or Accept: json), error.html otherwise."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError, StatementError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from archive.kernel.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
)
from web.auth import LoginRequired
from web.error_shape import (
    TITLES,
    database_error_response,
    disk_full,
    disk_full_response,
    error_response,
    wants_json,
)
from web.ratelimit import TooManyRequests

log = logging.getLogger(__name__)

STATUS_BY_CATEGORY: list[tuple[type[DomainError], int]] = [
    (LoginRequired, 401),
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
    (PermissionDenied, 403),
    (TooManyRequests, 429),
    (ServiceUnavailable, 503),
]

#: The largest id or number a URL may carry (PostgreSQL's integer): larger ones are 404.
MAX_URL_INT = 2**31 - 1


class BoundedInt(IntegerConverter):
    """`<int:…>` in routes, refusing numbers no column can hold (a 20-digit id is 404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", MAX_URL_INT)
        super().__init__(map, *args, **kwargs)


def _out_of_range(error: BaseException) -> bool:
    """True for a number too large for the database (SQLite and PostgreSQL say it apart)."""
    if isinstance(error, OverflowError | DataError):
        return True
    return isinstance(error, StatementError) and isinstance(error.orig, OverflowError)


def status_for(error: DomainError) -> int:
    """The HTTP status of a domain error's category."""
    for category, status in STATUS_BY_CATEGORY:
        if isinstance(error, category):
            return status
    return 400


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> Any:
        status = status_for(error)
        if isinstance(error, LoginRequired) and not wants_json():
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        safe_details = {
            k: v
            for k, v in error.details.items()
            if isinstance(v, str | int | float | bool | None)
        }
        return error_response(status, error.code, error.message, safe_details)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> Any:
        return error_response(
            400,
            "csrf_failed",
            _("表单已过期或缺少安全令牌，请刷新页面后重试")
            + " (CSRF token missing or invalid)",
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        status = error.code or 500
        message = _(TITLES.get(status, "错误"))
        if status == 413:
            limit = app.extensions["chengxin"].settings.max_upload_mb
            message = (
                _("上传的文件超过大小上限（%(mb)s MB）", mb=limit)
                + f" (upload larger than {limit} MB)"
            )
        return error_response(
            status, (error.name or "error").lower().replace(" ", "_"), message
        )

    app.errorhandler(OperationalError)(database_error_response)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        if _out_of_range(error):
            return error_response(
                400, "out_of_range", _("数值超出范围") + " (number out of range)"
            )
        if disk_full(error):
            log.error("disk full: %s", error)
            return disk_full_response()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(
            500, "internal_error", _("服务器内部错误，已记录，请联系管理员")
        )
