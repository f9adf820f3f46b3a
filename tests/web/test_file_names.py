"""File names wrap at their separators, never inside the extension; the name stays escaped;
the favicon is linked and served."""

from __future__ import annotations

from web.app import file_name_html


def test_extension_is_kept_together_and_breaks_fall_at_separators():
    html = str(file_name_html("2021001_张三_教育学_科研诚信研究.docx"))
    assert html.endswith('<span class="ext">.docx</span></span>')
    assert html.count("<wbr>") == 3 and "张三_<wbr>" in html


def test_names_are_escaped():
    html = str(file_name_html('<img src=x onerror="alert(1)">.pdf'))
    assert "<img" not in html and "&lt;img" in html
    assert str(file_name_html("README")) == '<span class="fname">README</span>'


def test_favicon_is_linked_and_served(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
