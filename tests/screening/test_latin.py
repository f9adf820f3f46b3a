"""The meaning layer on English: a heavy rewrite is found with its reasons, an
independent answer on the same topic is not, and a long English document is screened
as well as a short answer (screening.semantic.latin)."""

from __future__ import annotations

import json
from pathlib import Path

from screening.normalize import normalize
from screening.report import KIND_REWRITE
from screening.screener import Screener
from screening.semantic.latin import latin_sentences, latin_tokens, stem
from tests.screening.english_texts import HASH_HEAVY, HASH_INDEPENDENT, HASH_SOURCE

ENGLISH_DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "english"


def _rows(name: str) -> list[dict[str, str]]:
    """Rows of one of the English benchmark's files (prose written for it)."""
    text = (ENGLISH_DATA / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _corpus() -> dict[str, str]:
    """The hash-table source among the English benchmark's five sources."""
    corpus = {f"source-{r['topic']}": r["text"] for r in _rows("sources.jsonl")}
    corpus["hash"] = HASH_SOURCE
    return corpus


def test_a_heavy_english_rewrite_is_found_with_its_reasons() -> None:
    screener = Screener().fit(_corpus())

    found = screener.screen(HASH_HEAVY)

    assert found and {m.source for m in found} == {"hash"}
    assert {m.kind for m in found} == {KIND_REWRITE}
    covered = sum(m.length for m in found)
    assert covered > 0.6 * len(HASH_HEAVY)
    pairs = {p for m in found for p in m.pairs}
    terms = {t for m in found for t in m.terms}
    # The reasons: words aligned by stem ("indexes" ~ "indexing"), terms shared.
    assert ("indexes", "indexing") in pairs
    assert {"1953", "0.75"} <= terms
    assert all(0.3 < m.score < 1.0 for m in found)


def test_an_independent_english_answer_on_the_same_topic_is_not_reported() -> None:
    screener = Screener().fit(_corpus())

    assert screener.screen(HASH_INDEPENDENT) == []


def test_a_long_english_document_is_screened_as_well_as_a_short_answer() -> None:
    # About 25,000 characters of independent answers (other topics), the heavy
    # rewrite in the middle.
    others = [r["text"] for r in _rows("answers.jsonl") if r["level"] == "non"]
    before = "\n\n".join(others[:10]) + "\n\n"
    thesis = before + HASH_HEAVY + "\n\n" + "\n\n".join(others[10:])
    assert len(thesis) > 20_000
    screener = Screener().fit(_corpus())

    short = screener.screen(HASH_HEAVY)
    long = screener.screen(thesis)

    assert {m.source for m in long} == {"hash"}
    assert [(m.offset - len(before), m.end - len(before)) for m in long] == [
        (m.offset, m.end) for m in short
    ]


def test_english_words_are_compared_by_stem_without_stop_words_or_stock_phrasing() -> (
    None
):
    text = normalize(
        "In this paper, the results show that hashing inherits 3 keys."
    ).text

    tokens = [t for t, _, _, _ in latin_tokens(text)]

    assert tokens == ["hashing", "inherits", "3", "keys"]
    assert [stem(t) for t in ("inheritance", "inherits", "inherited")] == [
        "inherit"
    ] * 3


def test_english_sentences_are_not_split_at_abbreviations_or_decimals() -> None:
    text = normalize(
        "The factor is 0.85, e.g. in the paper by Page et al. of 1998. It converges. "
        "Fig. 2 shows it; the end"
    ).text

    sents = [text[s:e] for s, e in latin_sentences(text)]

    assert sents == [
        "the factor is 0.85, e.g. in the paper by page et al. of 1998.",
        "it converges.",
        "fig. 2 shows it;",
        "the end",
    ]
