"""The web shell in a real browser: sign in, see one's navigation, be refused, sign out."""

from __future__ import annotations

from archive.kernel import accounts
from archive.kernel.accounts import Role
from tests.e2e.conftest import browser_login


def test_sign_in_navigation_refusal_and_sign_out(live_server, page):
    with live_server.session() as s:
        accounts.create_user(
            s,
            username="e2e-ro",
            password="browser-pass-1",
            display_name="科研处 测试",
            roles={Role.RESEARCH_OFFICE},
        )
        s.commit()
    browser_login(page, live_server, "e2e-ro", "browser-pass-1")
    assert page.get_by_test_id("current-user").inner_text() == "科研处 测试"
    nav = page.locator("nav.mainnav")
    assert nav.locator('[data-endpoint="home.index"]').count() == 1
    assert nav.locator('[data-endpoint="admin.users"]').count() == 0
    response = page.goto(f"{live_server.url}/admin/users")
    assert response is not None and response.status == 403
    assert "无权" in page.get_by_test_id("error-message").inner_text()
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/login")
    response = page.goto(f"{live_server.url}/api/me")
    assert response is not None and response.status == 401


def test_wrong_password_shows_one_message(live_server, page):
    browser_login(page, live_server, "nobody-here", "wrong-pass-1")
    assert page.get_by_test_id("login-error").inner_text() == "用户名或密码错误"


def test_english_is_selectable(live_server, page):
    page.goto(f"{live_server.url}/login")
    page.click("a.lang")
    assert page.locator("html").get_attribute("lang") == "en"
