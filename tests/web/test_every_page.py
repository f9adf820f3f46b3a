"""Every page, in each language: reached by some role with demo-like data, and showing no
words of the other language outside user data (raw codes like "anonymous" or "done" in the
Chinese interface, Chinese left untranslated in the English one).

User data is whatever the database holds (names, titles, texts, stored labels): a run of
Chinese in an English page, or an English word in a Chinese page, that appears in any stored
value is the users' own text. Code samples (<code>) and the language switch are technical.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import JSON, String, Text, select

from archive.kernel.db import Base
from archive.kernel.people_register import COLUMNS as REGISTER_COLUMNS
from archive.records.imports import COLUMNS as RECORD_COLUMNS
from casework.credit.evaluation import ACTIONS, DEFAULT_RULES
from casework.credit.supervision import MEASURE_LABELS
from tests.helpers import login, post_form
from tests.web.every_page_seed import seed_everything

RECORD_COLUMNS_ZH = [a for names in RECORD_COLUMNS.values() for a in names]
REGISTER_COLUMNS_ZH = [a for names in REGISTER_COLUMNS.values() for a in names]
SKIP_PREFIXES = ("/api/", "/static/", "/lang/", "/login")
NOT_PAGES = (".csv", ".xlsx", ".pdf", ".json", "/download", "/proof", "/scan")
# Endpoints that send a file, not a page.
FILE_ENDPOINTS = {
    "archive.download",
    "cases.download_document",
    "cases.mine_draft",
    "cases.message_file",
    "tips.case_file",
}
# Words a Chinese page may carry: product names, formats and units.
URL = re.compile(r"(?:https?://|/)[\w.:-]*(?:/[\w.%-]*)*(?:\?[\w=&%.<>|-]*)?")
WORD = r"[A-Za-z][A-Za-z_]{2,}"
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
HEX = re.compile(r"\b[0-9a-f]{12,}\b|\b\w*\d\w*\b", re.I)
DOC_LANG = re.compile(r"<html lang=\"(zh|en)")
ALLOWED_EN = {
    "authorization",
    "bearer",
    "excel",
    "word",
    "wps",
    "chengxin",
    "api",
    "pdf",
    "html",
    "csv",
    "json",
    "xlsx",
    "docx",
    "doc",
    "txt",
    "english",
    "url",
    "cnki",
    "turnitin",
    "ocr",
    "sha",
    "mb",
    "utc",
    "cst",
    "id",
    "qr",
    "xml",
    "zip",
    "http",
    "https",
    "www",
}
# The column names an import file must carry are identifiers, named as the sheet has them.
# So is the import's example of the people column's syntax.
ALLOWED_ZH = (
    {"中文", "诚信", "张三（负责人）；李四"}
    | set(RECORD_COLUMNS_ZH)
    | set(REGISTER_COLUMNS_ZH)
)
FILE_NAME = re.compile(r"\S+\.(?:pdf|docx|doc|txt|xlsx|csv)\b", re.I)
ARGS = {
    "user_id": "user_id",
    "case_id": "case_id",
    "record_id": "record_id",
    "person_id": "person_id",
    "batch_id": "batch_id",
    "submission_id": "submission_id",
    "template_id": "template_id",
    "repair_id": "repair_id",
}
EXTRA = {
    "credit.rule_edit": {"kind": "student_integrity"},
    "credit.report": {"fmt": "html"},
    "me.report": {"fmt": "html"},
    "credit.check_page": {"person": "S20269001", "action": "award"},
    "people.index": {"q": "李小红"},
    "credit.index": {"q": "李小红"},
}


class _Text(HTMLParser):
    """Visible text, without scripts, styles and <code> samples."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        if tag in ("script", "style", "code", "pre", "textarea"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a reader sees (and hovers over), without addresses (technical, not words)."""
    parser = _Text()
    parser.feed(html)
    text = FILE_NAME.sub(" ", "\n".join(parser.parts))
    text = URL.sub(" ", text)
    return HEX.sub(" ", text)


def rule_keys(value: Any) -> set[str]:
    """Every key of a nested dict."""
    if isinstance(value, dict):
        out = {str(k) for k in value}
        for v in value.values():
            out |= rule_keys(v)
        return out
    return set()


# The keys of the evaluation rules' JSON are what an administrator types in the editor.
ALLOWED_EN |= {k.lower() for k in rule_keys(DEFAULT_RULES)} | set(ACTIONS)
ALLOWED_EN |= set(MEASURE_LABELS)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def user_data(session) -> str:  # type: ignore[no-untyped-def]
    """Every stored string (JSON documents included, the audit chain's copies not), as one
    searchable blob."""
    values: list[str] = []
    for table in Base.metadata.sorted_tables:
        if table.name == "audit_entries":
            continue
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            for v in row:
                if isinstance(v, str):
                    values.append(str(v))
                else:
                    values.extend(_strings(v))
    # Codes ("done", "anonymous", "handed_off") are stored too, but they are ours, not the
    # users': a page must say them in words.
    return "\n".join(v for v in values if not CODE.match(v))


def foreign_words(text: str, lang: str, blob: str) -> set[str]:
    """Words of the other language that are not user data."""
    if lang == "zh":
        stored = set(re.findall(WORD, blob))
        words = re.findall(WORD, text)
        return {w for w in words if w.lower() not in ALLOWED_EN and w not in stored}
    runs = re.findall(
        r"[\u3400-\u9fff][\u3400-\u9fff\u3000-\u303f\uff00-\uffef]*", text
    )
    return {
        r
        for r in runs
        if r not in ALLOWED_ZH and r.rstrip("，。：；、（）") not in blob
    }


def _urls(app, ids):  # type: ignore[no-untyped-def]
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.rule.startswith(SKIP_PREFIXES):
            continue
        if any(m in rule.rule for m in NOT_PAGES) or rule.endpoint in FILE_ENDPOINTS:
            continue
        values = dict(EXTRA.get(rule.endpoint, {}))
        for arg in rule.arguments:
            if arg in values:
                continue
            if arg not in ARGS or ARGS[arg] not in ids:
                values = None
                break
            values[arg] = ids[ARGS[arg]]
        if values is None:
            yield rule.endpoint, None
            continue
        yield rule.endpoint, rule.build(values)[1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_speaks_one_language(app, session, lang):
    seeded = seed_everything(session)
    seeded.ids["record_id"] = seeded.ids["case_file_id"]
    EXTRA["credit_public.verify"] = {
        "number": seeded.report_number,
        "code": seeded.report_code,
    }
    clients = []
    for username in seeded.usernames:
        client = app.test_client()
        login(client, username)
        client.get(f"/lang/{lang}")
        clients.append((username, client))
    anonymous = app.test_client()
    anonymous.get(f"/lang/{lang}")
    clients.append(("anonymous", anonymous))
    tipster = app.test_client()
    tipster.get(f"/lang/{lang}")
    post_form(
        tipster,
        "/tips/follow",
        {"code": seeded.tip_code, "password": seeded.tip_password},
    )
    clients.append(("tipster", tipster))
    blob = user_data(session)
    unreached, problems = [], {}
    for endpoint, url in _urls(app, seeded.ids):
        if url is None:
            unreached.append(endpoint)
            continue
        for username, client in clients:
            response = client.get(url)
            if response.status_code in (301, 302, 303):
                break  # a redirect is not a page of its own
            if response.status_code == 200 and response.mimetype == "text/html":
                html = response.get_data(as_text=True)
                # Official documents (letters, credit and screening reports) are issued
                # in Chinese whatever the interface language; they declare it.
                declared = DOC_LANG.search(html)
                page_lang = declared.group(1) if declared else lang
                words = foreign_words(visible_text(html), page_lang, blob)
                if words:
                    problems[f"{url} ({username})"] = sorted(words)
                break
        else:
            unreached.append(endpoint)
    assert not unreached, f"pages no role could open: {unreached}"
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
