"""The one error shape (JSON or error.html) and the database's answers, for every module.

Apart from `web.errors` so that `web.db` can answer a failed COMMIT the same way without
importing the handlers (which need `web.auth`, which needs `web.db`).
"""

from __future__ import annotations

import errno
import logging
from typing import Any

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

TITLES = {
    400: "请求无效",
    401: "需要登录",
    403: "无权访问",
    404: "未找到",
    405: "不允许的请求方法",
    409: "操作冲突",
    413: "文件过大",
    422: "输入有误",
    429: "请求过于频繁",
    500: "服务器内部错误",
    503: "服务暂不可用",
    507: "存储空间不足",
}


def disk_full(error: BaseException) -> bool:
    """True when the error says the disk (or the SQLite database) is full."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (
            errno.ENOSPC,
            errno.EDQUOT,
        ):
            return True
        if (
            isinstance(current, OperationalError)
            and "full" in str(current.orig).lower()
        ):
            return True
        current = (
            getattr(current, "orig", None) or current.__cause__ or current.__context__
        )
    return False


def wants_json() -> bool:
    """API paths and clients that ask for JSON get the JSON error shape."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Any:
    """The one error shape: {"error": {"code", "message", "details"}} or the error page."""
    if wants_json():
        body = {"error": {"code": code, "message": message, "details": details or {}}}
        return jsonify(body), status
    title = _(TITLES.get(status, "错误"))
    return render_template(
        "error.html", status=status, title=title, message=message, code=code
    ), status


def disk_full_response() -> Any:
    """507: the write was refused for want of space, so nothing was saved."""
    log.error("disk full on %s %s", request.method, request.path)
    return error_response(
        507,
        "storage_full",
        _("服务器存储空间已满，本次操作未保存；请联系管理员清理磁盘后重试")
        + " (the server's disk is full; nothing was saved)",
    )


def database_error_response(error: OperationalError) -> Any:
    """503 for a stopped, restarting or locked database (try again), 507 for a full one.

    Also what a request answers when its commit fails (`web.db`): a 500 there would
    tell the client the server is broken when the write can simply be repeated.
    """
    if disk_full(error):
        return disk_full_response()
    log.warning("database error on %s %s: %s", request.method, request.path, error.orig)
    return error_response(
        503,
        "database_unavailable",
        _("数据库暂不可用，请稍后重试") + " (the database does not answer)",
    )
