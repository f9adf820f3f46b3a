"""The meaning layer on real prose written for these tests: a rewritten passage is found
with its reasons, a translated one is found across languages, and an unrelated passage
on the same topic is not reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.index import CorpusIndex
from screening.normalize import normalize
from screening.report import KIND_REWRITE, KIND_TRANSLATED, MATCH_COPY
from screening.screener import Screener
from screening.semantic.align import align_meaning, prepare
from screening.semantic.lexicon import english_forms, get_lexicon
from screening.semantic.words import content_words
from tests.chinese_text import random_chinese

SOURCE = (
    "近年来，城市内涝灾害频繁发生，给居民生活和经济发展造成了严重损失。"
    "本文以武汉市为研究区域，利用2010年至2020年的降雨观测资料和排水管网数据，"
    "构建了基于SWMM模型的城市雨洪模拟系统。"
    "模拟结果显示，当降雨重现期超过5年时，中心城区约有23%的排水管段出现超载现象。"
    "进一步分析发现，不透水面积比例的增加是导致径流系数上升的主要原因。"
    "据此提出了增设调蓄池和推广透水铺装两项改造措施，可使积水面积减少约40%。"
)
# The same facts in other words and other sentences (a 降重 rewrite).
REWRITE = (
    "武汉市中心城区的排涝能力一直备受关注。"
    "笔者收集了武汉2010—2020年间的雨量监测数据与排水管道资料，"
    "搭建了一套以SWMM模型为核心的城市暴雨洪水仿真平台。"
    "仿真表明，一旦降水重现期大于5年，市中心大约23%的排水管道会发生超负荷运行。"
    "深入研究后可知，不透水地面占比提高是径流系数增大的首要因素。"
    "基于此，文章建议新建调蓄池并普及透水铺装，这两项改造可让积水范围缩小约40%。"
)
# The same topic, a different study: not reuse.
SAME_TOPIC = (
    "城市内涝是我国许多城市面临的共同难题，排水管网建设长期滞后于城市扩张。"
    "本研究选取广州市天河区作为案例，通过问卷调查了解居民对海绵城市建设的认知程度。"
    "调查共回收有效问卷612份，多数受访者支持建设下沉式绿地和雨水花园，"
    "但对透水铺装的维护成本存在顾虑。"
    "研究认为，应当加强公众宣传，完善海绵设施的长效管理机制，并引入社会资本参与运营。"
)
ENGLISH_SOURCE = (
    "Rural microfinance in China and India both grew out of the Grameen Bank model "
    "of Bangladesh. The Chinese model is traditional and strongly guided by policy; it "
    "lacks commercial operation, and the supervision of rural financial institutions "
    "is weak. India has a sound system of rural finance law, and its microfinance "
    "institutions act as intermediaries for microcredit, which deserves study in China. "
    "A survey of 320 villages in 2015 showed that credit reached 41 percent of poor "
    "households in India but only 18 percent in China."
)
# A Chinese translation of ENGLISH_SOURCE.
TRANSLATION = (
    "中国和印度的农村小额金融都是在孟加拉国乡村银行模式的基础上发展起来的。"
    "中国的模式较为传统，受政策引导很强，缺乏商业化运营，对农村金融机构的监管也很薄弱。"
    "印度拥有健全的农村金融法律体系，其小额金融机构作为中介发放小额信贷，值得中国研究。"
    "2015年对320个村庄的调查表明，印度41%的贫困家庭获得了信贷，而中国仅为18%。"
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
