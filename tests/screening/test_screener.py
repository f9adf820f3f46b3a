"""The screener end to end: index -> candidates -> alignment -> Match on original text."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from screening.index import CorpusIndex
from screening.screener import Screener

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
CSLDCP = CORPORA / "csl" / "FewCLUE" / "csldcp" / "test.json"

_EN = [
    "integrity",
    "research",
    "student",
    "thesis",
    "method",
    "result",
    "data",
    "analysis",
    "model",
    "evidence",
    "review",
    "committee",
    "policy",
    "university",
    "misconduct",
    "citation",
    "source",
    "text",
    "reuse",
    "detection",
    "passage",
    "sample",
    "survey",
    "interview",
    "teacher",
    "course",
    "training",
    "supervision",
    "report",
    "figure",
    "table",
]


@pytest.fixture(scope="module")
def abstracts() -> list[str]:
    if not CSLDCP.exists():
        pytest.skip("shared CSL corpus not available")
    rows = [
        json.loads(line)["content"]
        for line in CSLDCP.read_text(encoding="utf-8").splitlines()
    ]
    return [r for r in rows if len(r) >= 150]


@pytest.fixture(scope="module")
def setup(abstracts: list[str]) -> tuple[dict[str, str], CorpusIndex, list[str]]:
    corpus = {
        f"doc{i:04d}": "\n".join(abstracts[i * 4 : i * 4 + 4]) for i in range(300)
    }
    index = CorpusIndex(None)
    for doc_id, text in corpus.items():
        index.add(doc_id, text)
    return corpus, index, abstracts[1200:]


def _english(rng: random.Random, n_words: int) -> str:
    words = []
    for i in range(n_words):
        words.append(rng.choice(_EN))
        if i % 12 == 11:
            words[-1] += "."
    return " ".join(words)


def test_one_paragraph_in_a_100k_thesis_is_found(
    setup: tuple[dict[str, str], CorpusIndex, list[str]],
) -> None:
    corpus, index, filler = setup
    paragraph = corpus["doc0123"][40:340]
    body = "\n".join(filler[:520])
    at = len(body) // 2
    at = body.index("\n", at) + 1
    thesis = body[:at] + paragraph + "\n" + body[at:]
    assert len(thesis) >= 100_000
    matches = Screener(index, corpus.__getitem__).screen(thesis)
    hits = [m for m in matches if m.source == "doc0123"]
    assert len(hits) == 1
    (m,) = hits
    assert abs(m.offset - at) <= 15 and abs(m.end - (at + len(paragraph))) <= 15
    assert abs(m.source_offset - 40) <= 15
    # Real abstracts share a few technical terms verbatim (a chemical's full name);
    # nothing else of paragraph size may match.
    assert all(m.length < 100 for m in matches if m.source != "doc0123")


def test_offsets_point_at_the_original_text_after_tricks(
    setup: tuple[dict[str, str], CorpusIndex, list[str]],
) -> None:
    import opencc

    corpus, index, filler = setup
    original = corpus["doc0042"][:260]
    tricked = "\u200b".join(
        opencc.OpenCC("s2t").convert(original[i : i + 7]) for i in range(0, 260, 7)
    )
    tricked = tricked.replace("，", ",\n").replace("0", "０")
    prefix = "\n".join(filler[:5]) + "\n"
    thesis = prefix + tricked + "\n" + "\n".join(filler[5:10])
    (m,) = [
        m
        for m in Screener(index, corpus.__getitem__).screen(thesis)
        if m.source == "doc0042"
    ]
    assert abs(m.offset - len(prefix)) <= 3
    assert abs(m.end - (len(prefix) + len(tricked))) <= 4
    assert m.source_offset <= 3 and abs(m.source_offset + m.source_length - 260) <= 4
    assert m.score > 0.9


def test_exclude_sources_marks_but_keeps(
    setup: tuple[dict[str, str], CorpusIndex, list[str]],
) -> None:
    corpus, index, filler = setup
    thesis = filler[0] + corpus["doc0007"][:300] + filler[1]
    screener = Screener(index, corpus.__getitem__, exclude_sources={"doc0007"})
    matches = [m for m in screener.screen(thesis) if m.source == "doc0007"]
    assert matches and all(m.excluded == "excluded_source" for m in matches)


def test_clean_thesis_has_no_match(
    setup: tuple[dict[str, str], CorpusIndex, list[str]],
) -> None:
    corpus, index, filler = setup
    thesis = "\n".join(filler[100:130])
    assert Screener(index, corpus.__getitem__).screen(thesis) == []


def test_peers_of_the_batch_are_sources(
    setup: tuple[dict[str, str], CorpusIndex, list[str]],
) -> None:
    corpus, index, filler = setup
    shared = filler[300]
    a = "\n".join(filler[200:210]) + "\n" + shared
    b = "\n".join(filler[210:215]) + "\n" + shared + "\n" + filler[215]
    matches = Screener(index, corpus.__getitem__).screen(a, peers={"batch/b.txt": b})
    (m,) = matches
    assert m.source == "batch/b.txt"
    assert a[m.offset : m.end] == b[m.source_offset : m.source_offset + m.source_length]


def test_english_and_mixed_theses() -> None:
    rng = random.Random(11)
    corpus = {f"en{i}": _english(rng, 400) for i in range(30)}
    corpus["mixed"] = (
        "学术诚信教育需要贯穿研究生培养的全过程。"
        + corpus["en3"][:600]
        + "导师应当定期检查学生的研究记录。"
    )
    screener = Screener().fit(corpus)
    thesis = (
        _english(rng, 300) + " " + corpus["en5"][100:700] + " " + _english(rng, 300)
    )
    sources = {m.source for m in screener.screen(thesis)}
    assert sources == {"en5"}
    mixed_thesis = (
        "引言。" + corpus["mixed"][:300] + "结论部分讨论了其他问题和未来的研究方向。"
    )
    found = screener.screen(mixed_thesis)
    assert any(m.source == "mixed" and m.length > 250 for m in found)


def test_init_only_stores_parameters() -> None:
    screener = Screener(top_k=5, margin=100)
    assert screener.top_k == 5 and screener.margin == 100
    assert not hasattr(screener, "index_")
    with pytest.raises(ValueError):
        screener.fit()
    fitted = Screener().fit({"a": "学术诚信" * 30})
    assert "a" in fitted.index_
    assert fitted.screen("") == []


def test_peer_fingerprints_are_reused_across_a_batch() -> None:
    rng = random.Random(5)
    shared = _english(rng, 120)
    batch = {f"t{i}.txt": _english(rng, 200) for i in range(4)}
    batch["t1.txt"] += " " + shared
    batch["t3.txt"] = shared + " " + batch["t3.txt"]
    screener = Screener().fit({"x": _english(rng, 200)})
    found = {}
    for name, text in batch.items():
        found[name] = {m.source for m in screener.screen(text, peers=batch)}
    assert found["t1.txt"] == {"t3.txt"} and found["t3.txt"] == {"t1.txt"}
    assert found["t0.txt"] == set()
    assert len(screener.peer_index_) == 4
    # A later batch does not see the earlier one.
    assert screener.screen(batch["t1.txt"], peers={"new.txt": "无关的文本" * 20}) == []
