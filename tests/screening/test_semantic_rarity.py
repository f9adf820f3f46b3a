"""Corpus rarity in `screen`'s meaning layer: stock text a field's documents all write
(an element list, a trial's methods template) is not a rewrite, while a short rewrite
that keeps its source's rare words and figures is found. All prose here is written for
these tests (never taken from the corpora)."""

from __future__ import annotations

from screening.normalize import normalize
from screening.report import KIND_REWRITE
from screening.report.model import Match
from screening.screener import Screener
from screening.semantic.align import MeaningParams, align_meaning, prepare
from screening.semantic.finder import MeaningFinder
from screening.semantic.rarity import RarityRules
from tests.chinese_text import random_chinese

_PLACES = ("秦岭北缘", "大兴安岭中段", "滇西腾冲", "桂东北", "闽西南", "川西义敦")
_ROCKS = (
    "花岗闪长岩",
    "石英闪长岩",
    "安山岩",
    "英云闪长岩",
    "二长花岗岩",
    "玄武安山岩",
)
_SETTINGS = ("活动大陆边缘", "碰撞后伸展", "弧后盆地")
# The geochemistry of arc rocks, as three authors write it.
_ELEMENT_LISTS = (
    "样品富集K、Rb、Sr、Ba等大离子亲石元素和轻稀土元素，亏损Nb、Ta、P、Ti等高场强元素；"
    "稀土元素配分曲线呈右倾型，轻重稀土分馏明显，具弱负铕异常，"
    "显示出与俯冲作用有关的弧岩浆地球化学特征。",
    "岩石明显富集Rb、Ba、K、Sr等大离子亲石元素及轻稀土，而亏损Nb、Ta、Ti、P等高场强元素。"
    "稀土配分模式为右倾，轻稀土与重稀土分馏显著，铕负异常较弱，具有俯冲带弧岩浆的地球化学特征。",
    "微量元素上表现为富集大离子亲石元素Rb、Ba、Sr、K和轻稀土元素，亏损高场强元素Nb、Ta、P、Ti，"
    "球粒陨石标准化稀土配分图呈右倾，轻、重稀土分馏明显，铕异常不明显，"
    "表现出与俯冲有关的岛弧岩浆特征。",
)
# Another study's own wording of the same stock list (112 characters).
_THESIS_LIST = (
    "与原始地幔相比，岩体中Rb、Ba、Sr、K等大离子亲石元素以及轻稀土元素相对富集，"
    "Nb、Ta、P、Ti等高场强元素则相对亏损；轻重稀土之间分馏明显、负铕异常微弱，"
    "稀土配分曲线右倾，反映出与俯冲作用相关的岛弧岩浆地球化学属性。"
)


def _arc_study(i: int) -> str:
    """One of many studies of arc rocks: its own place, rock, age and setting."""
    place, rock = _PLACES[i % 6], _ROCKS[(i * 5) % 6]
    return (
        f"{place}地区的{rock}是认识该区构造演化的关键。"
        f"锆石LA-ICP-MS定年结果为{120 + 7 * i}±{2 + i % 3}Ma。"
        f"{_ELEMENT_LISTS[i % 3]}"
        f"结合区域资料，认为{place}{rock}形成于{_SETTINGS[i % 3]}环境。"
    )


_ARC_PART = (
    "柴北缘鱼卡地区的花岗斑岩研究程度较低。锆石定年给出415±3Ma的侵位年龄。"
    + _THESIS_LIST
    + "据此推断该岩体形成于大洋俯冲向陆陆碰撞转换的阶段。"
)


def _arc_thesis() -> str:
    """A thesis with its own arc-rock study among unrelated text."""
    return random_chinese(301, 400) + "\n" + _ARC_PART + "\n" + random_chinese(302, 400)


def _filler() -> dict[str, str]:
    return {f"filler-{i}": random_chinese(i, 300) for i in range(8)}


def _rewrites(screener: Screener, thesis: str) -> list[Match]:
    return [m for m in screener.screen(thesis) if m.kind == KIND_REWRITE]


def test_an_element_list_many_corpus_documents_write_is_not_a_rewrite() -> None:
    corpus = _filler() | {f"arc-{i:02d}": _arc_study(i) for i in range(12)}
    thesis = _arc_thesis()
    # The aligner alone pairs the list with a study that writes it...
    assert align_meaning(
        prepare(normalize(corpus["arc-00"])),
        prepare(normalize(_ARC_PART)),
        MeaningParams(),
    )

    # ...but eleven other studies of the corpus write it too: stock text, not reuse.
    assert _rewrites(Screener().fit(corpus), thesis) == []


def test_the_same_list_is_reported_when_only_its_source_writes_it() -> None:
    corpus = _filler() | {"arc-00": _arc_study(0)}

    found = _rewrites(Screener().fit(corpus), _arc_thesis())

    assert [m.source for m in found] == ["arc-00"]
    assert {"rb", "ba", "nb", "ta"} <= set(found[0].terms)


_DRUGS = (
    "丹参滴丸",
    "复方苦参注射液",
    "黄芪颗粒",
    "血府逐瘀汤",
    "参麦注射液",
    "银杏叶片",
    "通心络胶囊",
    "补阳还五汤",
    "养心氏片",
    "疏血通注射液",
)
_ILLNESSES = (
    "冠心病心绞痛",
    "慢性心力衰竭",
    "糖尿病肾病",
    "缺血性脑卒中",
    "病毒性心肌炎",
)


def _trial(i: int) -> str:
    """A clinical-trial abstract in the template every such abstract follows."""
    drug, illness = _DRUGS[i], _ILLNESSES[i % 5]
    return (
        f"目的 观察{drug}治疗{illness}的临床疗效。方法 将{60 + 4 * i}例患者随机分为观察组和对照组，"
        f"对照组给予西医常规治疗，观察组在对照组基础上加用{drug}，疗程{2 + i % 3}周。"
        f"结果 观察组总有效率明显优于对照组。结论 {drug}治疗{illness}疗效确切，值得临床推广。"
    )


def test_a_trial_methods_template_many_corpus_documents_follow_is_not_a_rewrite() -> (
    None
):
    corpus = _filler() | {f"trial-{i}": _trial(i) for i in range(10)}
    part = (
        "目的 探讨稳心颗粒联合胺碘酮治疗心房颤动的临床效果。"
        "方法 把收治的患者按随机数字表法分成对照组与观察组，对照组采取常规西药治疗，"
        "观察组在其基础上联合稳心颗粒，连续治疗4周。结果 观察组临床总有效率显著高于对照组。"
        "结论 稳心颗粒联合胺碘酮治疗心房颤动效果确切，可在临床推广。"
    )
    thesis = random_chinese(501, 300) + "\n" + part + "\n" + random_chinese(502, 300)
    screener = Screener().fit(corpus)
    # Without the corpus-rarity rules the template is paired with one of the trials.
    screener.finder_ = MeaningFinder(
        rarity=RarityRules(stock_docs=10**9, short_rare_pairs=0, own_names=99)
    )
    unruled = _rewrites(screener, thesis)
    assert unruled
    others, _ = RarityRules().evidence(unruled, screener.index_)
    assert others.min() >= RarityRules().stock_docs

    assert _rewrites(Screener().fit(corpus), thesis) == []


_SALINE_SOURCE = (
    "以黄河三角洲滨海盐碱地为对象，研究了施用脱硫石膏对土壤理化性质和棉花生长的影响。"
    "田间试验表明，施用脱硫石膏22.5t/hm2后，耕层土壤交换性钠百分比由31.6%降至12.4%，"
    "pH值下降0.8个单位，棉花出苗率提高了37%。"
    "脱硫石膏来源广、价格低，是改良滨海盐碱地的经济有效途径。"
)
# Its facts in other words, in 80 characters: a short 降重 rewrite.
_SALINE_REWRITE = (
    "在黄河三角洲的滨海盐渍土上，每公顷施入22.5t脱硫石膏以后，"
    "耕作层交换性钠比例从31.6%减到了12.4%，pH降低0.8个单位，棉花出苗率增加了37%。"
)
# Other studies of the same field, with their own measures and figures.
_SALINE_FIELD = (
    "针对苏北滨海盐碱地，比较了秸秆覆盖与有机肥配施对土壤盐分和玉米产量的影响。"
    "连续两年试验后，0～20cm土层含盐量下降了28%，玉米增产15.3%。",
    "以河套灌区盐碱化耕地为对象，研究了暗管排盐结合淋洗的改良效果。"
    "结果显示，暗管间距20m时土壤脱盐率最高，向日葵出苗率达到86%。",
    "在松嫩平原苏打盐碱地开展了施用糠醛渣的田间试验，"
    "糠醛渣用量为30t/hm2时土壤pH由9.6降至8.7，水稻产量提高了21%。",
)


def test_a_short_heavy_rewrite_with_rare_terms_is_found_with_its_reasons() -> None:
    corpus = _filler() | {f"field-{i}": t for i, t in enumerate(_SALINE_FIELD)}
    corpus["source"] = _SALINE_SOURCE
    head = random_chinese(401, 300) + "\n"
    thesis = head + _SALINE_REWRITE + "\n" + random_chinese(402, 300)
    assert 75 <= len(_SALINE_REWRITE) <= 85

    found = _rewrites(Screener().fit(corpus), thesis)

    assert [m.source for m in found] == ["source"]
    (m,) = found
    assert m.offset <= len(head) + 10 and m.end >= len(head) + len(_SALINE_REWRITE) - 10
    assert m.length < RarityRules().short_chars
    assert ("出苗率", "出苗率") in m.pairs and ("石膏", "石膏") in m.pairs
    assert {"22.5", "31.6", "12.4", "37"} <= set(m.terms)


def test_a_short_passage_of_words_many_documents_use_is_too_thin() -> None:
    words = ("温度", "压力", "流量", "浓度", "速度", "效率", "质量", "成本")
    # Each word is in three documents besides the source; each holds three of them.
    corpus = {
        f"doc-{i}": "，".join(
            words[(i + k) % 8] + random_chinese(i * 10 + k, 6) for k in range(0, 8, 3)
        )
        + "。"
        for i in range(8)
    }
    corpus["source"] = "，".join(words) + "。"
    screener = Screener().fit(corpus)

    def match(length: int) -> Match:
        pairs = tuple((w, w) for w in words)
        return Match("source", 0, length, 0, 40, 0.7, kind=KIND_REWRITE, pairs=pairs)

    others, rare = RarityRules().evidence([match(80)], screener.index_)
    assert others.tolist() == [0] and rare.tolist() == [0]
    # Under 100 characters a passage must pair words few documents use; above, the
    # same words are a long passage's evidence.
    assert RarityRules().keep([match(80)], screener.index_) == []
    assert RarityRules().keep([match(120)], screener.index_) == [match(120)]


# A TLC/HPLC quality-standard abstract: its method is every such study's method, its
# herbs and marker compound are its own.
_TLC_SOURCE = (
    "目的 建立复方银翘颗粒的质量标准。方法 采用薄层色谱法对金银花、连翘、牛蒡子进行定性鉴别，"
    "采用高效液相色谱法测定制剂中绿原酸的含量。结果 薄层色谱斑点清晰，阴性对照无干扰，"
    "绿原酸进样量在0.1～2.0μg范围内线性关系良好。结论 该方法简便准确，可用于复方银翘颗粒的质量控制。"
)
# Another preparation's standard, by the same method: other herbs, another compound.
_TLC_OTHER = (
    "目的 制定参苓健脾片的质量控制方法。方法 用薄层色谱法鉴别白术、茯苓和山药，"
    "并以高效液相色谱法测定片剂中橙皮苷的含量。结果 薄层图谱斑点清晰，阴性对照无干扰，"
    "橙皮苷线性关系良好。结论 本方法简便，可用于参苓健脾片的质量控制。"
)
# The source itself reworded: its herbs and compound kept.
_TLC_REWRITE = (
    "为了给复方银翘颗粒制定质量标准，本文以薄层色谱法定性鉴别了方中的金银花、连翘与牛蒡子，"
    "又用高效液相色谱法测定了颗粒中绿原酸的含量。薄层色谱的斑点清楚，阴性对照不干扰；"
    "绿原酸在0.1～2.0μg之间线性良好。该法简便、准确，适合复方银翘颗粒的质量控制。"
)
_METHOD_PHRASES = (
    "采用薄层色谱法鉴别，斑点清晰",
    "用高效液相色谱法测定含量，线性关系良好",
    "阴性对照无干扰",
    "方法简便，可用于质量控制",
)


def _tlc_corpus() -> dict[str, str]:
    """The source among studies that each write one of the method's phrases (each
    phrase in three of them)."""
    herbs = ("黄连", "黄芩", "大黄", "当归", "川芎", "丹参")
    studies = {
        f"method-{i}": f"{random_chinese(700 + i, 80)}，{herbs[i % 6]}"
        f"{_METHOD_PHRASES[i % 4]}。{random_chinese(800 + i, 120)}。"
        for i in range(12)
    }
    return _filler() | studies | {"source": _TLC_SOURCE}


def _tlc_rewrites(part: str, rules: RarityRules) -> list[Match]:
    screener = Screener().fit(_tlc_corpus())
    screener.finder_ = MeaningFinder(rarity=rules)
    thesis = random_chinese(501, 300) + "\n" + part + "\n" + random_chinese(502, 300)
    return _rewrites(screener, thesis)


def test_another_study_by_the_same_method_is_not_a_rewrite_of_the_source() -> None:
    # The short-passage rule is off, to show this rule alone.
    unruled = _tlc_rewrites(_TLC_OTHER, RarityRules(short_rare_pairs=0, own_names=99))
    assert [m.source for m in unruled] == ["source"]
    assert ("薄层", "薄层") in unruled[0].pairs
    # No stock text: the method's words are spread over the corpus, none holds most.
    others, _ = RarityRules().evidence(unruled, Screener().fit(_tlc_corpus()).index_)
    assert others.tolist() == [0]

    # Each side names its own herbs and compound and the passage pairs none of them.
    assert _tlc_rewrites(_TLC_OTHER, RarityRules(short_rare_pairs=0)) == []


def test_a_rewrite_that_keeps_the_sources_herbs_and_compound_is_found() -> None:
    (m,) = _tlc_rewrites(_TLC_REWRITE, RarityRules())

    assert m.source == "source"
    assert {("银翘", "银翘"), ("绿原", "绿原")} <= set(m.pairs)


# Another preparation's standard that happens to be a granule too: one rare word
# (颗粒) of the source, its own herbs and compound.
_TLC_OTHER_GRANULE = _TLC_OTHER.replace("片", "颗粒").replace("片剂", "颗粒")


def test_another_study_sharing_one_rare_word_with_the_source_is_not_a_rewrite() -> None:
    # With no rare word allowed by chance, the one shared word keeps the match (the
    # rule drops the same passage without 颗粒, above).
    unruled = _tlc_rewrites(
        _TLC_OTHER_GRANULE, RarityRules(short_rare_pairs=0, chance_shared=0)
    )
    assert [m.source for m in unruled] == ["source"]

    # One rare word in common is chance for two studies of one method.
    assert _tlc_rewrites(_TLC_OTHER_GRANULE, RarityRules(short_rare_pairs=0)) == []
