"""Sign-in, sign-out, CSRF, role checks and API tokens, through the real app."""

from __future__ import annotations

from archive.kernel import accounts
from archive.kernel.accounts import Role
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token, login, post_form, text_of


def test_login_then_navigation_shows_only_the_roles_links(client, session):
    make_user(session, Role.RESEARCH_OFFICE, username="ro")
    session.commit()
    login(client, "ro")
    page = client.get("/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'data-endpoint="admin.users"' not in body
    assert 'data-endpoint="home.index"' in body


def test_wrong_password_and_unknown_user_get_the_same_message(client, session):
    make_user(session, Role.STUDENT, username="stu")
    session.commit()
    wrong = post_form(client, "/login", {"username": "stu", "password": "nope-nope-1"})
    unknown = post_form(
        client, "/login", {"username": "ghost", "password": "nope-nope-1"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in text_of(wrong)
    assert text_of(wrong).count("用户名或密码错误") == text_of(unknown).count(
        "用户名或密码错误"
    )


def test_form_without_csrf_token_is_refused_with_a_clear_message(client, session):
    make_user(session, Role.STUDENT, username="stu2")
    session.commit()
    response = client.post("/login", data={"username": "stu2", "password": PASSWORD})
    assert response.status_code == 400
    assert "安全令牌" in text_of(response)


def test_another_roles_page_is_403_and_api_is_json_403(client, session):
    make_user(session, Role.STUDENT, username="stu3")
    session.commit()
    login(client, "stu3")
    assert client.get("/admin/users").status_code == 403
    response = client.get("/audit/verify.json", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "permission_denied"


def test_anonymous_page_redirects_to_login_and_api_is_401(client):
    assert client.get("/admin/users").status_code == 302
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "login_required"


def test_api_token_authenticates_without_csrf(client, session):
    user = make_user(session, Role.INVESTIGATOR, username="inv")
    plain, _token = accounts.issue_api_token(session, user=user, name="t")
    session.commit()
    response = client.get("/api/me", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200
    assert response.get_json()["roles"] == ["investigator"]
    bad = client.get("/api/me", headers={"Authorization": "Bearer cx_wrong"})
    assert bad.status_code == 401


def test_logout_ends_the_session(client, session):
    make_user(session, Role.TEACHER, username="t1")
    session.commit()
    login(client, "t1")
    response = client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert client.get("/api/me").status_code == 401
