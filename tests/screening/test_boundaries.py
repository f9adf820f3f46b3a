"""The index caches each document's jieba token boundaries; the meaning layer reads
them instead of cutting candidates again, and must find exactly what it found before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from screening.boundaries import (
    Boundaries,
    merge_boundaries,
    pack_starts,
    tokens_within,
    unpack_tokens,
)
from screening.index import CorpusIndex, document_meaning
from screening.normalize import normalize
from screening.report import KIND_REWRITE
from screening.screener import Screener
from screening.semantic.align import align_meaning, prepare
from screening.semantic.finder import MeaningFinder
from screening.tokenize import get_tokenizer, sentences
from tests.chinese_text import chinese_paragraph, random_chinese
from tests.screening.rewrites import ENGLISH_SOURCE, REWRITE, SAME_TOPIC, SOURCE

# A long source: the rewritten passage among other prose, so that the meaning layer
# looks only at the sentences near the thesis's passage.
LONG_SOURCE = (
    chinese_paragraph(7, 30)
    + "\n"
    + SOURCE
    + "\n"
    + chinese_paragraph(8, 30)
    + " 1.5 kg"
)


def _corpus() -> dict[str, str]:
    corpus = {f"filler-{i}": random_chinese(i, 300) for i in range(10)}
    corpus.update(source=LONG_SOURCE, other=SAME_TOPIC, english=ENGLISH_SOURCE)
    return corpus


def _thesis() -> str:
    return "第一章 绪论\n" + random_chinese(101, 200) + "\n" + REWRITE + "\n"


@pytest.mark.parametrize(
    "text", [LONG_SOURCE, SAME_TOPIC, "  前后 有 空格，  和\n换行 ABC-12 的文本。 "]
)
def test_packed_boundaries_give_back_the_tokens_jieba_gave(text: str) -> None:
    norm = normalize(text).text
    _, bits = document_meaning(norm)

    assert len(bits) == (len(norm) + 7) // 8  # one bit per character
    assert unpack_tokens(norm, bits) == get_tokenizer().words(norm)


def test_latin_script_documents_cache_nothing() -> None:
    keys, bits = document_meaning(ENGLISH_SOURCE)

    assert len(keys) and not len(bits)


def test_the_index_keeps_boundaries_through_save_merge_and_compaction(
    tmp_path: Path,
) -> None:
    index = CorpusIndex(tmp_path / "idx")
    corpus = _corpus()
    for doc_id, text in corpus.items():
        index.add(doc_id, text)
        index.save()  # one segment per document: saving merges the tail
    index.remove("filler-3")
    index.compact()
    reopened = CorpusIndex.load(tmp_path / "idx")

    for doc_id, text in corpus.items():
        norm = normalize(text).text
        cached = reopened.word_tokens(doc_id, norm)
        if doc_id == "english" or doc_id == "filler-3":
            assert cached is None
        else:
            assert cached == get_tokenizer().words(norm)
    # A text other than the one indexed is never cut at stale boundaries.
    assert reopened.word_tokens("source", normalize(SOURCE).text) is None


def test_merging_boundaries_out_of_document_order() -> None:
    texts = {3: "三号文档的文本。", 1: "一号文档，较短。", 2: "二号。"}
    parts = [
        Boundaries.build([d], [pack_starts(len(t), range(len(t)))])
        for d, t in texts.items()
    ]
    merged = merge_boundaries(parts, np.array([True, True, False, True]))

    assert merged.docs.tolist() == [1, 3]
    for d in (1, 3):
        assert unpack_tokens(texts[d], merged.get(d)) == [
            (c, i, i + 1) for i, c in enumerate(texts[d])
        ]
    assert merged.get(2) is None


def test_cached_tokens_give_the_same_alignment_as_fresh_segmentation() -> None:
    src = normalize(LONG_SOURCE)
    tgt = prepare(normalize(_thesis()))
    near = "".join(tgt.norm.text[s:e] for s, e in tgt.sents)
    _, bits = document_meaning(src)

    fresh = prepare(src, near=near)
    cached = prepare(src, near=near, tokens=unpack_tokens(src.text, bits))

    assert len(fresh.sents) < len(sentences(src.text, max_chars=200))  # near path
    assert cached.words == fresh.words and cached.native == fresh.native
    assert align_meaning(cached, tgt) == align_meaning(fresh, tgt)
    assert align_meaning(fresh, tgt)


def test_cached_tokens_read_within_the_near_sentences_are_the_same() -> None:
    src = normalize(LONG_SOURCE)
    tgt = prepare(normalize(_thesis()))
    near = "".join(tgt.norm.text[s:e] for s, e in tgt.sents)
    _, bits = document_meaning(src)
    asked: list[object] = []

    def cached(within: object) -> list[tuple[str, int, int]]:
        asked.append(within)
        return unpack_tokens(src.text, bits, within)  # type: ignore[arg-type]

    lazy = prepare(src, near=near, cached=cached)
    whole = prepare(src, near=near, tokens=unpack_tokens(src.text, bits))

    assert asked == [lazy.sents]  # only the sentences near the thesis were asked for
    assert lazy.words == whole.words and lazy.native == whole.native


@pytest.mark.parametrize("seed", range(4))
def test_tokens_unpacked_within_spans_are_those_kept_after_unpacking(
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    norm = normalize(LONG_SOURCE + " 空 格  " + random_chinese(seed, 200)).text
    _, bits = document_meaning(norm)
    cuts = np.unique(rng.integers(0, len(norm), 12))
    spans = [(int(a), int(b)) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]

    for within in (spans, [], [(0, len(norm))]):
        assert unpack_tokens(norm, bits, within) == tokens_within(
            unpack_tokens(norm, bits), within
        )


def test_tokens_within_keeps_whole_tokens_inside_the_spans() -> None:
    tokens = [("甲乙", 0, 2), ("丙", 2, 3), ("丁戊", 3, 5), ("己", 5, 6)]

    assert tokens_within(tokens, [(0, 3), (5, 6)]) == [tokens[0], tokens[1], tokens[3]]
    assert tokens_within(tokens, [(1, 4)]) == [tokens[1]]


def test_an_index_saved_before_the_cache_screens_the_same(tmp_path: Path) -> None:
    corpus = _corpus()
    index = CorpusIndex(tmp_path / "idx")
    for doc_id, text in corpus.items():
        index.add(doc_id, text)
    index.save()
    new = Screener(CorpusIndex.load(tmp_path / "idx"), corpus.__getitem__)
    expected = new.screen(_thesis())
    for old in (tmp_path / "idx").glob("seg-*/bound_*.npy"):
        old.unlink()  # as segments written by the previous release
    reopened = CorpusIndex.load(tmp_path / "idx")
    old = Screener(reopened, corpus.__getitem__)

    # Without cached boundaries, candidates are cut afresh: the same matches.
    assert reopened.word_tokens("source", normalize(LONG_SOURCE).text) is None
    assert old.screen(_thesis()) == expected
    assert [m.kind for m in expected if m.source == "source"] == [KIND_REWRITE]


def test_a_thesis_is_cut_once_for_the_corpus_and_the_peers() -> None:
    finder = MeaningFinder()
    index = CorpusIndex(None)
    for doc_id, text in _corpus().items():
        index.add(doc_id, text)
    norm = normalize(_thesis())

    first = finder.find(norm, index, _corpus().__getitem__)
    assert finder._last is not None and finder._last[0] is norm
    side = finder._last[1]
    again = finder.find(norm, index, _corpus().__getitem__)

    assert finder._last[1] is side and again == first
    assert [m.source for m in first] == ["source"]


def test_sources_already_normalised_are_not_fetched_again() -> None:
    """The meaning layer takes the character layer's normalised sources: same matches,
    no second fetch of them."""
    index = CorpusIndex(None)
    for doc_id, text in _corpus().items():
        index.add(doc_id, text)
    norm = normalize(_thesis())
    fetched: list[str] = []

    def fetch(doc_id: str) -> str:
        fetched.append(doc_id)
        return _corpus()[doc_id]

    expected = MeaningFinder().find(norm, index, _corpus().__getitem__)
    read = {d: normalize(t) for d, t in _corpus().items()}
    got = MeaningFinder().find(norm, index, fetch, sources=read)

    assert got == expected and fetched == []
    assert [m.source for m in got] == ["source"]
