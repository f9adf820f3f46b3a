"""Meaning passages (screening.semantic.passages): a heavy rewrite whose sentences are
reordered, merged and split is aligned as one passage with its reasons, and a copied
passage does not grow into the source's next sentence for the terms it repeats."""

from __future__ import annotations

from screening.normalize import normalize
from screening.semantic.align import MeaningParams, align_meaning, prepare
from screening.semantic.finder import MeaningFinder

# Written by hand for this test (not taken from any corpus).
SOURCE = (
    "稻田甲烷排放是农业温室气体的重要来源。"
    "本研究于2019年至2021年在江西省南昌县开展田间试验，比较了常规淹灌、间歇灌溉和"
    "控制灌溉三种水分管理方式。"
    "采用静态箱-气相色谱法每周测定一次甲烷通量。"
    "结果表明，与常规淹灌相比，间歇灌溉使甲烷累积排放量降低了42%，控制灌溉降低了57%，"
    "而水稻产量没有显著下降。"
    "土壤氧化还原电位升高和产甲烷菌丰度下降是排放减少的主要原因。"
    "因此，在南方双季稻区推广控制灌溉可以兼顾稳产和减排。"
)
# The same facts: the last sentence first as a question, the second and third merged,
# the fourth split in two, the first last, other words throughout.
REWRITE = (
    "在南方双季稻区推行控制灌溉，能不能做到产量稳定而排放减少？"
    "笔者在江西南昌县布置了为期三年（2019—2021年）的田间试验，以每周一次的静态箱-"
    "气相色谱观测记录甲烷通量，对照常规淹灌考察间歇灌溉与控制灌溉的效果。"
    "间歇灌溉下甲烷累积排放量少了42%。"
    "控制灌溉的降幅更大，达到57%，水稻产量也未明显降低。"
    "排放之所以减少，主要是因为土壤氧化还原电位上升，产甲烷菌的数量随之减少。"
    "由此看来答案是肯定的，而稻田恰是农业温室气体的一大来源，这一点尤为可贵。"
)
BEFORE = (
    "古籍数字化是文献保护与利用的重要途径。本文梳理了近二十年来地方志整理的主要成果，"
    "讨论了版本校勘、异体字处理和元数据著录中的常见问题。\n"
)
AFTER = (
    "\n城市轨道交通的客流预测直接影响线网规划。本文以换乘站为对象，"
    "比较了四阶段法与基于手机信令数据的方法在高峰小时的预测误差。"
)


def _align(source: str, thesis: str) -> list:
    return align_meaning(prepare(normalize(source)), prepare(normalize(thesis)))


def test_a_reordered_merged_and_split_rewrite_is_one_passage_with_its_reasons() -> None:
    thesis = BEFORE + REWRITE + AFTER
    start, end = len(BEFORE), len(BEFORE) + len(REWRITE)

    (found,) = _align(SOURCE, thesis)

    t0, t1 = found.tgt_span
    assert t0 <= start + 2 and t1 >= end - 2  # the question and the last merge too
    assert t0 >= start - 2 and t1 <= end + 2  # and nothing of the text around it
    s0, s1 = found.src_span
    assert s0 == 0 and s1 >= len(SOURCE) - 2  # every source sentence said
    assert {"42", "57", "2019"} <= set(found.terms)
    pairs = set(found.pairs)
    assert ("间歇灌溉", "间歇灌溉") in pairs or ("间歇", "间歇") in pairs
    assert any(a != b for a, b in pairs)  # words aligned by meaning, not spelling
    assert 0.45 <= found.score < 1.0


def test_a_copied_passage_does_not_grow_into_the_sources_next_sentence() -> None:
    # The source's last sentence repeats the passage's terms (控制灌溉, 稻区) but says
    # nothing the thesis says: every word the copy shares is already paired.
    copied = SOURCE[: SOURCE.index("土壤")]
    thesis = BEFORE + copied + AFTER

    (found,) = _align(SOURCE, thesis)

    assert found.src_span[1] <= len(copied) + 1
    assert found.tgt_span == (len(BEFORE), len(BEFORE) + len(copied))


def test_an_unrelated_passage_is_still_not_reported() -> None:
    assert _align(SOURCE, BEFORE + AFTER) == []


# Written by hand for this test (not taken from any corpus): a firm seed (the first
# sentence, Dice about 0.6, too weak to stand alone) and a conclusion said in other words
# (Dice about 0.36 with the source's conclusion: below a seed, above the PAN 2014 bar).
CORNER_SOURCE = (
    "本研究利用延河流域2000年至2018年的观测资料，分析了坝系拦沙量随淤积年限和坝控面积的"
    "变化规律，并与径流小区的测验结果进行了比较。"
    "结果表明，坝系布局对流域减沙具有决定性作用，骨干坝的拦沙贡献最大，中小型淤地坝次之。"
)
CORNER_FIRST = (
    "文章依据延河流域2000—2018年间积累的观测数据，探讨了坝系拦截泥沙的数量怎样随淤积"
    "年数和坝控面积而变化，又把这些结果同径流小区的测验结果作了对照。"
)
CORNER_REWRITE = (
    CORNER_FIRST
    + "可以看出，坝系怎样布局在很大程度上决定了流域减沙的成效，其中骨干坝拦下的泥沙最多。"
)
# The same first sentence followed by a finding the source does not report.
CORNER_OTHER = (
    CORNER_FIRST
    + "此外，笔者还测定了坝地土壤的有机碳含量，发现淤积区的有机碳储量明显高于两侧坡面。"
)


def test_a_passage_grows_by_the_sentence_pair_at_its_corner() -> None:
    src, thesis = prepare(normalize(CORNER_SOURCE)), prepare(normalize(CORNER_REWRITE))

    (found,) = align_meaning(src, thesis)

    assert found.tgt_span == (0, len(CORNER_REWRITE))
    assert found.src_span == (0, len(CORNER_SOURCE))
    assert ("骨干", "骨干") in found.pairs or ("布局", "布局") in found.pairs
    # Without corner growth the lone first seed is not close enough to be reported.
    never = MeaningParams(corner_dice=1.01)
    assert align_meaning(src, thesis, never) == []


def test_a_corner_sentence_saying_something_else_does_not_rescue_a_lone_seed() -> None:
    src, thesis = prepare(normalize(CORNER_SOURCE)), prepare(normalize(CORNER_OTHER))

    assert align_meaning(src, thesis) == []


def test_screen_and_cross_language_keep_the_pan_only_rules_off() -> None:
    assert MeaningFinder().params.corner_dice > 1.0
    assert MeaningFinder().params.long_seed_pairs > 10**5
    assert MeaningParams().for_languages(cross=True).corner_dice > 1.0


# Written by hand for this test (not taken from any corpus): one long sentence said again
# in one sentence (Dice about 0.52 over some 25 distinctive word pairs), and another study
# of the same field told in one long sentence.
LONG_SOURCE = (
    "本试验以三年生赤霞珠葡萄为材料，在宁夏贺兰山东麓产区设置滴灌、沟灌和漫灌三种灌溉方式，"
    "于2017年和2018年连续两个生长季测定了土壤含水量、叶片光合速率、气孔导度、蒸腾速率、"
    "果实可溶性固形物、可滴定酸和花色苷含量，并计算了灌溉水分利用效率和单株产量。"
)
LONG_REWRITE = (
    "在贺兰山东麓的宁夏产区，笔者选用树龄三年的赤霞珠葡萄，对比了滴灌、沟灌与漫灌这几种灌水"
    "办法，2017—2018两年的生长季里观察了土壤水分状况、叶片怎样进行光合作用和蒸腾作用，"
    "果粒里可溶性固形物、可滴定酸、花色苷有多少，还估算了灌溉用水的利用效率。"
)
LONG_OTHER = (
    "在新疆玛纳斯产区，研究者以五年生霞多丽葡萄为对象，比较了三种修剪方式对新梢生长、叶面积"
    "指数、果实单粒重、总酚与单宁含量、叶片光合速率以及冬季抗寒性的影响，试验于2015—2016年"
    "两个生长季进行，并测定了土壤含水量。"
)


def test_one_long_sentence_pair_with_many_distinctive_words_is_a_passage() -> None:
    src = prepare(normalize(LONG_SOURCE))
    thesis = prepare(normalize(BEFORE + LONG_REWRITE + AFTER))

    (found,) = align_meaning(src, thesis)

    assert found.tgt_span == (len(BEFORE), len(BEFORE) + len(LONG_REWRITE))
    assert found.score < MeaningParams().single_seed_dice  # a lone seed, held by length
    assert {"2017", "2018"} <= set(found.terms)
    short = MeaningParams(long_seed_pairs=10**6)
    assert align_meaning(src, thesis, short) == []


def test_a_long_sentence_of_another_study_of_the_field_is_not_a_passage() -> None:
    src = prepare(normalize(LONG_SOURCE))
    assert align_meaning(src, prepare(normalize(BEFORE + LONG_OTHER + AFTER))) == []
