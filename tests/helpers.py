"""What tests do as a user would: sign in, post forms with CSRF tokens, read pages."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def csrf_token(client: FlaskClient) -> str:
    """A CSRF token valid for this client's session."""
    return client.get("/api/csrf").get_json()["csrf_token"]


def login(client: FlaskClient, username: str, password: str = "password-123") -> None:
    """Sign a client in through the real form."""
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def post_form(client: FlaskClient, url: str, data: dict | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """POST a form with a fresh CSRF token, as a browser would."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=payload, **kwargs)


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """The response body with tags stripped, for asserting on what a user reads."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
