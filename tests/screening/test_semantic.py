"""The meaning layer on real prose written for these tests: a rewritten passage is found
with its reasons, a translated one is found across languages, and an unrelated passage
on the same topic is not reported."""

from __future__ import annotations

from pathlib import Path

import pytest

import screening.semantic.words as words_module
from screening.index import CorpusIndex
from screening.normalize import normalize
from screening.report import KIND_REWRITE, KIND_TRANSLATED, MATCH_COPY
from screening.screener import Screener
from screening.semantic.align import align_meaning, prepare
from screening.semantic.lexicon import english_forms, get_lexicon
from screening.semantic.words import content_words, native_keys, token_words
from screening.tokenize import get_tokenizer
from tests.chinese_text import random_chinese
from tests.screening.rewrites import (
    ENGLISH_SOURCE,
    REWRITE,
    SAME_TOPIC,
    SOURCE,
    TRANSLATION,
)


def _corpus(**docs: str) -> dict[str, str]:
    """The given documents among unrelated filler documents."""
    corpus = {f"filler-{i}": random_chinese(i, 300) for i in range(12)}
    corpus.update(docs)
    return corpus


def _thesis(passage: str) -> tuple[str, int, int]:
    """A thesis with the passage between unrelated paragraphs, and where it lies."""
    before = "第一章 绪论\n" + random_chinese(101, 200) + "\n"
    return before + passage + "\n" + random_chinese(102, 200), len(before), len(passage)


def test_a_rewritten_passage_is_found_with_its_reasons() -> None:
    screener = Screener().fit(_corpus(source=SOURCE, other=SAME_TOPIC))
    thesis, start, length = _thesis(REWRITE)

    found = [m for m in screener.screen(thesis) if m.source == "source"]

    assert len(found) == 1
    (m,) = found
    assert m.kind == KIND_REWRITE
    assert m.offset < start + length // 3 and m.end > start + 2 * length // 3
    # The reasons an investigator reads: synonyms aligned, numbers and terms shared.
    assert ("降水", "降雨") in m.pairs
    assert ("缩小", "减少") in m.pairs
    assert {"swmm", "23", "40"} <= set(m.terms)
    assert 0.4 < m.score < 1.0


def test_an_unrelated_passage_on_the_same_topic_is_not_reported() -> None:
    screener = Screener().fit(_corpus(source=SOURCE, rewrite=REWRITE))
    thesis, _, _ = _thesis(SAME_TOPIC)

    assert screener.screen(thesis) == []


def test_a_passage_translated_from_an_english_source_is_found() -> None:
    screener = Screener().fit(_corpus(english=ENGLISH_SOURCE, source=SOURCE))
    thesis, start, length = _thesis(TRANSLATION)

    found = [m for m in screener.screen(thesis) if m.source == "english"]

    assert [m.kind for m in found] == [KIND_TRANSLATED]
    m = found[0]
    assert m.offset <= start + 5 and m.end >= start + length - 5
    assert ("印度", "india") in m.pairs
    assert {"2015", "320", "41", "18"} <= set(m.terms)


def test_an_english_thesis_against_a_chinese_source_is_found() -> None:
    source = prepare(normalize(TRANSLATION))
    thesis = prepare(normalize(ENGLISH_SOURCE))

    (p,) = align_meaning(source, thesis)

    assert p.cross_language
    assert p.tgt_span[1] - p.tgt_span[0] > 0.8 * len(ENGLISH_SOURCE)


def test_copied_text_is_left_to_the_character_layer() -> None:
    screener = Screener().fit(_corpus(source=SOURCE))
    thesis, _, _ = _thesis(SOURCE[30:])

    found = screener.screen(thesis)

    assert {m.kind for m in found} == {MATCH_COPY}


def test_the_meaning_layer_can_be_turned_off() -> None:
    screener = Screener(meaning=False).fit(_corpus(source=SOURCE))
    thesis, _, _ = _thesis(REWRITE)

    assert screener.screen(thesis) == []


def test_word_postings_are_saved_and_found_again(tmp_path: Path) -> None:
    index = CorpusIndex(tmp_path / "idx")
    for doc_id, text in _corpus(source=SOURCE).items():
        index.add(doc_id, text)
    index.save()
    reopened = CorpusIndex.load(tmp_path / "idx")
    screener = Screener(reopened, {"source": SOURCE}.__getitem__)
    thesis, _, _ = _thesis(REWRITE)

    assert [m.source for m in screener.screen(thesis)] == ["source"]
    # Compaction keeps the postings of live documents only.
    reopened.remove("source")
    reopened.compact()
    assert CorpusIndex.load(tmp_path / "idx").nbytes < index.nbytes


def test_lexicon_ships_with_the_packages() -> None:
    lexicon = get_lexicon()

    assert set(lexicon.classes["增加"]) & set(lexicon.classes["增多"])
    assert "temperature" in lexicon.zh_to_en["温度"]
    assert "催化剂" in lexicon.translations("catalysts")
    assert english_forms("studied")[1] == "study"


@pytest.mark.parametrize("words", [["结果表明", "具有重要意义"], ["研究", "方法"]])
def test_stock_phrasing_is_no_evidence(words: list[str]) -> None:
    text = "，".join(words) + "。"
    assert content_words(text) == []


def test_an_index_saved_before_the_meaning_layer_still_opens(tmp_path: Path) -> None:
    index = CorpusIndex(tmp_path / "idx")
    index.add("source", SOURCE)
    index.save()
    for old in (tmp_path / "idx").glob("seg-*/word_*.npy"):
        old.unlink()  # as segments written by the previous release
    reopened = CorpusIndex.load(tmp_path / "idx")
    screener = Screener(reopened, {"source": SOURCE}.__getitem__)

    assert len(reopened) == 1
    assert screener.screen(_thesis(SOURCE[20:])[0])[0].source == "source"


def test_token_words_are_content_words_with_their_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each token worked out once gives what `content_words` and `native_keys` give."""
    lexicon = get_lexicon()
    text = normalize(
        "本文研究了排水管道的设计方法,在pH为7.0、温度55℃时效果最好;采用SGP模型与"
        "c++程序,结果表明该方法有效.的了 x是y,总重1100 kg,Results show 3.5% gains."
    ).text
    tokens = get_tokenizer().words(text)
    words = content_words(text, True, tokens)
    keys = [native_keys(w, lexicon) for w in words]
    for _ in range(2):  # remembered afresh, then from the memo
        monkeypatch.setattr(words_module, "_token_memo", (None, {}))
        monkeypatch.setattr(words_module, "_native_memo", (None, {}))
        assert token_words(tokens, lexicon) == (words, keys)
        assert token_words(tokens, lexicon) == (words, keys)
    assert any(w.kind == "term" for w in words) and any(len(k) > 3 for k in keys)
