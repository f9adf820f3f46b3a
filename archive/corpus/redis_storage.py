"""The corpus index in Redis, shared by every worker, in a Redis Cluster-friendly layout.

One hash tag per index keeps all of its keys in one cluster slot, and only single-key
commands are used (GET/SET/EXPIRE/STRLEN; the lock is redis-py's single-key lock), so
the layout works on a plain Redis and on a Redis Cluster alike; no MULTI/EXEC. The index
may live on a Redis Cluster (`CHENGXIN_INDEX_REDIS_URL`, any node; a cluster client is
used when the node says it is clustered) while rq keeps its plain `CHENGXIN_REDIS_URL`:

    chengxin:{corpus}:manifest                    JSON: segments, documents, parameters
    chengxin:{corpus}:version                     the manifest's version (cheap to poll)
    chengxin:{corpus}:seg:<segment>:<array>       JSON: dtype, shape, number of parts
    chengxin:{corpus}:seg:<segment>:<array>:<i>   raw bytes of part i (<= 64 MB each)
    chengxin:{corpus}:lock                        one writer at a time

Segments are immutable: a writer stores a new segment's parts, then its descriptors,
then the manifest, then the version. A reader polls the version; when it changed it
reads the manifest and fetches only the segments it does not hold yet (segments are
cached per process by name, so a worker downloads each segment once). A compaction's
obsolete segments are not deleted but expire after `OBSOLETE_TTL_SECONDS`, so a reader
that read the previous manifest can still load them.

If Redis loses its data (restarted without persistence), the manifest is missing and
`archive.corpus.services.sync_index` rebuilds the index from the database (also on demand:
`chengxin corpus reindex`).
"""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from archive.kernel.errors import QueueUnavailable
from archive.kernel.settings import Settings, masked_url, scrubbed
from screening.storage import SegmentMissing

INDEX_NAME = "corpus"
PART_BYTES = 64 * 1024 * 1024
OBSOLETE_TTL_SECONDS = 600
LOCK_TTL_SECONDS = 30


def key_prefix(name: str = INDEX_NAME) -> str:
    """`chengxin:{name}`: the hash tag puts every key of one index in one slot."""
    return f"chengxin:{{{name}}}"


class RedisIndexStorage:
    """`screening.storage.IndexStorage` on Redis, with a per-process segment cache."""

    def __init__(self, connection: Any, name: str = INDEX_NAME) -> None:
        self.connection = connection
        self.name = name
        self.prefix = key_prefix(name)
        self._segments: dict[str, dict[str, np.ndarray]] = {}
        self._manifest: dict[str, Any] | None = None
        self._manifest_version: bytes | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RedisIndexStorage({self.prefix!r})"

    # ----------------------------------------------------------------- manifest
    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest (re-read only when the version key changed)."""
        version = self.connection.get(f"{self.prefix}:version")
        with self._lock:
            if (
                version is not None
                and version == self._manifest_version
                and self._manifest is not None
            ):
                return self._manifest
        raw = self.connection.get(f"{self.prefix}:manifest")
        if raw is None:
            with self._lock:
                self._manifest = None
                self._manifest_version = None
            return None
        manifest: dict[str, Any] = json.loads(raw)
        with self._lock:
            self._manifest = manifest
            self._manifest_version = str(manifest.get("version", "")).encode()
            live = set(manifest.get("segments", []))
            # Segments no manifest names any more are dropped from the cache (an
            # index object still holding one keeps its arrays alive).
            for name in list(self._segments):
                if name not in live:
                    del self._segments[name]
        return manifest

    def write_manifest(self, manifest: Mapping[str, Any]) -> None:
        """SET the manifest, then the version readers poll."""
        data = json.dumps(manifest, ensure_ascii=False)
        version = str(manifest.get("version") or uuid.uuid4().hex)
        self.connection.set(f"{self.prefix}:manifest", data)
        self.connection.set(f"{self.prefix}:version", version)
        with self._lock:  # the writer's lists change later: read it back when needed
            self._manifest = None
            self._manifest_version = None

    def manifest_version(self) -> str | None:
        """The stored version (None when there is no index)."""
        raw = self.connection.get(f"{self.prefix}:version")
        return raw.decode() if raw is not None else None

    # ----------------------------------------------------------------- segments
    def _array_key(self, segment: str, field: str) -> str:
        return f"{self.prefix}:seg:{segment}:{field}"

    def write_segment(
        self, name: str, arrays: Mapping[str, np.ndarray]
    ) -> Mapping[str, np.ndarray] | None:
        """Store each array as parts, then its descriptor (readers look for that)."""
        for field, array in arrays.items():
            data = np.ascontiguousarray(array)
            raw = memoryview(data).cast("B") if data.size else memoryview(b"")
            parts = max(1, -(-len(raw) // PART_BYTES))
            key = self._array_key(name, field)
            for i in range(parts):
                self.connection.set(
                    f"{key}:{i}", bytes(raw[i * PART_BYTES : (i + 1) * PART_BYTES])
                )
            meta = {"dtype": data.dtype.str, "shape": list(data.shape), "parts": parts}
            self.connection.set(key, json.dumps(meta))
        with self._lock:
            self._segments[name] = dict(arrays)
        return None

    def read_segment(
        self, name: str, fields: tuple[str, ...], mmap: bool
    ) -> dict[str, np.ndarray]:
        """The segment's arrays, from the process cache or fetched once."""
        del mmap  # arrays from Redis live in memory
        with self._lock:
            cached = self._segments.get(name)
        if cached is not None and all(f in cached for f in fields):
            return {f: cached[f] for f in fields}
        out: dict[str, np.ndarray] = {}
        for field in fields:
            key = self._array_key(name, field)
            raw_meta = self.connection.get(key)
            if raw_meta is None:
                raise SegmentMissing(f"{key} is missing")
            meta = json.loads(raw_meta)
            chunks = []
            for i in range(int(meta["parts"])):
                part = self.connection.get(f"{key}:{i}")
                if part is None:
                    raise SegmentMissing(f"{key}:{i} is missing")
                chunks.append(part)
            buf = b"".join(chunks) if len(chunks) > 1 else chunks[0]
            array = np.frombuffer(buf, dtype=np.dtype(meta["dtype"]))
            out[field] = array.reshape(meta["shape"])
        with self._lock:
            self._segments[name] = out
        return out

    def delete_segment(self, name: str) -> None:
        """Let the segment's keys expire (a reader of the previous manifest may still
        be fetching them)."""
        for field in ("passage_doc", "spans", "keys", "pids"):
            key = self._array_key(name, field)
            raw_meta = self.connection.get(key)
            if raw_meta is None:
                continue
            for i in range(int(json.loads(raw_meta)["parts"])):
                self.connection.expire(f"{key}:{i}", OBSOLETE_TTL_SECONDS)
            self.connection.expire(key, OBSOLETE_TTL_SECONDS)
        with self._lock:
            self._segments.pop(name, None)

    def nbytes_stored(self) -> int:
        """Bytes of the manifest and of the live segments' parts."""
        manifest = self.read_manifest()
        if manifest is None:
            return 0
        total = int(self.connection.strlen(f"{self.prefix}:manifest"))
        for name in manifest["segments"]:
            for field in ("passage_doc", "spans", "keys", "pids"):
                key = self._array_key(name, field)
                raw_meta = self.connection.get(key)
                if raw_meta is None:
                    continue
                for i in range(int(json.loads(raw_meta)["parts"])):
                    total += int(self.connection.strlen(f"{key}:{i}"))
        return total

    def clear(self) -> None:
        """Forget the index (tests and `reindex --from-scratch`): manifest and version
        go; segments expire."""
        manifest = self.read_manifest()
        self.connection.delete(f"{self.prefix}:manifest")
        self.connection.delete(f"{self.prefix}:version")
        for name in (manifest or {}).get("segments", []):
            self.delete_segment(name)
        with self._lock:
            self._manifest = None
            self._manifest_version = None
            self._segments.clear()


# ---------------------------------------------------------------- per process
_storages: dict[tuple[str, str], RedisIndexStorage] = {}
_storages_lock = threading.Lock()


def storage_for(settings: Settings, name: str = INDEX_NAME) -> RedisIndexStorage:
    """The process's storage (and segment cache) for the index's Redis and name."""
    url = settings.index_redis
    with _storages_lock:
        storage = _storages.get((url, name))
        if storage is None:
            storage = RedisIndexStorage(index_connection(url), name)
            _storages[(url, name)] = storage
        return storage


def index_connection(url: str) -> Any:
    """A client for the index's Redis: a cluster client when the node says it is part
    of a Redis Cluster, a plain one otherwise."""
    from redis import Redis
    from redis.cluster import RedisCluster
    from redis.exceptions import RedisError

    options = {"socket_connect_timeout": 3, "socket_timeout": 30}
    try:
        plain = Redis.from_url(url, **options)
        clustered = bool(plain.info("cluster").get("cluster_enabled"))
        if not clustered:
            return plain
        plain.close()
        return RedisCluster.from_url(url, **options)
    except (RedisError, OSError, ValueError) as exc:
        shown = masked_url(url)
        detail = scrubbed(str(exc), url)
        raise QueueUnavailable(
            f"比对索引不可用：无法连接 Redis（{shown}）。请检查 CHENGXIN_INDEX_REDIS_URL "
            f"或 CHENGXIN_REDIS_URL。 (index Redis unreachable: {detail})",
            redis_url=shown,
        ) from exc


def forget_storages() -> None:
    """Drop the per-process storages and their caches (tests, after a fork)."""
    with _storages_lock:
        _storages.clear()


@contextlib.contextmanager
def index_lock(settings: Settings, name: str = INDEX_NAME) -> Iterator[None]:
    """One index writer at a time across machines: a Redis lock kept alive while held.

    The lock expires `LOCK_TTL_SECONDS` after its holder dies (a killed worker does
    not block writers for long); a thread extends it while the holder works.
    """
    storage = storage_for(settings, name)
    lock = storage.connection.lock(
        f"{storage.prefix}:lock",
        timeout=LOCK_TTL_SECONDS,
        blocking_timeout=3600,
        thread_local=False,
    )
    if not lock.acquire():
        raise TimeoutError("the corpus index lock was not released within an hour")
    done = threading.Event()

    def keep_alive() -> None:
        while not done.wait(LOCK_TTL_SECONDS / 3):
            with contextlib.suppress(Exception):
                lock.reacquire()

    thread = threading.Thread(target=keep_alive, daemon=True, name="index-lock")
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)
        with contextlib.suppress(Exception):
            lock.release()
