"""Translations the dictionary alignment must see (on text written for these tests): a
Chinese abstract written as one comma-joined sentence against the three English
sentences it translates, and English nouns made from the verbs CC-CEDICT glosses."""

from __future__ import annotations

from screening.normalize import normalize
from screening.semantic.align import align_meaning, prepare
from screening.semantic.lexicon import _english_glosses, english_forms, get_lexicon

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
