"""The hand-written benchmark data is whole, and the PAN 2014 baseline port aligns real text.

Runs without ../shared: the rows are checked for shape and size, and the baseline is run
on our own hand-written passages (a rewrite standing in for its source).
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.english import LEVELS, english_decoys, load, thirteen_coverage
from benchmarks.english_theses import place
from benchmarks.pan2014 import align_pair
from benchmarks.semantic import DATA, _lengthen, read_rows

MINIMUM = {
    "tune": {"light": 60, "medium": 60, "heavy": 60, "translated": 30},
    "heldout": {"light": 20, "medium": 20, "heavy": 20, "translated": 10},
}


def test_every_set_has_its_rows_and_names_its_sources() -> None:
    sources: dict[str, set[tuple[str, int]]] = {}
    ids: set[str] = set()
    for prefix, minimum in MINIMUM.items():
        rows = read_rows(prefix)
        sources[prefix] = set()
        for kind, least in minimum.items():
            assert len(rows[kind]) >= least, (prefix, kind)
            for row in rows[kind]:
                assert row["id"] not in ids
                ids.add(str(row["id"]))
                src = row["source"]
                assert str(src["file"]).startswith("ydli-ai-CSL/benchmark/cls_dcp/")
                sources[prefix].add((str(src["file"]), int(src["line"])))
                assert len(str(row["text"])) >= 60
                if kind == "translated":
                    assert not any(
                        "\u4e00" <= ch <= "\u9fff" for ch in str(row["english"])
                    )
                    assert len(str(row["reworded"])) >= 60
    assert not sources["tune"] & sources["heldout"], (
        "held-out rows reuse tuning sources"
    )


def test_the_held_out_files_are_named_as_the_readme_says() -> None:
    names = sorted(p.name for p in DATA.glob("*.jsonl"))
    assert all(n.startswith(("tune_", "heldout_")) for n in names)
    assert "held-out set is sealed" in (DATA / "README.md").read_text(encoding="utf-8")


def test_the_english_set_has_four_answers_per_level_and_topic() -> None:
    sources, answers = load()
    assert len(sources) == 5
    for topic in sources:
        for level in LEVELS:
            mine = [a for a in answers if a["topic"] == topic and a["level"] == level]
            assert len(mine) == 4, (topic, level)
            assert all(200 <= len(a["text"].split()) <= 300 for a in mine)


def test_the_english_held_out_set_has_one_answer_per_level_and_topic() -> None:
    sources, answers = load()
    _, heldout = load("heldout.jsonl")
    assert {(a["topic"], a["level"]) for a in heldout} == {
        (t, lv) for t in sources for lv in LEVELS
    }
    assert len(heldout) == len(sources) * len(LEVELS)
    assert not {a["id"] for a in heldout} & {a["id"] for a in answers}
    assert all(180 <= len(a["text"].split()) <= 300 for a in heldout)


def test_the_thirteen_character_rule_covers_cut_text_and_not_independent_text() -> None:
    sources, answers = load()
    cut = next(a for a in answers if a["level"] == "cut")
    non = next(a for a in answers if a["level"] == "non" and a["topic"] == cut["topic"])
    assert thirteen_coverage(cut["text"], sources[cut["topic"]]) > 0.9
    assert thirteen_coverage(non["text"], sources[cut["topic"]]) < 0.3


def _row(prefix: str, kind: str, number: int) -> dict[str, object]:
    path = Path(DATA / f"{prefix}_{kind}.jsonl")
    return json.loads(path.read_text(encoding="utf-8").splitlines()[number])


def test_the_baseline_aligns_a_copied_passage_inside_other_text() -> None:
    source = str(
        _row("tune", "medium", 11)["text"]
    )  # a rewrite standing in for a source
    before = str(_row("tune", "heavy", 30)["text"])
    after = str(_row("tune", "heavy", 40)["text"])
    thesis = before + "\n" + source + "\n" + after
    dets = align_pair("thesis", thesis, "source", source)
    assert len(dets) == 1
    d = dets[0]
    assert d.this_offset == len(before) + 1 and d.this_length >= len(source) - 2
    assert d.source_offset == 0 and d.source_length >= len(source) - 2


def test_the_baseline_finds_a_rewrite_and_ignores_an_unrelated_passage() -> None:
    light = _row("tune", "light", 4)  # a hand rewrite of a passage (10B abundance)...
    medium = _row("tune", "medium", 4)  # ...and another of the same passage
    other = _row("tune", "medium", 45)  # a passage on another subject
    assert light["source"] == medium["source"] != other["source"]
    found = align_pair("t", str(light["text"]), "s", str(medium["text"]))
    assert found and found[0].this_length > 0.8 * len(str(light["text"]))
    assert align_pair("t", str(other["text"]), "s", str(medium["text"])) == []


def _widens_from_unused_abstracts(name: str, least: int) -> None:
    """A further heavy file: its own abstracts, none used by another row, all read."""
    extra = DATA / name
    rows = [json.loads(line) for line in extra.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= least
    mine = {(r["source"]["file"], r["source"]["line"]) for r in rows}
    assert len(mine) == len(rows)
    others: set[tuple[str, int]] = set()
    for path in DATA.glob("*.jsonl"):
        if path != extra:
            for line in path.read_text(encoding="utf-8").splitlines():
                src = json.loads(line)["source"]
                others.add((src["file"], src["line"]))
    assert not mine & others, f"{name} reuses an abstract of another row"
    heavy = read_rows("tune")["heavy"]
    assert {r["id"] for r in rows} <= {r["id"] for r in heavy}


def test_the_second_heavy_file_widens_the_tuning_set_from_unused_abstracts() -> None:
    _widens_from_unused_abstracts("tune_heavy2.jsonl", 30)


def test_the_third_heavy_file_widens_the_tuning_set_from_unused_abstracts() -> None:
    _widens_from_unused_abstracts("tune_heavy3.jsonl", 25)
    assert len(read_rows("tune")["heavy"]) >= 60 + 35 + 25


def test_long_sources_keep_each_source_where_its_offset_says() -> None:
    corpus = {
        "a.txt": "城市内涝的模拟研究。",
        "b.txt": "Rural microfinance in China and India.",
        "c.txt": "黄河泥沙的输移规律。",
    }
    before = dict(corpus)
    spare = [f"第{i}篇摘要的正文。" for i in range(10)]
    shift = _lengthen(corpus, ["a.txt", "b.txt"], spare, 4, seed=1)
    # A Chinese source sits amid four spare abstracts, two before it ...
    assert set(shift) == {"a.txt"}
    text = corpus["a.txt"]
    assert text[shift["a.txt"] :].startswith(before["a.txt"])
    assert sum(s in text for s in spare) == 4
    assert text[: shift["a.txt"]].count("\n") == 2
    # ... an English source and an unnamed document are left as they were.
    assert corpus["b.txt"] == before["b.txt"] and corpus["c.txt"] == before["c.txt"]
    assert _lengthen(dict(before), ["a.txt"], spare, 0, seed=1) == {}


def test_english_theses_hold_each_paragraph_where_its_case_says() -> None:
    rows = [
        {"id": f"r{i}", "english": f"English paragraph {i}.", "text": f"中文段落{i}。"}
        for i in range(6)
    ]
    filler = [f"Filler paragraph {i} about compilers." for i in range(8)]

    corpus, theses, cases = place(
        rows, ["摘要一。", "摘要二。", "摘要三。"], filler, 2, 7
    )

    assert len(cases) == 6 and len(theses) == 8  # a clean thesis per three rows
    for case, row in zip(cases, rows, strict=True):
        text = theses[case.this_reference]
        at = case.this_offset
        assert text[at : at + case.this_length] == row["english"]
        assert corpus[case.source_reference] == row["text"]
    clean = set(theses) - {c.this_reference for c in cases}
    assert all("English paragraph" not in theses[n] for n in clean)
    assert len(english_decoys()) == 105
