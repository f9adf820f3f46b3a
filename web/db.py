"""The request's database session: opened on first use, committed after a good response."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, flash, g, jsonify
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from archive.kernel.errors import QueueUnavailable
from web.error_shape import database_error_response

log = logging.getLogger(__name__)


def get_session() -> Session:
    """The session of this request, created on first use and cached on `g`."""
    if "db_session" not in g:
        factory = current_app.extensions["chengxin"].session_factory
        session = factory()
        session.info["actor"] = g.get("user") or "anonymous"
        g.db_session = session
    return g.db_session


def saved_but_not_queued(response: Response, exc: QueueUnavailable) -> Response:
    """What a request whose rows were saved but whose jobs Redis refused answers.

    The workers' recovery queues such work once Redis is back (`chengxin screening
    recover` by hand), so nothing is lost; the client is told so, with the batch's id,
    and must not upload again (an API client may repeat the request with the same
    `Idempotency-Key`, which creates nothing new). A page keeps its redirect and says so.
    """
    log.warning("saved, but jobs not queued: %s", exc.message)
    batch_id = g.get("saved_batch_id")
    message = (
        _("已保存，但任务队列暂不可用：队列恢复后将自动开始检测，请勿重复上传")
        + " (saved; the job queue is down: screening starts by itself when it is back,"
        " do not upload again)"
    )
    if 300 <= response.status_code < 400 and not response.is_json:
        flash(message, "warning")
        return response
    details: dict[str, Any] = {"saved": True}
    if batch_id is not None:
        details["batch_id"] = batch_id
    body = {"error": {"code": exc.code, "message": message, "details": details}}
    out = jsonify(body)
    out.status_code = 503
    out.headers["Retry-After"] = "30"
    return out


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
            except QueueUnavailable as exc:
                # The transaction is committed; only the jobs queued after it are not.
                return saved_but_not_queued(response, exc)
            except OperationalError as exc:
                # The database went away at COMMIT (or ROLLBACK): the client may repeat
                # the request (with its Idempotency-Key), so 503, not the 500 Flask
                # gives an error raised here.
                if response.status_code >= 400:
                    log.warning("rollback failed, the answer stands: %s", exc.orig)
                    return response
                return current_app.make_response(database_error_response(exc))
            finally:
                session.close()
        return response

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
