"""What the cases pages and API share: reading a request, registering a case, answering
a form, sending a stored file.

Every form carries the case's `version`; a form submitted against an older version is
refused (StaleCase) and nothing changes. Refusals on forms come back as a flash message on
the case page, after the transaction is rolled back.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from flask import Response, flash, redirect, request, send_file, url_for

from archive.kernel.errors import DomainError, InvalidInput
from archive.kernel.files import StoredFile, read_verified
from casework.errors import RecusalRequired
from casework.models import Case, CaseSource
from casework.services import intake
from web.auth import signed_in_user
from web.db import get_session

F = TypeVar("F", bound=Callable[..., Any])


def form_version() -> int | None:
    """The case version a form (or JSON body) was filled in against, if it names one."""
    raw = request.form.get("version") or (request.get_json(silent=True) or {}).get(
        "expected_version"
    )
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError) as exc:
        raise InvalidInput("版本号无效 (bad version)") from exc


def require_version() -> int:
    """The form's case version; a form without one is refused."""
    v = form_version()
    if v is None:
        raise InvalidInput(
            "缺少版本号，请刷新页面后重试 (expected_version is required)"
        )
    return v


def json_change() -> dict[str, Any]:
    """The JSON body of an API change: an object that names `expected_version`."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("请求体须为 JSON 对象 (a JSON object is required)")
    if "expected_version" not in data:
        raise InvalidInput("expected_version is required (缺少版本号)")
    return data


def json_int(data: dict[str, Any], key: str) -> int:
    """`data[key]` as an integer; anything else is refused naming the key."""
    try:
        return int(data[key])
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"{key} must be an integer ({key} 须为整数)") from exc


def form_id(name: str, default: int = 0) -> int:
    """A posted id field as an integer (`default` when empty); anything else is refused."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput(f"{name} 须为整数 ({name} must be an integer)") from exc


def form_date(name: str) -> date:
    """The form field `name` as a date (YYYY-MM-DD)."""
    raw = (request.form.get(name) or "").strip()
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(f"日期格式应为 YYYY-MM-DD：{raw} (bad date)") from exc


def form_action(tab: str = "summary") -> Callable[[F], F]:
    """POST handlers of the case page: refusals roll back and come back as a message."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(case_id: int, *args: Any, **kwargs: Any) -> Any:
            target = url_for(
                "cases.show", case_id=case_id, tab=request.form.get("tab", tab)
            )
            db = get_session()
            try:
                message = view(case_id, *args, **kwargs)
            except RecusalRequired as exc:
                db.commit()  # the recorded check and event are kept
                flash(exc.message, "error")
                return redirect(target, code=303)
            except DomainError as exc:
                db.rollback()
                flash(exc.message, "error")
                return redirect(target, code=303)
            if message:
                flash(message, "success")
            return redirect(target, code=303)

        return wrapped  # type: ignore[return-value]

    return decorator


def register_case(
    fields: Mapping[str, Any],
    *,
    reporter: Mapping[str, Any],
    respondents: Iterable[Mapping[str, Any]],
) -> Case:
    """Open a case and add its respondents: one step for the intake form and the API.

    `fields` gives title, allegation, source and summary; `reporter` name, contact, unit
    and university_id; each respondent kind, name, university_id and unit.
    """
    db = get_session()
    try:
        source = CaseSource(str(fields.get("source", "named")))
    except ValueError as exc:
        raise InvalidInput("举报来源无效 (unknown source)") from exc
    case = intake.open_case(
        db,
        actor=signed_in_user(),
        title=str(fields.get("title", "")),
        allegation=str(fields.get("allegation", "")),
        source=source,
        summary=str(fields.get("summary", "")),
        reporter=intake.ReporterInput(
            name=reporter.get("name"),
            contact=reporter.get("contact"),
            unit=reporter.get("unit"),
            university_id=reporter.get("university_id"),
            is_anonymous=source is not CaseSource.NAMED,
        ),
    )
    for r in respondents:
        intake.add_respondent(
            db,
            actor=signed_in_user(),
            case_id=case.id,
            expected_version=case.version,
            kind=r.get("kind", "teacher"),
            name=r.get("name", ""),
            university_id=r.get("university_id"),
            unit=r.get("unit"),
        )
    return case


def send_stored(stored: StoredFile, download_name: str) -> Response:
    """A stored file as a private download, its hash checked on the way out."""
    data = read_verified(get_session(), stored)
    response = send_file(
        io.BytesIO(data),
        mimetype=stored.media_type,
        as_attachment=True,
        download_name=download_name,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
