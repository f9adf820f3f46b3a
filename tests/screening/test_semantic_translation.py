"""Translations the dictionary alignment must see (on text written for these tests): a
Chinese abstract written as one comma-joined sentence against the three English
sentences it translates, and English nouns made from the verbs CC-CEDICT glosses."""

from __future__ import annotations

from screening.normalize import normalize
from screening.report import KIND_TRANSLATED
from screening.screener import Screener
from screening.semantic.align import align_meaning, prepare
from screening.semantic.latin import _stemmer, stem
from screening.semantic.lexicon import _english_glosses, english_forms, get_lexicon
from screening.semantic.words import Word, document_keys, english_keys, key_hash
from tests.chinese_text import random_chinese

ENGLISH = (
    "We propose a low-cost method for detecting cracks in concrete bridges from drone "
    "images. The method combines edge detection with a convolutional neural network "
    "trained on labelled photographs. Field tests on three highway bridges show that it "
    "finds more than ninety percent of the cracks wider than half a millimetre."
)
# One Chinese sentence, joined by commas where the English stops.
ONE_SENTENCE = (
    "本文提出一种利用无人机图像检测混凝土桥梁裂缝的低成本方法,该方法将边缘检测与在标注照片"
    "上训练的卷积神经网络相结合,在三座公路桥梁上的现场试验表明,该方法能够发现百分之九十以上"
    "宽度超过半毫米的裂缝."
)
# Same field, same words (cracks, concrete bridges, inspection), another study.
SAME_FIELD = (
    "Cracks in concrete bridges are usually found by engineers who inspect them on foot. "
    "This survey reviews manual inspection practice for highway bridges in five "
    "provinces. It argues that inspection intervals should depend on traffic load and on "
    "the age of the bridge."
)
# Hyphenated English words ("contact-free") that CC-CEDICT knows by their parts.
POWER_EN = (
    "A compact wireless charger for hearing aids was built on a printed circuit board. "
    "It couples a planar coil with a small ferrite core. Besides the contact-free, "
    "wear-free and waterproof operation of ordinary wireless chargers, it offers low "
    "standby loss, a short charging time and a low surface temperature."
)
POWER_ZH = (
    "本文在印制电路板上制作了一种用于助听器的小型无线充电器.该充电器将平面线圈与小型铁氧体"
    "磁芯耦合,除具有普通无线充电器无接触、无磨损、防水的特点以外,还具有待机损耗低、充电时间"
    "短、表面温度低等优点."
)


def test_one_chinese_sentence_translating_three_english_ones_is_found() -> None:
    thesis = prepare(normalize(ONE_SENTENCE))
    source = prepare(normalize(ENGLISH), near=ONE_SENTENCE)

    (p,) = align_meaning(source, thesis)

    assert p.cross_language
    assert p.tgt_span == (0, len(normalize(ONE_SENTENCE).text))
    # At least the two sentences the dictionary reads best (the figures of the third
    # are spelled out in words there: "ninety percent").
    assert p.src_span == (0, ENGLISH.index(" Field tests"))
    assert {("混凝土", "concrete"), ("裂缝", "cracks"), ("无人机", "drone")} <= set(
        p.pairs
    )


def test_an_english_study_of_the_same_field_is_not_taken_for_the_source() -> None:
    thesis = prepare(normalize(ONE_SENTENCE))
    other = prepare(normalize(SAME_FIELD), near=ONE_SENTENCE)

    assert align_meaning(other, thesis) == []


def test_english_nouns_are_looked_up_by_the_verbs_they_come_from() -> None:
    lexicon = get_lexicon()

    assert "oxidize" in english_forms("oxidation")
    assert "expand" in english_forms("expansion")
    assert "develop" in english_forms("development")
    assert "氧化" in lexicon.translations("oxidation")
    # Inflections are still tried first: "studied" is "study" before anything else.
    assert english_forms("studied")[:2] == ["studied", "study"]


def test_a_two_word_sense_lends_its_words_after_the_single_word_senses() -> None:
    single, parts = _english_glosses("numerical value/figure (of)")

    assert single == ["figure"]
    assert parts == ["numerical", "value"]
    assert "数值" in get_lexicon().translations("numerically")


def test_hyphenated_english_words_are_looked_up_by_their_parts() -> None:
    thesis = prepare(normalize(POWER_ZH))
    source = prepare(normalize(POWER_EN), near=POWER_ZH)

    (p,) = align_meaning(source, thesis)

    assert p.tgt_span == (0, len(normalize(POWER_ZH).text))
    assert {("接触", "contact-free"), ("磨损", "wear-free")} <= set(p.pairs)
    # Shown are the dictionary's own pairs, not words that meet only through a
    # synonym of a translation (以外 "apart from" is in a class with 外面 "surface").
    assert ("以外", "surface") not in p.pairs
    assert {"contactfree", "contact", "free"} <= set(english_forms("contact-free"))


def test_a_chinese_word_finds_english_documents_holding_its_gloss_inflected() -> None:
    lexicon = get_lexicon()
    held = set(document_keys(normalize(ENGLISH).text, lexicon).tolist())

    # 裂缝 is glossed "crack"; the English document says "cracks".
    asked = english_keys(Word("裂缝", 0, 2, "zh"), lexicon)

    assert "e:crack" in asked and "e:cracks" not in asked
    assert set(key_hash(list(asked)).tolist()) & held


def test_an_english_thesis_finds_its_chinese_source_in_the_corpus() -> None:
    corpus = {f"filler-{i}": random_chinese(i, 300) for i in range(12)}
    corpus.update(bridge=ONE_SENTENCE, charger=POWER_ZH)
    screener = Screener().fit(corpus)
    head = "Chapter 1. What this thesis is about and how it is laid out.\n"
    thesis = head + ENGLISH + "\nThe rest of the chapter is about other things."

    found = screener.screen(thesis)

    assert [(m.source, m.kind, m.offset) for m in found] == [
        ("bridge", KIND_TRANSLATED, len(head))
    ]
    # Retrieval decides it: with a bar no window reaches, nothing is looked at.
    screener.finder_.english_to_chinese_share = 0.99
    assert screener.screen(thesis) == []


def test_english_stems_come_from_the_c_stemmer() -> None:
    # A first-seen thesis's glosses are stemmed by the thousand: snowballstemmer's pure
    # Python stemmer took 65 us a word, PyStemmer's (same stems) 5 us.
    import Stemmer

    assert isinstance(_stemmer(), Stemmer.Stemmer)
    assert stem("diseases") == stem("disease") == "diseas"
