"""Bad files in a batch: each fails with a message naming it and the reason; the rest carry on.

The files are made for real: an encrypted, a truncated and an image-only PDF (ReportLab),
a 0-byte file, a file over the (lowered) size limit, a ZIP bomb named .docx, binary junk
named .txt, and an English-only thesis, which screens fine.
"""

from __future__ import annotations

import io
import random
import re

import pytest

from archive.kernel.accounts import Role
from tests.archive.factories_screening import THESIS, isolated_factory
from tests.factories import make_user
from tests.helpers import csrf_token, login, post_form
from tests.screening.makefiles import (
    write_image_pdf,
    write_reportlab_pdf,
    write_zip_bomb,
)
from web.app import create_app

ENGLISH = (
    "Chapter 1 Introduction\nThis thesis studies how universities govern research "
    "integrity. We surveyed three institutions and interviewed forty researchers about "
    "their experience with misconduct cases and the procedures that followed them.\n"
)


@pytest.fixture
def small_limit_client(connection, settings, tmp_path):
    factory = isolated_factory(connection, settings, tmp_path / "data", max_upload_mb=1)
    app = create_app(
        factory.kw["info"]["settings"], session_factory=factory, check_schema=False
    )
    client = app.test_client()
    with factory() as s:
        user = make_user(s, Role.RESEARCH_OFFICE)
        s.commit()
    login(client, user.username)
    return client


def _bad_files(tmp_path):
    encrypted = write_reportlab_pdf(
        tmp_path / "locked.pdf", [["加密的论文正文。"]], encrypt="s3cret"
    ).read_bytes()
    full = write_reportlab_pdf(
        tmp_path / "full.pdf", [["完整的文字。"]] * 3
    ).read_bytes()
    image_only = write_image_pdf(tmp_path / "scan.pdf").read_bytes()
    bomb = write_zip_bomb(tmp_path / "bomb.docx") or (tmp_path / "bomb.docx")
    junk = random.Random(7).randbytes(40_000)
    return [
        ("locked.pdf", encrypted, "encrypted"),
        ("cut.pdf", full[: len(full) // 2], "unreadable"),
        ("scan.pdf", image_only, "no_text_layer"),
        ("empty.docx", b"", "empty"),
        ("huge.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10), "too_large"),
        ("thesis.docx", bomb.read_bytes(), "unreadable"),
        ("notes.txt", junk, "unknown_encoding"),
    ]


def test_each_bad_file_is_named_with_its_reason_and_the_batch_carries_on(
    small_limit_client, tmp_path
):
    client = small_limit_client
    bad = _bad_files(tmp_path)
    files = [(io.BytesIO(data), name) for name, data, _ in bad]
    files += [
        (io.BytesIO(THESIS.encode()), "good.txt"),
        (io.BytesIO(ENGLISH.encode()), "english.txt"),
    ]
    response = post_form(
        client,
        "/screening/batches",
        {"files": files},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    batch_id = int(re.search(r"/batches/(\d+)", response.headers["Location"]).group(1))
    rows = {
        s["file_name"]: s
        for s in client.get(f"/api/screening/batches/{batch_id}").get_json()[
            "submissions"
        ]
    }
    assert len(rows) == len(bad) + 2
    for name, _data, reason in bad:
        row = rows[name]
        assert row["state"] == "failed", (name, row)
        assert row["reason"] == reason or (
            reason == "unreadable" and row["reason"] in ("unreadable", "too_large")
        ), (name, row["reason"], row["message"])
        assert name in row["message"]
        assert row["reason_label"]
    assert rows["good.txt"]["state"] == "done"
    english = rows["english.txt"]
    assert english["state"] == "done" and english["chars"] > 100
    assert any("中文" in w for w in english["warnings"])
    page = client.get(f"/screening/batches/{batch_id}").get_data(as_text=True)
    for name, _data, _reason in bad:
        assert name in page
    assert "PDF 已加密" in page and "无文字层" in page and "空文件" in page


def test_too_large_file_via_the_file_api_is_recorded(small_limit_client):
    client = small_limit_client
    token = csrf_token(client)
    batch = client.post(
        "/api/screening/batches", json={"name": "x"}, headers={"X-CSRFToken": token}
    ).get_json()
    response = client.post(
        f"/api/screening/batches/{batch['id']}/files",
        data={"file": (io.BytesIO(b"a" * (2 * 1024 * 1024)), "big.txt")},
        headers={"X-CSRFToken": token},
        content_type="multipart/form-data",
    )
    sub = response.get_json()["submissions"][0]
    assert sub["state"] == "failed" and sub["reason"] == "too_large"
    assert "big.txt" in sub["message"] and "1 MB" in sub["message"]
