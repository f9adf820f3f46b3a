"""Domain errors carry "中文 (English)"; a page shows the half in the reader's language, the
JSON API keeps both."""

from __future__ import annotations

from web.i18n import in_language, numbered


def test_bilingual_message_is_cut_to_the_readers_language(app, client):
    message = "您无权进行信用核查 (permission denied)"
    with app.test_request_context("/"):
        assert in_language(message) == "您无权进行信用核查"
        assert in_language("工号/学号已存在：1") == "工号/学号已存在：1"
        assert numbered("自受理之日起 6 个月") == "自受理之日起 6 个月"
    with client:
        client.get("/lang/en")
        client.get("/login")
        assert in_language(message) == "Permission denied"
        assert numbered("自受理之日起 6 个月") == "6 months from acceptance"


def test_error_page_shows_one_language(client):
    page = client.get("/public/verify?number=NOPE&code=X").get_data(as_text=True)
    assert "未找到该信用报告" in page and "(no such report)" not in page
    client.get("/lang/en")
    english = client.get("/public/verify?number=NOPE&code=X").get_data(as_text=True)
    assert "No such report" in english
