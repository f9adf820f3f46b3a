"""A full disk during an upload says so (507, "存储空间") instead of "服务器内部错误", and
nothing is recorded: the data directory is a real 256 KiB tmpfs, filled up."""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess

import pytest
from sqlalchemy.orm import sessionmaker

from archive.kernel import runtime
from tests.archive.factories_archive import make_record, research_office
from tests.helpers import login, post_form
from web.app import create_app


@pytest.fixture
def full_data_dir(tmp_path):  # type: ignore[no-untyped-def]
    mount = tmp_path / "full"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip("needs permission to mount a tmpfs (root)")
    try:
        (mount / "files").mkdir()
        with open(mount / "filler", "wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"\0" * 4096)
            except OSError:
                pass
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_upload_on_a_full_disk_says_the_disk_is_full(settings, connection, session, full_data_dir):
    user = research_office(session, username="full-disk")
    record = make_record(session, user)
    session.commit()
    full = dataclasses.replace(settings, data_dir=full_data_dir)
    factory = sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        info={"settings": full},
    )
    runtime.configure(full, engine=connection.engine, session_factory=factory)
    app = create_app(full, session_factory=factory, check_schema=False)
    client = app.test_client()
    login(client, "full-disk")
    response = post_form(
        client,
        f"/archive/records/{record.id}/files",
        {"files": (io.BytesIO(os.urandom(200_000)), "big.bin")},
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 507, body[:300]
    assert "存储空间已满" in body and "服务器内部错误" not in body
    session.expire_all()
    assert [f.name for f in session.get(type(record), record.id).files] == []
