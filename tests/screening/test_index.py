"""The passage index: retrieval, persistence, incremental add, removal, df cut-off."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash

from screening.fingerprint import FingerprintParams, fingerprint_passages, permutations
from screening.index import CorpusIndex
from screening.tokenize import ngram_hashes, token_stream
from tests.chinese_text import random_chinese


@pytest.fixture
def corpus() -> dict[str, str]:
    rng = random.Random(42)
    docs = {f"d{i:03d}": random_chinese(rng, 800) for i in range(60)}
    docs["en"] = " ".join(
        rng.choice(
            [
                "integrity",
                "research",
                "copy",
                "text",
                "method",
                "data",
                "model",
                "result",
            ]
        )
        for _ in range(300)
    )
    return docs


def _thesis_with(
    corpus: dict[str, str], doc_id: str, rng: random.Random
) -> tuple[str, int]:
    passage = corpus[doc_id][200:500]
    filler = random_chinese(rng, 5000)
    at = filler.index("。", 2000) + 1
    return filler[:at] + passage + filler[at:], at


def test_minhash_matches_datasketch() -> None:
    params = FingerprintParams(num_perm=8, band_rows=2, window=10, stride=5)
    text = "本文研究了基于深度学习的图像识别方法并进行实验验证"
    fp = fingerprint_passages(text, params)
    shingles = ngram_hashes(token_stream(text).ids, params.shingle)
    m = MinHash(num_perm=8, seed=params.seed, scheme="affine32", hashfunc=lambda x: x)
    m.update_batch([int(x) for x in shingles[:10]])
    assert np.array_equal(m.hashvalues, fp.signatures[0])


def test_query_finds_the_source_region(corpus: dict[str, str]) -> None:
    index = CorpusIndex(None)
    for doc_id, text in corpus.items():
        index.add(doc_id, text)
    thesis, at = _thesis_with(corpus, "d007", random.Random(1))
    cands = index.query(thesis)
    assert cands[0].doc_id == "d007"
    region = cands[0].regions[0]
    assert region.query_start <= at + 100 and region.query_end >= at + 200
    assert region.source_start <= 300 and region.source_end >= 400


def test_persist_load_and_incremental_add(
    corpus: dict[str, str], tmp_path: Path
) -> None:
    index = CorpusIndex(tmp_path / "idx")
    items = list(corpus.items())
    for doc_id, text in items[:50]:
        index.add(doc_id, text)
    index.save()
    first = set((tmp_path / "idx").iterdir())
    loaded = CorpusIndex.load(tmp_path / "idx")
    assert len(loaded) == 50 and "d005" in loaded and "d055" not in loaded
    for doc_id, text in items[50:55]:
        loaded.add(doc_id, text)
    loaded.save()
    # A small addition is written as a new segment; the old one is left untouched.
    assert first < set((tmp_path / "idx").iterdir())
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    assert len(manifest["segments"]) == 2
    for doc_id, text in items[55:]:
        loaded.add(doc_id, text)
        loaded.save()
    again = CorpusIndex.load(tmp_path / "idx")
    assert again.doc_ids() == [d for d, _ in items]
    assert again.params == loaded.params
    thesis, _ = _thesis_with(corpus, "d057", random.Random(2))
    assert again.query(thesis)[0].doc_id == "d057"
    thesis, _ = _thesis_with(corpus, "d020", random.Random(2))
    assert again.query(thesis)[0].doc_id == "d020"


def test_segments_stay_logarithmic(corpus: dict[str, str], tmp_path: Path) -> None:
    index = CorpusIndex(tmp_path / "idx")
    for doc_id, text in corpus.items():
        index.add(doc_id, text)
        index.save()
    assert index.segment_count <= 7
    on_disk = {p.name for p in (tmp_path / "idx").glob("seg-*")}
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    assert on_disk == set(manifest["segments"])
    assert len(CorpusIndex.load(tmp_path / "idx")) == len(corpus)


def test_remove_tombstones_then_compact(corpus: dict[str, str], tmp_path: Path) -> None:
    index = CorpusIndex(tmp_path / "idx")
    for doc_id, text in corpus.items():
        index.add(doc_id, text)
    index.save()
    thesis, _ = _thesis_with(corpus, "d010", random.Random(3))
    index.remove("d010")
    assert "d010" not in index
    assert all(c.doc_id != "d010" for c in index.query(thesis))
    before = index.n_passages
    assert index.removed_count == 1
    index.compact()
    assert index.n_passages < before
    reopened = CorpusIndex.load(tmp_path / "idx")
    assert "d010" not in reopened and len(reopened) == len(corpus) - 1
    assert all(c.doc_id != "d010" for c in reopened.query(thesis))
    assert len(list((tmp_path / "idx").glob("seg-*"))) == 1


def test_readding_replaces_the_document(corpus: dict[str, str]) -> None:
    index = CorpusIndex(None)
    index.add("x", corpus["d001"])
    index.add("x", corpus["d002"])
    assert len(index) == 1
    thesis, _ = _thesis_with(corpus, "d002", random.Random(4))
    assert [c.doc_id for c in index.query(thesis)] == ["x"]


def test_df_cutoff_ignores_boilerplate(corpus: dict[str, str]) -> None:
    boiler = "本论文作者郑重声明所呈交的学位论文是本人在导师指导下独立进行研究工作所取得的成果"
    index = CorpusIndex(None, max_df=0.01, min_df_cap=3)
    for doc_id, text in corpus.items():
        index.add(doc_id, boiler + text[:300])
    rng = random.Random(5)
    thesis = random_chinese(rng, 2000) + boiler + random_chinese(rng, 2000)
    assert index.query(thesis) == []
    loose = CorpusIndex(None, max_df=1.0, min_df_cap=1000, max_df_docs=1000)
    for doc_id, text in corpus.items():
        loose.add(doc_id, boiler + text[:300])
    assert len(loose.query(thesis)) > 3


def test_parameters_are_pinned_in_the_manifest(tmp_path: Path) -> None:
    index = CorpusIndex(tmp_path / "idx", num_perm=16, band_rows=2, seed=9)
    index.add("a", "学术诚信" * 50)
    index.save()
    assert CorpusIndex.load(tmp_path / "idx").params.seed == 9
    with pytest.raises(ValueError):
        CorpusIndex(tmp_path / "idx", num_perm=32)


def test_memory_per_indexed_char(corpus: dict[str, str]) -> None:
    index = CorpusIndex(None)
    for doc_id, text in corpus.items():
        index.add(doc_id, text)
    index.query("查询")
    chars = sum(len(t) for t in corpus.values())
    assert index.nbytes / chars < 6


def test_permutations_are_datasketchs_affine32_parameters() -> None:
    for num_perm, seed in ((24, 1), (8, 7), (128, 42)):
        a, b = permutations(num_perm, seed)
        ref = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        assert a.dtype == np.uint32 and b.dtype == np.uint32
        assert np.array_equal(a, np.asarray(ref[0], dtype=np.uint32))
        assert np.array_equal(b, np.asarray(ref[1], dtype=np.uint32))
