"""The aligner's numbered keys give exactly what its word-by-word Python gave: the same
weights, distinctive words and sentence matrices (so the same passages), on the
hand-written tuning rewrites of benchmarks/data/semantic and their English sources."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse

from screening.normalize import normalize
from screening.semantic.align import MeaningSide, _keys, prepare
from screening.semantic.weights import (
    LOOSE_CREDIT,
    columns,
    key_ids,
    sentence_matrices,
    sentence_matrix,
    word_weights,
)

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "semantic"


def _old_weights(
    tgt: MeaningSide, q_keys: list, src: MeaningSide, s_keys: list
) -> tuple[list[float], list[float], dict[str, float], list[bool]]:
    """The aligner's weights as computed word by word before the keys were numbered."""
    n_sents = len(tgt.sents) + len(src.sents)
    sf: Counter[str] = Counter()
    for side, keys in ((tgt, q_keys), (src, s_keys)):
        per_sent: dict[int, set[str]] = {}
        for s, ks in zip(side.word_sent.tolist(), keys, strict=True):
            per_sent.setdefault(s, set()).update(ks)
        for ks in per_sent.values():
            sf.update(ks)
    isf = {k: math.log((n_sents + 1) / (c + 1)) + 1.0 for k, c in sf.items()}
    rare = max(2, 0.15 * n_sents)

    def firm(keys: tuple[str, ...]) -> list[str]:
        return [k for k in keys if not k.startswith("~")] or list(keys)

    def weight(keys: tuple[str, ...], w: object) -> float:
        ks = firm(keys)
        return w.weight * (max(isf[k] for k in ks) if ks else 0.0)  # type: ignore[attr-defined]

    return (
        [weight(k, w) for k, w in zip(q_keys, tgt.words, strict=True)],
        [weight(k, w) for k, w in zip(s_keys, src.words, strict=True)],
        isf,
        [
            w.kind == "term" or min((sf[k] for k in firm(ks)), default=0) <= rare
            for ks, w in zip(q_keys, tgt.words, strict=True)
        ],
    )


def _old_matrix(
    keys: list, word_sent: np.ndarray, n_rows: int, vocab: dict, isf: dict
) -> sparse.csr_matrix:
    """A sentence matrix as built word by word before the keys were numbered."""
    rows, cols, vals = [], [], []
    for s, ks in zip(word_sent.tolist(), keys, strict=True):
        for k in ks:
            vocab.setdefault(k, len(vocab))
            cols.append(vocab.setdefault(k.lstrip("~"), len(vocab)))
            vals.append(isf[k] / len(ks) * (LOOSE_CREDIT if k[0] == "~" else 1.0))
            rows.append(s)
    mat = sparse.csr_matrix(
        (np.array(vals, dtype=np.float32), (rows, cols)), shape=(n_rows, len(vocab))
    )
    norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms).dot(mat).tocsr()


def _pairs() -> list[tuple[str, str]]:
    """(source, thesis) texts: each tuning rewrite against the next one's text (a same
    language pair of real prose) and each translation against its English source."""
    rows = [
        json.loads(line)
        for kind in ("light", "medium", "heavy", "translated")
        for line in (DATA / f"tune_{kind}.jsonl").read_text("utf-8").splitlines()
    ]
    out = []
    for a, b in zip(rows, rows[1:] + rows[:1], strict=True):
        out.append((a["text"] + b["text"], b["text"] + a["text"][:120]))
        if "english" in a:
            out.append((a["english"], a["reworded"]))
    return out


def test_numbered_keys_weigh_and_vectorise_exactly_as_before() -> None:
    pairs = _pairs()
    assert len(pairs) > 200
    for src_text, tgt_text in pairs:
        src, tgt = prepare(normalize(src_text)), prepare(normalize(tgt_text))
        cross = src.chinese != tgt.chinese
        q_keys, s_keys = _keys(tgt, cross), _keys(src, cross)
        ids = key_ids(q_keys, s_keys)
        n_sents = len(tgt.sents) + len(src.sents)
        new = word_weights(
            ids, tgt.words, tgt.word_sent, src.words, src.word_sent, n_sents
        )
        q, s, isf, distinctive = _old_weights(tgt, q_keys, src, s_keys)
        assert new.q == q and new.s == s and new.distinctive == distinctive
        assert dict(zip(ids.keys, new.isf_key.tolist(), strict=True)) == isf
        cols = columns(ids, new.isf_key)
        vocab: dict[str, int] = {}
        old_q = _old_matrix(q_keys, tgt.word_sent, len(tgt.sents), vocab, isf)
        old_s = _old_matrix(s_keys, src.word_sent, len(src.sents), vocab, isf)
        old_q.resize(old_q.shape[0], old_s.shape[1])
        new_q = sentence_matrix(ids, ids.q, tgt.word_sent, len(tgt.sents), cols)
        new_s = sentence_matrix(ids, ids.s, src.word_sent, len(src.sents), cols)
        assert new_q.shape == old_q.shape and new_s.shape == old_s.shape
        assert (new_q != old_q).nnz == 0 and (new_s != old_s).nnz == 0
        # Both sides built as one matrix: the same arrays, bit for bit.
        sides = [
            (ids.q, tgt.word_sent, len(tgt.sents)),
            (ids.s, src.word_sent, len(src.sents)),
        ]
        for one, each in zip(
            sentence_matrices(ids, sides, cols), (new_q, new_s), strict=True
        ):
            assert one.shape == each.shape and one.dtype == each.dtype
            for name in ("data", "indices", "indptr"):
                assert getattr(one, name).tobytes() == getattr(each, name).tobytes()
        old_cos, new_cos = (old_q @ old_s.T).tocoo(), (new_q @ new_s.T).tocoo()
        assert old_cos.row.tolist() == new_cos.row.tolist()
        assert old_cos.col.tolist() == new_cos.col.tolist()
        assert old_cos.data.tolist() == new_cos.data.tolist()


def _numbered_one_by_one(
    q_keys: list[tuple[str, ...]], s_keys: list[tuple[str, ...]]
) -> tuple[list[str], list[int], list[bool], list[int]]:
    """Keys numbered string by string in the order met (as `key_ids` first did)."""
    tuples = list({id(t): t for t in q_keys + s_keys}.values())
    key_no: dict[str, int] = {}
    flat = [key_no.setdefault(k, len(key_no)) for ks in tuples for k in ks]
    keys = list(key_no)
    firm = [key_no.get(k.lstrip("~"), -1) for k in keys]
    extra: dict[str, int] = {}
    for n, k in enumerate(keys):
        if firm[n] < 0:
            firm[n] = extra.setdefault(k.lstrip("~"), len(keys) + len(extra))
    return keys, flat, [k.startswith("~") for k in keys], firm


def test_key_numbers_are_those_numbered_string_by_string() -> None:
    rng = np.random.default_rng(5)
    pool = [
        f"{'~' * int(rng.integers(0, 2))}c:{int(rng.integers(0, 40))}"
        for _ in range(400)
    ]
    made = [
        tuple(dict.fromkeys(rng.choice(pool, int(rng.integers(1, 6)))))
        for _ in range(60)
    ]
    made.append(tuple(list(made[3])))  # equal keys, another tuple: numbered apart
    for _ in range(3):  # several pairs of texts through the same process-wide numbers
        q = [made[int(i)] for i in rng.integers(0, len(made), 50)]
        s = [made[int(i)] for i in rng.integers(0, len(made), 80)]

        ids = key_ids(q, s)
        keys, flat, loose, firm = _numbered_one_by_one(q, s)

        assert ids.keys == keys and ids.flat.tolist() == flat
        assert ids.loose.tolist() == loose and ids.firm_form.tolist() == firm
