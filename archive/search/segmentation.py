"""Chinese word segmentation for the index and the queries (jieba, via `screening`).

Neither database segments Chinese, so we do: text is cut by jieba (the screening package's
tokenizer) into words, in search mode for the index (each long word also yields its
dictionary sub-words: 深度学习 → 深度, 学习, 深度学习), and CJK bigrams are the recall net
for words jieba cut otherwise in context.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from screening.tokenize import get_tokenizer

WORD = re.compile(r"[^\W_]+")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


def normalize(text: str) -> str:
    """NFKC and lower case: what the index and the LIKE checks compare."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _jieba() -> Any:
    """The screening package's jieba instance (one per process, built on first use)."""
    # The shared Tokenizer builds its jieba.Tokenizer lazily and quietly; its search-mode
    # cut is what we need and it has no public wrapper.
    return get_tokenizer()._get()


def _pieces(word: str) -> list[str]:
    """The word-character runs of a jieba token (punctuation and spaces dropped)."""
    return [p for p in WORD.findall(word) if len(p) <= 60]


def segment(text: str, *, search_mode: bool = True) -> list[str]:
    """Words of `text` (normalised); search mode adds each long word's sub-words."""
    if not text:
        return []
    tok = _jieba()
    cut = tok.cut_for_search if search_mode else tok.cut
    out: list[str] = []
    for word in cut(normalize(text), HMM=True):
        out.extend(_pieces(word))
    return out


_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")


def grams(text: str) -> list[str]:
    """CJK character bigrams of each CJK run, and every other word, of normalised text.

    Any CJK string of two or more characters in the text has all its bigrams here, so a
    word jieba cut differently in context is still found (then confirmed by LIKE).
    """
    out: list[str] = []
    for piece in WORD.findall(text):
        pos = 0
        for run in _CJK_RUN.finditer(piece):
            if run.start() > pos:
                out.append(piece[pos : run.start()])
            chars = run.group()
            out.extend(chars[k : k + 2] for k in range(len(chars) - 1))
            pos = run.end()
        if pos < len(piece):
            out.append(piece[pos:])
    return [g for g in out if len(g) <= 60]


def segmented(text: str) -> str:
    """Space-joined search-mode words: what goes into the index."""
    return " ".join(segment(text))
