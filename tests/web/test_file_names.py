"""File names do not wrap inside ".docx" (no break-all on them); the favicon is linked and
served (no 404 on every page)."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


def test_file_name_cells_never_break_anywhere():
    for css in STATIC.glob("*.css"):
        for rule in re.findall(r"[^{}]*fname[^{}]*\{[^}]*\}", css.read_text()):
            assert "break-all" not in rule and "anywhere" not in rule, (css.name, rule)
    assert "td.fname" in (STATIC / "app.css").read_text()


def test_favicon_is_linked_and_served(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
