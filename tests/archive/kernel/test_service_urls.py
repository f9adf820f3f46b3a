"""Service URLs in messages and logs never carry their password."""

from __future__ import annotations

import pytest

from archive.corpus.redis_storage import index_connection
from archive.kernel import queue
from archive.kernel.errors import QueueUnavailable
from archive.kernel.settings import Settings, masked_url, scrubbed


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:s3cret@host:6379/0", "redis://:***@host:6379/0"),
        ("redis://user:s3cret@host/0", "redis://user:***@host/0"),
        ("postgresql+psycopg://cx:p%40ss@db/cx", "postgresql+psycopg://cx:***@db/cx"),
        ("rediss://tokenonly@host/0", "rediss://***@host/0"),
        ("redis://host:6379/0", "redis://host:6379/0"),
        ("memory://", "memory://"),
        ("", ""),
    ],
)
def test_masked_url_hides_the_password(url, shown):
    assert masked_url(url) == shown


def test_scrubbed_masks_the_password_inside_any_text():
    url = "redis://:s3cret@host/0"
    assert (
        scrubbed(f"could not reach {url}", url) == "could not reach redis://:***@host/0"
    )


def test_redis_down_message_names_the_host_but_not_the_password(tmp_path):
    url = "redis://:hunter2-secret@127.0.0.1:1/0"
    settings = Settings(env="test", data_dir=tmp_path, secret_key="k", redis_url=url)
    with pytest.raises(QueueUnavailable) as caught:
        queue.enqueue(settings, print, "x")
    assert "hunter2" not in caught.value.message
    assert "127.0.0.1:1" in caught.value.message
    assert "hunter2" not in str(caught.value.details)


def test_index_redis_down_message_hides_the_password():
    with pytest.raises(QueueUnavailable) as caught:
        index_connection("redis://:hunter2-secret@127.0.0.1:1/0")
    assert "hunter2" not in caught.value.message
    assert "hunter2" not in str(caught.value.details)
