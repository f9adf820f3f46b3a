"""An upload while Redis is down: the batch is saved, the client hears 503 with its id,
and a retry with the same `Idempotency-Key` creates nothing new.

Redis here is a URL on a closed port (refused at once, with a password that must not be
shown); when it comes back, the workers' recovery queues what was saved (tested with a
real Redis in `tests/e2e/test_scale_out.py`).
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from archive.kernel.accounts import Role, issue_api_token
from archive.submissions.models import Batch, RequestKey, Submission, SubmissionState
from tests.archive.factories_screening import THESIS, isolated_factory
from tests.factories import make_user
from web.app import create_app

DOWN_REDIS = "redis://:queue-secret@127.0.0.1:1/0"


@pytest.fixture
def down(connection, settings, tmp_path):
    """An app whose Redis does not answer, a research-office token, the session factory."""
    factory = isolated_factory(
        connection, settings, tmp_path / "data", redis_url=DOWN_REDIS
    )
    app = create_app(
        factory.kw["info"]["settings"], session_factory=factory, check_schema=False
    )
    with factory() as s:
        user = make_user(s, Role.RESEARCH_OFFICE)
        token, _ = issue_api_token(s, user=user, name="t")
        s.commit()
    return app.test_client(), {"Authorization": f"Bearer {token}"}, factory


def upload(client, headers, key=None):  # type: ignore[no-untyped-def]
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(
        "/api/screening/batches",
        data={
            "name": "送审论文",
            "files": (io.BytesIO(THESIS.encode()), "thesis.txt"),
        },
        headers={**headers, **extra},
        content_type="multipart/form-data",
    )


def counts(factory) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with factory() as s:
        return (
            s.scalar(select(func.count()).select_from(Batch)) or 0,
            s.scalar(select(func.count()).select_from(Submission)) or 0,
        )


def test_upload_while_redis_is_down_is_saved_and_says_so(down):
    client, headers, factory = down
    before = counts(factory)
    response = upload(client, headers, key="upload-0001")
    assert response.status_code == 503
    body = response.get_json()["error"]
    assert body["code"] == "queue_unavailable"
    assert "请勿重复上传" in body["message"]
    assert body["details"]["saved"] is True
    assert "secret" not in response.get_data(as_text=True)
    batch_id = body["details"]["batch_id"]
    with factory() as s:
        batch = s.get(Batch, batch_id)
        assert batch is not None and batch.name == "送审论文"
        [sub] = batch.submissions
        assert sub.state == SubmissionState.QUEUED and sub.stored_file_id
    assert counts(factory) == (before[0] + 1, before[1] + 1)


def test_a_retry_with_the_same_key_creates_nothing_new(down):
    client, headers, factory = down
    first = upload(client, headers, key="upload-0002").get_json()["error"]["details"]
    before = counts(factory)
    again = upload(client, headers, key="upload-0002")
    # Redis still down: the same answer, the same batch, no second row.
    assert again.status_code == 503
    assert again.get_json()["error"]["details"]["batch_id"] == first["batch_id"]
    assert counts(factory) == before
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(RequestKey)) == 1


def test_a_different_key_is_a_different_upload(down):
    client, headers, factory = down
    upload(client, headers, key="upload-0003")
    before = counts(factory)
    upload(client, headers, key="upload-0004")
    assert counts(factory) == (before[0] + 1, before[1] + 1)


def test_a_key_names_one_batch(down):
    client, headers, factory = down
    first = upload(client, headers, key="upload-0005").get_json()["error"]["details"]
    other = upload(client, headers, key="upload-0006").get_json()["error"]["details"]
    response = client.post(
        f"/api/screening/batches/{other['batch_id']}/files",
        data={"file": (io.BytesIO(THESIS.encode()), "b.txt")},
        headers={**headers, "Idempotency-Key": "upload-0005"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert first["batch_id"] != other["batch_id"]


def test_a_malformed_key_is_refused(down):
    client, headers, _ = down
    assert upload(client, headers, key="x" * 200).status_code == 422
