"""Synthetic Chinese text for tests, written here and never taken from the corpora.

Two kinds, one way to call them: each takes a seed (an int, or a `random.Random` to go
on drawing from) and returns deterministic text.

- `random_chinese(seed, n)`: sentences of random common characters, at least n characters
  in all. Index, alignment and scale tests: documents that share nothing by chance, so
  a planted passage is the only match.
- `chinese_paragraph(seed, sentences)`: plausible academic sentences. Extraction and structure
  tests: text that segments, wraps and lays out like a thesis.
"""

from __future__ import annotations

import random

# The 500 most frequent characters, most frequent first.
COMMON_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二"
    "理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社"
    "义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没"
    "结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活"
    "设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放"
    "决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争"
    "济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具"
    "万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石"
    "记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素"
    "技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存"
    "候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红"
    "细引听该铁价严龙飞"
)

_SUBJECTS = (
    "本研究",
    "该方法",
    "课题组",
    "实验结果",
    "问卷调查",
    "这一模型",
    "学术委员会",
)
_VERBS = (
    "表明",
    "揭示了",
    "验证了",
    "说明了",
    "进一步证实",
    "初步探讨了",
    "系统分析了",
)
_OBJECTS = (
    "高校科研诚信建设的重要意义",
    "文本复用检测在学位论文审查中的作用",
    "数据采集过程中的规范要求",
    "引文标注与学术规范之间的关系",
    "研究生培养环节中的质量控制",
    "跨学科合作对创新能力的影响",
    "样本数量对统计结论稳定性的影响",
)
_TAILS = (
    "。",
    "，并为后续研究提供了依据。",
    "，但仍有不足之处。",
    "，结果具有一定的代表性。",
)


def _rng(seed: int | str | random.Random) -> random.Random:
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def random_chinese(seed: int | str | random.Random, n: int) -> str:
    """At least n characters: sentences of 10 to 30 random common characters, each
    ending in 。 (an rng goes on drawing, so successive calls give different text)."""
    rng = _rng(seed)
    out: list[str] = []
    while len(out) < n:
        out.extend(rng.choice(COMMON_CHARS) for _ in range(rng.randint(10, 30)))
        out.append("。")
    return "".join(out)


def chinese_paragraph(seed: int | str | random.Random, sentences: int = 6) -> str:
    """A paragraph of plausible academic sentences (subject, verb, object, ending)."""
    rng = _rng(seed)
    return "".join(
        rng.choice(_SUBJECTS)
        + rng.choice(_VERBS)
        + rng.choice(_OBJECTS)
        + rng.choice(_TAILS)
        for _ in range(sentences)
    )
