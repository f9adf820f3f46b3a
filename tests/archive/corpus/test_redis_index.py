"""The corpus index in Redis: same answers as on disk, cluster-friendly keys, versions."""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections.abc import Iterator

import numpy as np
import pytest

from archive.corpus import redis_storage as redis_index
from archive.corpus.redis_storage import RedisIndexStorage, key_prefix
from screening.index import CorpusIndex
from tests.chinese_text import random_chinese
from tests.conftest import TEST_REDIS_URL

pytestmark = pytest.mark.redis


@pytest.fixture
def conn() -> Iterator[object]:
    from redis import Redis

    client = Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def corpus() -> dict[str, str]:
    rng = random.Random(3)
    return {f"d{i:02d}": random_chinese(rng, 1500) for i in range(30)}


def _thesis(corpus: dict[str, str], doc_id: str) -> str:
    rng = random.Random(doc_id)
    filler = random_chinese(rng, 4000)
    return filler[:2000] + corpus[doc_id][300:800] + filler[2000:]


def test_same_answers_as_the_directory_index(conn, corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    name = f"t-{uuid.uuid4().hex[:6]}"
    on_redis = CorpusIndex(storage=RedisIndexStorage(conn, name))
    on_disk = CorpusIndex(tmp_path / "idx")
    for doc_id, text in corpus.items():
        on_redis.add(doc_id, text)
        on_disk.add(doc_id, text)
    on_redis.save()
    on_disk.save()
    # A fresh storage object (another worker) has no cache: it reads Redis.
    reader = CorpusIndex(storage=RedisIndexStorage(conn, name))
    assert reader.doc_ids() == on_disk.doc_ids()
    assert reader.params == on_disk.params
    for doc_id in ("d03", "d17"):
        thesis = _thesis(corpus, doc_id)
        assert reader.query(thesis) == on_disk.query(thesis)
        assert reader.query(thesis)[0].doc_id == doc_id
    manifest = json.loads(conn.get(f"{key_prefix(name)}:manifest"))
    assert manifest["params"]["scheme"] == "affine32"  # the hashing scheme is pinned


def test_keys_share_one_hash_tag_and_need_no_transactions(conn, corpus) -> None:  # type: ignore[no-untyped-def]
    name = f"t-{uuid.uuid4().hex[:6]}"
    index = CorpusIndex(storage=RedisIndexStorage(conn, name))
    for doc_id, text in list(corpus.items())[:10]:
        index.add(doc_id, text)
    index.save()
    keys = [k.decode() for k in conn.scan_iter(match="chengxin:*")]
    assert keys
    # Every key carries the same {tag}: one cluster slot per index.
    assert all(k.startswith(f"chengxin:{{{name}}}:") for k in keys)
    assert {f"chengxin:{{{name}}}:manifest", f"chengxin:{{{name}}}:version"} <= set(
        keys
    )


def test_readers_follow_new_versions_and_keep_unchanged_segments(conn, corpus) -> None:  # type: ignore[no-untyped-def]
    name = f"t-{uuid.uuid4().hex[:6]}"
    items = list(corpus.items())
    writer = CorpusIndex(storage=RedisIndexStorage(conn, name))
    for doc_id, text in items[:20]:
        writer.add(doc_id, text)
    writer.save()
    storage = RedisIndexStorage(conn, name)
    first = CorpusIndex(storage=storage)
    assert len(first) == 20
    for doc_id, text in items[20:22]:
        writer.add(doc_id, text)
    writer.save()  # a small new segment; the big one is untouched
    second = CorpusIndex(storage=storage)
    assert len(second) == 22 and second.version != first.version
    # The unchanged segment is the same object: it was not fetched again.
    assert second._segments[0].keys is first._segments[0].keys
    assert second.query(_thesis(corpus, "d21"))[0].doc_id == "d21"


def test_compaction_lets_old_segments_expire(conn, corpus) -> None:  # type: ignore[no-untyped-def]
    name = f"t-{uuid.uuid4().hex[:6]}"
    writer = CorpusIndex(storage=RedisIndexStorage(conn, name))
    for doc_id, text in corpus.items():
        writer.add(doc_id, text)
        writer.save()
    old = list(writer._segments)
    writer.remove("d05")
    writer.compact()
    prefix = key_prefix(name)
    for seg in old:
        ttl = conn.ttl(f"{prefix}:seg:{seg.name}:keys")
        assert 0 < ttl <= redis_index.OBSOLETE_TTL_SECONDS
    reader = CorpusIndex(storage=RedisIndexStorage(conn, name))
    assert "d05" not in reader and len(reader) == len(corpus) - 1
    assert conn.ttl(f"{prefix}:seg:{reader._segments[0].name}:keys") == -1


def test_large_arrays_are_split_into_parts(conn, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(redis_index, "PART_BYTES", 1000)
    storage = RedisIndexStorage(conn, f"t-{uuid.uuid4().hex[:6]}")
    arrays = {"keys": np.arange(12 * 700, dtype=np.uint32).reshape(12, 700)}
    storage.write_segment("seg-x", arrays)
    fresh = RedisIndexStorage(conn, storage.name)
    back = fresh.read_segment("seg-x", ("keys",), mmap=False)
    assert np.array_equal(back["keys"], arrays["keys"])
    meta = json.loads(conn.get(f"{storage.prefix}:seg:seg-x:keys"))
    assert meta["parts"] == -(-12 * 700 * 4 // 1000)


def test_index_lock_is_exclusive_and_expires_after_its_holder(settings, conn) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    redis_settings = replace(settings, redis_url=TEST_REDIS_URL)
    redis_index.forget_storages()
    inside: list[int] = []
    overlap: list[bool] = []

    def writer(n: int) -> None:
        with redis_index.index_lock(redis_settings):
            overlap.append(bool(inside))
            inside.append(n)
            time.sleep(0.1)
            inside.remove(n)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert overlap == [False, False, False]
    # A holder that died without releasing: the lock has a TTL, not forever.
    storage = redis_index.storage_for(redis_settings)
    stale = conn.lock(f"{storage.prefix}:lock", timeout=1)
    assert stale.acquire(blocking=False)
    started = time.monotonic()
    with redis_index.index_lock(redis_settings):
        pass
    assert time.monotonic() - started < 5
    redis_index.forget_storages()
