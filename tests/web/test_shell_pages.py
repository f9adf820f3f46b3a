"""The shell's pages and faults: rate limits, administration, audit, schema and Redis checks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from archive.kernel import audit
from archive.kernel.accounts import Role
from archive.kernel.settings import Settings
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token, login, post_form, text_of
from web.app import create_app
from web.home import PANELS


def test_login_is_rate_limited(settings, session_factory, session):
    app = create_app(
        replace(settings, login_rate_limit="3 per minute"),
        session_factory=session_factory,
        check_schema=False,
    )
    client = app.test_client()
    statuses = [
        post_form(
            client, "/login", {"username": "x", "password": "wrong-pass-1"}
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


def test_administrator_creates_a_user_and_changes_roles(client, session):
    make_user(session, Role.ADMINISTRATOR, username="boss")
    session.commit()
    login(client, "boss")
    response = post_form(
        client,
        "/admin/users",
        {
            "username": "newbie",
            "display_name": "新用户",
            "password": "newbie-pass-1",
            "roles": ["teacher"],
        },
    )
    assert response.status_code == 302
    page = client.get("/admin/users")
    assert "新用户" in text_of(page)
    created = [
        e
        for e in audit.list_entries(session, entity_type="users")
        if e.action == "create"
    ]
    assert any(
        e.after and e.after.get("username") == "newbie" and e.actor == "boss"
        for e in created
    )


def test_auditor_sees_the_audit_page_and_the_chain_check(client, session):
    make_user(session, Role.AUDITOR, username="aud")
    session.commit()
    login(client, "aud")
    page = client.get("/audit/?verify=1")
    assert page.status_code == 200
    assert "哈希链完整" in text_of(page)


def test_password_change_signs_out_other_sessions(app, session):
    make_user(session, Role.TEACHER, username="teach")
    session.commit()
    first, second = app.test_client(), app.test_client()
    login(first, "teach")
    login(second, "teach")
    response = post_form(
        first,
        "/account/password",
        {
            "old_password": PASSWORD,
            "new_password": "changed-pass-9",
            "confirm_password": "changed-pass-9",
        },
    )
    assert response.status_code == 302
    assert first.get("/api/me").status_code == 200
    assert second.get("/api/me").status_code == 401


def test_unmigrated_database_gets_a_message_naming_the_command(tmp_path):
    settings = Settings(env="test", data_dir=tmp_path, secret_key="k")
    app = create_app(settings)
    response = app.test_client().get("/login")
    assert response.status_code == 503
    assert "chengxin db upgrade" in text_of(response)
    api = app.test_client().get("/api/health")
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "database_not_migrated"


def test_redis_down_keeps_pages_serving(settings, session_factory):
    app = create_app(
        replace(settings, redis_url="redis://127.0.0.1:1/0"),
        session_factory=session_factory,
        check_schema=False,
    )
    client = app.test_client()
    assert client.get("/login").status_code == 200
    health = client.get("/api/health")
    assert health.status_code == 503
    assert health.get_json() == {
        "database": "ok",
        "queue": "unavailable",
        "down": ["queue"],
    }


def test_english_can_be_chosen(client):
    client.get("/lang/en")
    page = client.get("/login")
    assert 'lang="en"' in page.get_data(as_text=True)
    assert "Sign in" in text_of(page)
    token = csrf_token(client)
    assert token


def test_every_workbench_panel_template_is_listed_once():
    templates = Path(__file__).resolve().parents[2] / "web" / "templates"
    on_disk = {str(p.relative_to(templates)) for p in templates.glob("*/_*panel.html")}
    listed = [p.template for p in PANELS]
    assert sorted(listed) == sorted(on_disk)
    assert len(set(listed)) == len(listed)


def test_workbench_shows_each_role_its_panels(app, session):
    make_user(session, Role.INVESTIGATOR, username="inv")
    make_user(session, Role.CREDIT_ADMIN, username="cred")
    session.commit()
    pages = {}
    for username in ("inv", "cred"):
        client = app.test_client()
        login(client, username)
        pages[username] = client.get("/").get_data(as_text=True)
    assert 'data-testid="case-todo"' in pages["inv"]
    assert 'data-testid="credit-panel"' not in pages["inv"]
    assert 'data-testid="credit-panel"' in pages["cred"]
    assert 'data-testid="case-todo"' not in pages["cred"]
