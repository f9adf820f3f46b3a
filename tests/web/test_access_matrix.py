"""The access matrix: every route of the app × every role × every relation to the object.

`access_rules.MATRIX` says, for each route and method, which actors are allowed; this module
asks the running app as each actor (a real session cookie, a CSRF token, the request rolled
back afterwards) and checks the answer: allowed, or refused with 401/403/404 (or a redirect
to sign in). Every response an actor is allowed to read (HTML, JSON, CSV, XLSX, PDF) is also
searched for what that actor must not see: whole ID numbers, the reporter's and the
tipster's identity, sealed titles, allegation text, and names in public pages.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import TestResponse

from archive.kernel import clock
from archive.kernel.accounts import Permission
from tests.web.access_rules import MATRIX, OBJECT_CELLS, Cell, can, is_respondent
from tests.web.access_world import (
    ACTOR_LABELS,
    ALLEGATION,
    ID_NUMBER,
    REPORTER,
    REPORTER_CONTACT,
    RESPONDENT_NAME,
    SEALED_TITLE,
    STAFF_ID_NUMBER,
    STAFF_RESPONDENT_NAME,
    TIPSTER_CONTACT,
    Actor,
    World,
    build_world,
)

P = Permission
@pytest.fixture(scope="module")
def world(module_factory: sessionmaker[Session]) -> Iterator[World]:
    """The world, built once for the module."""
    session = module_factory()
    built = build_world(session)
    session.commit()
    session.close()
    clock.reset()
    yield built
    clock.reset()


def _key(endpoint: str, method: str, obj: str = "") -> str:
    return f"{endpoint} {method}" + (f" [{obj}]" if obj else "")


CELLS: dict[str, tuple[str, Cell]] = {
    _key(e, m): (m, c) for (e, m), c in MATRIX.items()
} | {_key(e, m, o): (m, c) for (e, m, o), c in OBJECT_CELLS.items()}


def _params() -> list[object]:
    out = []
    for key in CELLS:
        for label in ACTOR_LABELS:
            out.append(pytest.param(key, label, id=f"{key} × {label}"))
    return out


# Uploads of the API take multipart forms; its other changes take JSON.
MULTIPART_API = ("/evidence", "/draft", "/files", "/refused")
# A change form's refusal comes back as a flashed error; these say "not yours".
# (the English halves of PermissionDenied and NotFound messages of the case services).
DENIED_FLASH = re.compile(
    r"permission denied|no such|not found|无权|不存在|cannot act on their own case"
    r"|only the panel lead|the panel lead uploads|intake or investigators only"
    r"|only \w+ may do this"
)


def body_for(url: str, spec: Cell, ids: dict[str, int | str]) -> dict[str, object]:
    """A plausible change request, so that it reaches the access check of its service."""
    version = ids[spec.version]
    fields: dict[str, object] = {
        "expected_version": version,
        "version": version,
        "record_id": ids["old_record"],
        "doc_id": ids["corpus_doc"],
        "title": "矩阵材料",
        "note": "矩阵说明",
        "reason": "矩阵理由",
        "body": "矩阵消息",
        "to": "report_draft",
        "user_id": ids["case_user"],
        "member": f"user:{ids['case_user']}",
        "member_id": ids["case_user"],
        "name": "矩阵被举报人",
        "kind": "student",
        "interviewee": "矩阵受访人",
        "held_on": "2026-03-01",
        "interviewer1_id": ids["lead_user"],
        "interviewer2_id": ids["member2_user"],
        "summary": "矩阵谈话",
    }
    if url.startswith("/api/") and not url.endswith(MULTIPART_API):
        return {"json": fields}
    data = {k: str(v) for k, v in fields.items()}
    files = {
        name: (io.BytesIO("矩阵文件".encode()), "matrix.txt")
        for name in ("file", "signed_scan")
    }
    return {"data": {**data, **files}}


def ask(
    app: Flask,
    conn: Connection,
    actor: Actor,
    method: str,
    url: str,
    body: dict[str, object],
) -> tuple[TestResponse, list[str]]:
    """One request as the actor, rolled back afterwards (the world stays as built); the
    response and the error messages it flashed."""
    nested = conn.begin_nested()
    try:
        client = app.test_client()
        with client.session_transaction() as sess:
            if actor.user is not None:
                sess["user_id"] = actor.user.id
                sess["session_version"] = actor.user.session_version
            if actor.tip_case_id is not None:
                sess["tip_case_id"] = actor.tip_case_id
        headers = {}
        if method != "GET":  # only changes need the form's CSRF token
            headers["X-CSRFToken"] = client.get("/api/csrf").get_json()["csrf_token"]
        response = client.open(url, method=method, headers=headers, **body)
        response.get_data()
        with client.session_transaction() as sess:
            flashed = [m for c, m in sess.get("_flashes", []) if c == "error"]
        return response, flashed
    finally:
        nested.rollback()


def outcome(response: TestResponse, flashed: list[str]) -> str:
    """allowed, denied (401/403/404, sent to sign in, or refused as not the actor's), or
    error (5xx)."""
    status = response.status_code
    if status >= 500:
        return "error"
    if status in (401, 403, 404):
        return "denied"
    location = response.headers.get("Location", "")
    if status in (301, 302, 303) and (
        "/login" in location or "/tips/follow" in location
    ):
        return "denied"
    if any(DENIED_FLASH.search(message) for message in flashed):
        return "denied"
    return "allowed"


def readable_text(response: TestResponse) -> str:
    """What a reader of the response sees, whatever its format."""
    kind = response.mimetype or ""
    data = response.get_data()
    if kind == "application/pdf" or data.startswith(b"%PDF-") and len(data) > 200:
        return _pdf_text(data)
    if data.startswith(b"PK") and ("sheet" in kind or "xlsx" in kind or "zip" in kind):
        return _xlsx_text(data)
    text = data.decode("utf-8", errors="replace")
    if kind == "application/json":
        text += json.dumps(json.loads(text), ensure_ascii=False)
    return text


def _pdf_text(data: bytes) -> str:
    import pypdfium2  # lazily: only the PDF cells need it (heavy native library)

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:  # an uploaded scan need not be a valid PDF
        return data.decode("utf-8", errors="replace")
    try:
        return "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def _xlsx_text(data: bytes) -> str:
    import openpyxl  # lazily: only the XLSX cells need it

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return " ".join(
        str(v)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
    )


def forbidden_strings(actor: Actor, public: bool) -> dict[str, str]:
    """What this actor must never read: text → why."""
    out = {SEALED_TITLE: "a sealed record's title"}
    sees_reporter = can(actor, P.CASE_VIEW_REPORTER) and not is_respondent(actor)
    if not sees_reporter:
        out[REPORTER] = "the reporter's name"
        out[REPORTER_CONTACT] = "the reporter's contact"
    # The tip names no respondent: its tipster is hidden by the permission alone.
    if not can(actor, P.CASE_VIEW_REPORTER) and actor.relation != "tipster":
        out[TIPSTER_CONTACT] = "the tipster's contact"
    if not can(actor, P.VIEW_ID_NUMBERS) and actor.relation != "respondent":
        out[ID_NUMBER] = "a whole ID number"
    if not can(actor, P.VIEW_ID_NUMBERS) and actor.relation != "staff_respondent":
        out[STAFF_ID_NUMBER] = "a whole ID number"
    staff = can(actor, P.CASE_VIEW, P.CASE_INTAKE, P.CASE_INVESTIGATE, P.CASE_DECIDE)
    if not (staff or is_respondent(actor)):
        out[ALLEGATION] = "a case's allegation"
    if public:
        out[RESPONDENT_NAME] = "a full name on a public page"
        out[STAFF_RESPONDENT_NAME] = "a full name on a public page"
    return out


@pytest.mark.parametrize(("key", "label"), _params())
def test_cell(
    key: str,
    label: str,
    world: World,
    module_app: Flask,
    module_connection: Connection,
) -> None:
    method, spec = CELLS[key]
    actor = world.actor(label)
    expected = "allowed" if spec.allowed(actor) else "denied"
    public = spec.allowed.__name__ == "anyone"
    for template in spec.urls:
        url = template.format(**world.ids)
        body = body_for(url, spec, world.ids) if method == "POST" else {}
        response, flashed = ask(module_app, module_connection, actor, method, url, body)
        got = outcome(response, flashed)
        if spec.answers_all and got != "error":
            continue
        assert got == expected, (
            f"{method} {url} as {label}: {response.status_code} ({got}), "
            f"expected {expected}; {flashed} {response.get_data(as_text=True)[:300]}"
        )
        if got != "allowed" or method != "GET":
            continue
        text = readable_text(response)
        if actor.user is not None:  # one's own name in the page's header is no leak
            text = text.replace(actor.user.display_name, "")
        for secret, why in forbidden_strings(actor, public).items():
            assert secret not in text, f"{url} shows {label} {why}: {secret}"


def test_every_route_is_in_the_matrix(module_app: Flask) -> None:
    """A new route fails here until the matrix says who may use it."""
    routes = {
        (rule.endpoint, method)
        for rule in module_app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    assert routes - set(MATRIX) == set(), "routes missing from the access matrix"
    assert set(MATRIX) - routes == set(), "matrix rows for routes that no longer exist"
