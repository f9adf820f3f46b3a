"""Rate limits behind the reverse proxy: keyed on the client's address as the trusted proxy
reports it, per account for sign-ins, tips apart from follow-ups, uploads per account, and
no per-process counters under several gunicorn workers in production."""

from __future__ import annotations

import dataclasses

import pytest

from archive.kernel.accounts import Role
from archive.kernel.settings import SettingsError
from tests.factories import make_user
from tests.helpers import csrf_token
from web.app import create_app
from web.ratelimit import check_shared_storage, gunicorn_workers


def _app(settings, session_factory, **changes):  # type: ignore[no-untyped-def]
    limited = dataclasses.replace(
        settings, login_rate_limit="3 per minute", tip_rate_limit="3 per minute", **changes
    )
    return create_app(limited, session_factory=session_factory, check_schema=False)


def _login(client, username: str, password: str, addr: str):  # type: ignore[no-untyped-def]
    env = {"REMOTE_ADDR": "10.0.0.1"}
    headers = {"X-Forwarded-For": addr}
    token = client.get("/api/csrf", environ_base=env, headers=headers).get_json()[
        "csrf_token"
    ]
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base=env,
        headers=headers,
    )


def test_behind_one_proxy_a_bad_client_does_not_block_everyone(settings, session_factory, session):
    make_user(session, Role.RESEARCH_OFFICE, username="good")
    session.commit()
    app = _app(settings, session_factory, trusted_proxies=1)
    attacker = app.test_client()
    statuses = [
        _login(attacker, f"nobody{i}", "wrong", "203.0.113.9").status_code
        for i in range(5)
    ]
    assert statuses[-1] == 429
    good = app.test_client()
    assert _login(good, "good", "password-123", "198.51.100.7").status_code == 302


def test_per_account_limit_blocks_that_account_only(settings, session_factory, session):
    make_user(session, Role.RESEARCH_OFFICE, username="victim")
    make_user(session, Role.RESEARCH_OFFICE, username="bystander")
    session.commit()
    app = _app(settings, session_factory, trusted_proxies=1)
    client = app.test_client()
    for i in range(4):
        _login(client, "victim", "wrong", f"203.0.113.{i + 1}")
    assert _login(client, "victim", "password-123", "203.0.113.99").status_code == 429
    assert _login(client, "bystander", "password-123", "203.0.113.98").status_code == 302


def test_without_trusted_proxies_forwarded_headers_are_ignored(settings, session_factory):
    app = _app(settings, session_factory)
    client = app.test_client()
    statuses = [
        _login(client, "nobody", "wrong", f"203.0.113.{i}").status_code for i in range(5)
    ]
    assert statuses[-1] == 429  # a forged X-Forwarded-For does not reset the count


def test_tips_and_follow_ups_count_apart(settings, session_factory):
    app = _app(settings, session_factory)
    client = app.test_client()
    for _ in range(3):
        response = client.post(
            "/tips/follow",
            data={"code": "X", "password": "y", "csrf_token": csrf_token(client)},
        )
        assert response.status_code == 401
    assert (
        client.post(
            "/tips/follow", data={"code": "X", "password": "y", "csrf_token": csrf_token(client)}
        ).status_code
        == 429
    )
    response = client.post(
        "/tips/new", data={"title": "", "allegation": "", "csrf_token": csrf_token(client)}
    )
    assert response.status_code != 429


def test_gunicorn_workers_are_read_from_the_command_line():
    assert gunicorn_workers(["gunicorn", "-w", "4", "web.wsgi:app"], {}) == 4
    assert gunicorn_workers(["gunicorn", "--workers=3"], {}) == 3
    assert gunicorn_workers(["gunicorn", "-w2"], {}) == 2
    assert gunicorn_workers(["gunicorn"], {"GUNICORN_CMD_ARGS": "--workers 5"}) == 5
    assert gunicorn_workers(["gunicorn"], {}) == 1


def test_production_refuses_memory_counters_under_several_workers(settings):
    prod = dataclasses.replace(settings, env="production", ratelimit_storage_url="")
    with pytest.raises(SettingsError, match="CHENGXIN_RATELIMIT_STORAGE_URL"):
        check_shared_storage(prod, 4)
    check_shared_storage(prod, 1)
    check_shared_storage(dataclasses.replace(prod, redis_url="redis://r:6379/0"), 4)
    assert dataclasses.replace(prod, redis_url="redis://r:6379/0").ratelimit_storage == (
        "redis://r:6379/0"
    )


def test_uploads_are_rate_limited_per_account(settings, session_factory, session):
    import io

    from tests.archive.factories_archive import make_record, research_office
    from tests.helpers import login, post_form

    research = research_office(session, username="uploader")
    record = make_record(session, research)
    session.commit()
    app = _app(settings, session_factory, upload_rate_limit="2 per minute")
    client = app.test_client()
    login(client, "uploader")
    statuses = [
        post_form(
            client,
            f"/archive/records/{record.id}/files",
            {"files": (io.BytesIO(f"附件{i}".encode()), f"a{i}.txt")},
            content_type="multipart/form-data",
        ).status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]
