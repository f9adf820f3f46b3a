"""The public tip pages: receipt shown once, follow-up with code and password, the same
answer for a wrong code and a wrong password, rate limiting, answering questions."""

from __future__ import annotations

import dataclasses
import re

from flask.testing import FlaskClient

from casework.models import Case
from casework.services import tips
from tests.casework.factories_casework import make_cast
from tests.helpers import login, post_form, text_of
from web.app import create_app


def _submit(client: FlaskClient) -> tuple[str, str]:
    r = post_form(
        client,
        "/tips/new",
        {
            "title": "图片造假",
            "respondent_hint": "生命学院某老师",
            "allegation": "论文图2与图5为同一张图片翻转后重复使用。",
            "contact": "secret-tipster@example.com",
        },
    )
    assert r.status_code == 200, text_of(r)[:300]
    assert r.headers["Cache-Control"] == "no-store"
    body = r.get_data(as_text=True)
    code = re.search(r'data-testid="receipt-code"[^>]*>([\d ]+)<', body).group(1)
    password = re.search(r'data-testid="receipt-password"[^>]*>([^<]+)<', body).group(1)
    return code, password


def test_tip_receipt_follow_and_answer(client, session):
    code, password = _submit(client)
    assert len(code.replace(" ", "")) == 16
    r = post_form(client, "/tips/follow", {"code": code, "password": password})
    assert r.status_code == 303
    page = text_of(client.get("/tips/case"))
    assert "已收到举报，等待初步核查" in page and "anonymous" not in page
    # The office asks a question; the tipster answers without an account.
    case = session.query(Case).order_by(Case.id.desc()).first()
    cast = make_cast(session)
    tips.staff_message(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        thread="reporter",
        body="请提供论文的DOI。",
        is_question=True,
    )
    tips.staff_message(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        thread="internal",
        body="内部：疑似与另一案有关",
    )
    page = text_of(client.get("/tips/case"))
    assert "请提供论文的DOI" in page and "内部：疑似" not in page
    post_form(client, "/tips/case", {"body": "DOI 是 10.1000/xyz"})
    assert "10.1000/xyz" in text_of(client.get("/tips/case"))
    # Staff see the answer in the reporter thread, flagged on the owner's workbench.
    login(client, cast.office.username)
    assert "举报人新消息" in text_of(client.get("/"))
    assert "10.1000/xyz" in text_of(client.get(f"/cases/{case.id}?tab=reporter"))


def test_wrong_code_and_wrong_password_look_the_same(client, session):
    code, password = _submit(client)
    wrong_password = post_form(
        client, "/tips/follow", {"code": code, "password": "nope-nope"}
    )
    unknown_code = post_form(
        client, "/tips/follow", {"code": "1234 5678 9012 3456", "password": password}
    )
    malformed = post_form(client, "/tips/follow", {"code": "12", "password": password})
    assert (
        wrong_password.status_code
        == unknown_code.status_code
        == malformed.status_code
        == 401
    )
    message = "受理编号或密码错误"
    for r in (wrong_password, unknown_code, malformed):
        body = text_of(r)
        assert message in body
    # Same page apart from the CSRF token.
    strip = lambda r: re.sub(r'value="[^"]{20,}"', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(wrong_password) == strip(unknown_code)
    assert client.get("/tips/case").status_code == 302


def test_guessing_is_rate_limited(settings, session_factory):
    app = create_app(
        dataclasses.replace(settings, tip_rate_limit="3 per minute"),
        session_factory=session_factory,
        check_schema=False,
    )
    client = app.test_client()
    statuses = [
        post_form(
            client, "/tips/follow", {"code": f"{n:016d}", "password": "x"}
        ).status_code
        for n in range(5)
    ]
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3:] == [429, 429]
