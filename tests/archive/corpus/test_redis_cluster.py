"""The screening index on a real Redis Cluster (three masters started for the module).

The layout claims to work on a cluster: one hash tag, single-key commands, a single-key
lock. Here a cluster of three `redis-server --cluster-enabled yes` nodes holds the index
while the database and jobs stay as they are (`CHENGXIN_INDEX_REDIS_URL`).
"""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from archive.corpus import index as corpus_index
from archive.corpus import redis_storage as redis_index
from screening.index import CorpusIndex
from tests.chinese_text import random_chinese

pytestmark = pytest.mark.redis_server


def _free_ports(n: int) -> list[int]:
    """Free ports whose cluster-bus ports (port + 10000) are free too."""
    rng = random.Random()
    ports: list[int] = []
    while len(ports) < n:
        port = rng.randrange(20000, 30000)
        if port in ports:
            continue
        try:
            for candidate in (port, port + 10000):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        ports.append(port)
    return ports


@pytest.fixture(scope="module")
def cluster_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`redis://` of one node of a fresh three-master cluster."""
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        pytest.skip("redis-server and redis-cli are needed for a cluster")
    work: Path = tmp_path_factory.mktemp("cluster")
    ports = _free_ports(3)
    nodes = [
        subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
            + [
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                f"nodes-{port}.conf",
            ]
            + ["--save", "", "--appendonly", "no", "--dir", str(work)],
            stdout=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:
            _wait_for(lambda p=port: _cli(p, "ping") == "PONG")
        subprocess.run(
            ["redis-cli", "--cluster", "create"]
            + [f"127.0.0.1:{port}" for port in ports]
            + ["--cluster-replicas", "0", "--cluster-yes"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        for port in ports:
            _wait_for(lambda p=port: "cluster_state:ok" in _cli(p, "cluster", "info"))
        yield f"redis://127.0.0.1:{ports[0]}/0"
    finally:
        for node in nodes:
            node.terminate()
        for node in nodes:
            node.wait(timeout=10)


def _cli(port: int, *args: str) -> str:
    done = subprocess.run(
        ["redis-cli", "-p", str(port), *args],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    return done.stdout.strip()


def _wait_for(condition, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the cluster did not come up"
        time.sleep(0.1)


@pytest.fixture
def cluster_settings(settings, cluster_url):  # type: ignore[no-untyped-def]
    redis_index.forget_storages()
    yield replace(settings, redis_url="", index_redis_url=cluster_url)
    redis_index.forget_storages()


def test_the_index_lives_on_a_cluster_in_one_slot(cluster_settings) -> None:  # type: ignore[no-untyped-def]
    from redis.cluster import RedisCluster

    rng = random.Random(5)
    docs = {f"d{i:02d}": random_chinese(rng, 1500) for i in range(20)}
    storage = redis_index.storage_for(cluster_settings)
    assert isinstance(storage.connection, RedisCluster)  # detected from the node
    storage.clear()
    writer = CorpusIndex(storage=storage)
    for doc_id, text in list(docs.items())[:12]:
        writer.add(doc_id, text)
    writer.save()
    for doc_id, text in list(docs.items())[12:]:
        writer.add(doc_id, text)  # a second segment
    writer.save()
    writer.compact()  # obsolete segments expire, the manifest moves on

    redis_index.forget_storages()  # another worker: nothing cached
    reader = corpus_index.load_index(cluster_settings)
    assert reader.doc_ids() == sorted(docs)
    thesis = (
        random_chinese(rng, 2000) + docs["d15"][200:700] + random_chinese(rng, 2000)
    )
    assert reader.query(thesis)[0].doc_id == "d15"

    client = reader.storage.connection  # type: ignore[attr-defined]
    keys = list(
        client.scan_iter(
            match=f"{storage.prefix}:*", target_nodes=RedisCluster.ALL_NODES
        )
    )
    assert len(keys) > 5
    assert len({client.keyslot(key) for key in keys}) == 1  # one hash tag, one slot


def test_the_index_lock_works_on_a_cluster(cluster_settings) -> None:  # type: ignore[no-untyped-def]
    storage = redis_index.storage_for(cluster_settings)
    with corpus_index.index_lock(cluster_settings):
        assert storage.connection.exists(f"{storage.prefix}:lock")
        other = storage.connection.lock(f"{storage.prefix}:lock", timeout=5)
        assert not other.acquire(blocking=False)  # exclusive
    assert not storage.connection.exists(f"{storage.prefix}:lock")
