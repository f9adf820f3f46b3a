"""Retrieval of the meaning layer, window by window: a rewrite in a long thesis is found
even when many documents share a little with the rest of the thesis, and the stricter
evidence rules keep same-field studies out."""

from __future__ import annotations

import numpy as np
import pytest

from screening.normalize import normalize
from screening.postings import QueryWords, build_postings, window_shares
from screening.report import KIND_REWRITE
from screening.screener import Screener
from screening.semantic.align import align_meaning, prepare
from screening.semantic.finder import MeaningFinder
from screening.semantic.retrieval import window_candidates
from tests.chinese_text import random_chinese
from tests.screening.rewrites import REWRITE, SAME_TOPIC, SOURCE


def _crowded() -> tuple[dict[str, str], str, int, int]:
    """A corpus where eleven documents each copy three of the thesis's other chapters,
    and the thesis with the rewrite among those chapters (and where the rewrite lies)."""
    chapters = [random_chinese(200 + i, 260) for i in range(8)]
    corpus = {f"filler-{i}": random_chinese(i, 300) for i in range(6)}
    for i in range(11):
        copied = [chapters[(i + k) % 8] for k in (0, 3, 5)]
        corpus[f"crowd-{i:02d}"] = "\n".join([*copied, random_chinese(50 + i, 80)])
    corpus["source"] = SOURCE
    corpus["other"] = SAME_TOPIC
    # The rewrite opens the thesis: nothing copied lies on both sides of it.
    return corpus, REWRITE + "\n" + "\n".join(chapters), 0, len(REWRITE)


def test_a_rewrite_beside_widely_shared_text_is_found_with_its_reasons() -> None:
    corpus, thesis, start, length = _crowded()
    screener = Screener().fit(corpus)

    found = [m for m in screener.screen(thesis) if m.kind == KIND_REWRITE]

    assert [m.source for m in found] == ["source"]
    (m,) = found
    assert m.offset < start + length // 3 and m.end > start + 2 * length // 3
    assert ("降水", "降雨") in m.pairs
    assert {"swmm", "23", "40"} <= set(m.terms)


def test_the_thesis_wide_ranking_alone_misses_that_rewrite() -> None:
    corpus, thesis, _, _ = _crowded()
    screener = Screener().fit(corpus)
    screener.finder_ = MeaningFinder(per_window=0, top_k=10)

    found = [m for m in screener.screen(thesis) if m.kind == KIND_REWRITE]

    assert found == []


def test_each_window_keeps_its_own_best_documents() -> None:
    # Documents 0-3 hold a little of both windows; document 4 most of window 1 only.
    keys = [np.array(k, dtype=np.uint32) for k in ([1, 5], [1, 5], [1, 5], [1, 5])]
    keys.append(np.array([5, 6, 7, 8], dtype=np.uint32))
    postings = build_postings(list(range(5)), keys)
    query = QueryWords(
        window=np.array([0, 0, 0, 0, 1, 1, 1, 1]),
        word=np.arange(8),
        key=np.array([1, 2, 3, 4, 5, 6, 7, 8], dtype=np.uint32),
        weight=np.full(8, 10.0),
    )

    near = window_candidates(
        [postings],
        query,
        alive=np.ones(5, dtype=bool),
        df_cap=10,
        min_share=0.2,
        per_window=2,
    )

    assert 4 in near and near[4][1] == [1]
    assert near[4][0] > 0.7


def test_a_same_field_study_with_other_numbers_and_terms_is_not_reported() -> None:
    # Two studies of one kind, in the same words, each with its own model and figures.
    source = (
        "以线性兴波阻力理论为基础，采用Michell积分计算兴波阻力，"
        "以总阻力为目标函数、船体型值为设计变量、排水量为约束条件，对船体首部进行优化，"
        "总阻力降低了6.3%。"
    )
    thesis = (
        "以非线性兴波阻力理论为基础，采用Rankine源法计算兴波阻力，"
        "把总阻力作为目标函数、船型修改函数参数作为设计变量、排水量作为约束条件，对船体前半体进行优化，"
        "总阻力减小了4.8%。"
    )

    assert align_meaning(prepare(normalize(source)), prepare(normalize(thesis))) == []


def test_a_stock_methods_sentence_of_another_study_is_not_reported() -> None:
    # One methods sentence every materials paper writes, in two different studies.
    source = (
        "利用X射线衍射（XRD）和扫描电子显微镜（SEM）分析了涂层的物相组成及表面形貌。"
        "结果发现，随着烧结温度升高，氧化铝涂层的孔隙率由12.4%下降到6.1%，硬度随之提高。"
    )
    thesis_part = (
        "采用X射线衍射方法（XRD）和扫描电子显微镜（SEM）研究了退火条件对薄膜物相组成和表面形貌的影响。"
        "测试表明，退火后氧化锌薄膜的电阻率降低了两个数量级，透光率保持在85%以上。"
    )
    corpus = {f"filler-{i}": random_chinese(i, 300) for i in range(12)}
    corpus["source"] = source
    thesis = (
        random_chinese(101, 200) + "\n" + thesis_part + "\n" + random_chinese(102, 200)
    )

    assert Screener().fit(corpus).screen(thesis) == []


def test_two_surveys_reporting_their_own_figures_are_not_a_rewrite() -> None:
    source = (
        "为了解综合重症监护病房患者的医院感染状况和易感因素，回顾性调查了某院住院病历。"
        "综合重症监护病房（ICU）患者的医院感染率为17.42%，例次感染率为21.06%，下呼吸道感染居首位，"
        "主要病原菌为铜绿假单胞菌和鲍曼不动杆菌。"
    )
    thesis = (
        "为掌握综合重症监护病房病人的医院感染情况及易感因素，回顾调查了某医院住院病历。"
        "综合重症监护病房（ICU）病人医院感染率是12.85%，例次感染率是16.33%，下呼吸道感染排第一，"
        "主要病原菌是铜绿假单胞菌与鲍曼不动杆菌。"
    )

    assert align_meaning(prepare(normalize(source)), prepare(normalize(thesis))) == []


def _picked_one_by_one(
    c_window: np.ndarray, c_doc: np.ndarray, share: np.ndarray, per_window: int
) -> dict[int, tuple[float, list[int]]]:
    """`window_candidates`'s pick as it first walked every passing cell in turn."""
    order = np.lexsort((c_doc, -share, c_window))
    out: dict[int, tuple[float, list[int]]] = {}
    taken, last = 0, -1
    for i in order.tolist():
        w = int(c_window[i])
        if w != last:
            last, taken = w, 0
        if taken >= per_window:
            continue
        taken += 1
        d = int(c_doc[i])
        best, wins = out.get(d, (0.0, []))
        wins.append(w)
        out[d] = (max(best, float(share[i])), wins)
    return out


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("per_window", [0, 1, 3])
def test_window_candidates_pick_as_walking_every_cell(
    seed: int, per_window: int
) -> None:
    rng = np.random.default_rng(seed)
    n_docs = 50
    doc_keys = [np.unique(rng.integers(0, 30, 12)) for _ in range(n_docs)]
    parts = [build_postings(list(range(n_docs)), doc_keys)]
    form = rng.integers(0, 25, 150)
    form_keys = [rng.choice(30, rng.integers(1, 3), replace=False) for _ in range(25)]
    entries = [(w, k) for w, f in enumerate(form.tolist()) for k in form_keys[f]]
    window = np.sort(rng.integers(0, 10, 150))
    query = QueryWords(
        window=window[[w for w, _ in entries]],
        word=np.array([w for w, _ in entries], dtype=np.int64),
        key=np.array([k for _, k in entries], dtype=np.uint32),
        weight=np.ones(150),
        form=form,
    )
    alive = np.ones(n_docs, dtype=bool)
    kw = {"alive": alive, "df_cap": 40, "min_share": 0.2}

    got = window_candidates(parts, query, per_window=per_window, **kw)

    cells = window_shares(parts, query, n_idf=n_docs, **kw)
    want = _picked_one_by_one(*cells, per_window)
    assert list(got.items()) == list(want.items())
    assert per_window == 0 or len(got) > 0
