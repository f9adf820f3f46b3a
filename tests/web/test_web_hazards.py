"""Web hazards an outside probe found: open redirects, security headers, Secure cookies,
API tokens that outlive a password change, over-long integers in URLs."""

from __future__ import annotations

import dataclasses
import re

import pytest

from archive.kernel import accounts
from archive.kernel.accounts import Role
from archive.records.models import PersonRef
from tests.archive.factories_archive import (
    discipline_office,
    make_record,
    research_office,
)
from tests.factories import make_user
from tests.helpers import csrf_token, login, post_form
from web.app import create_app


def _login_with_next(client, next_value: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/login?next={next_value}",
        data={
            "username": "redir",
            "password": "password-123",
            "csrf_token": csrf_token(client),
        },
    )


@pytest.mark.parametrize(
    "next_value",
    [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%5cevil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example",
        "/%0d%0aSet-Cookie:x=1",
        "%2F%2Fevil.example",
    ],
)
def test_login_never_redirects_off_site(client, session, next_value):
    make_user(session, Role.RESEARCH_OFFICE, username="redir")
    session.commit()
    response = _login_with_next(client, next_value)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil.example" not in location.split("?")[0].lstrip("/").split("/")[0]
    assert not location.startswith("//") and "\n" not in location
    assert location.startswith("/") or location.startswith("http://localhost/")


def test_login_follows_a_same_site_path(client, session):
    make_user(session, Role.RESEARCH_OFFICE, username="redir")
    session.commit()
    response = _login_with_next(client, "/screening/%3Fa%3D1")
    assert response.headers["Location"].endswith("/screening/?a=1")


def test_every_response_carries_the_security_headers(client):
    response = client.get("/login")
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "Strict-Transport-Security" not in headers  # development: plain HTTP
    assert client.get("/api/health").headers["X-Content-Type-Options"] == "nosniff"


def test_production_sends_hsts_and_secure_cookies(settings, session_factory):
    prod = dataclasses.replace(settings, env="production")
    app = create_app(prod, session_factory=session_factory, check_schema=False)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/login")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "Secure" in response.headers.get("Set-Cookie", "Secure")
    off = dataclasses.replace(prod, session_cookie_secure=False)
    app = create_app(off, session_factory=session_factory, check_schema=False)
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_a_password_change_revokes_the_accounts_api_tokens(client, session):
    user = make_user(session, Role.RESEARCH_OFFICE, username="tok")
    token, _row = accounts.issue_api_token(session, user=user, name="ci")
    session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=auth).status_code == 200
    accounts.change_password(
        session, user=user, old_password="password-123", new_password="Another-pass-456"
    )
    session.commit()
    assert client.get("/api/me", headers=auth).status_code == 401


def test_over_long_integers_are_404_or_400_never_500(client, session):
    make_user(
        session,
        Role.ADMINISTRATOR,
        Role.DISCIPLINE_OFFICE,
        Role.RESEARCH_OFFICE,
        Role.INVESTIGATOR,
        Role.CREDIT_ADMIN,
        Role.AUDITOR,
        username="big",
    )
    session.commit()
    login(client, "big")
    huge = "9" * 20
    urls = [
        rule.rule
        for rule in client.application.url_map.iter_rules()
        if "GET" in rule.methods and "<int:" in rule.rule
    ]
    assert len(urls) >= 10
    failures = []
    for rule in urls:
        url = rule
        while "<" in url:
            start = url.index("<")
            end = url.index(">", start)
            url = url[:start] + huge + url[end + 1 :]
        status = client.get(url).status_code
        if status >= 500:
            failures.append((url, status))
    query = "&".join(
        f"{name}={huge}"
        for name in (
            "page",
            "year",
            "year_from",
            "year_to",
            "limit",
            "offset",
            "before_seq",
        )
    )
    plain = [
        rule.rule
        for rule in client.application.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    ]
    for url in [f"{u}?{query}" for u in plain]:
        status = client.get(url).status_code
        if status >= 500:
            failures.append((url, status))
    assert failures == []


META = '<meta http-equiv="refresh" content="0;url=//evil.example">'


def test_archive_search_facets_escape_record_data(client, session):

    research = research_office(session)
    discipline_office(session, username="jw-facets")
    make_record(
        session,
        research,
        title="钙钛矿太阳能电池稳定性研究",
        unit=META,
        people=[PersonRef('"><img src=x onerror=alert(1)>', "作者")],
    )
    session.commit()
    login(client, "jw-facets")
    html = client.get(f"/archive/search?q=钙钛矿&unit={META}").get_data(as_text=True)
    assert "钙钛矿太阳能电池稳定性研究" in re.sub(r"<[^>]+>", "", html)
    assert "<meta http-equiv" not in html
    assert "<img src=x" not in html
    assert "&lt;meta http-equiv" in html


def test_over_long_integers_in_forms_are_refused_cleanly(client, session):
    make_user(session, Role.INVESTIGATOR, username="big-form")
    session.commit()
    login(client, "big-form")
    huge = "9" * 20
    revoke = post_form(client, "/account/tokens", {"revoke": huge})
    assert 400 <= revoke.status_code < 500
    assert post_form(client, f"/cases/{huge}/evidence").status_code == 404
