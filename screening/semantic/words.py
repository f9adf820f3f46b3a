"""Content words of a text and the meaning keys they stand for.

A rewrite keeps the content words' meaning, not their characters: Chinese words (jieba)
are folded to their 词林 synonym classes, English words are keyed as themselves and by
their Snowball stems (`latin`), and numbers, formulas and Latin-script terms inside
Chinese text are "terms", strong evidence matched as they are. Stock academic phrasing
and function words are dropped: they are shared by every thesis and prove nothing. For
cross-language comparison an English word is projected onto the keys of its CC-CEDICT
Chinese translations.
"""

from __future__ import annotations

import re
import zlib
from typing import NamedTuple

import numpy as np

from screening.semantic.latin import latin_tokens, stem
from screening.semantic.lexicon import (
    ENGLISH_STOPWORDS,
    STOCK_PHRASES,
    STOCK_TERMS,
    Lexicon,
    english_forms,
)
from screening.tokenize import get_tokenizer

__all__ = [
    "Word",
    "content_words",
    "is_chinese",
    "key_hash",
    "native_keys",
    "token_words",
    "projected_keys",
    "document_keys",
    "TERM_WEIGHT",
]

TERM_WEIGHT = 2.0  # numbers, formulas and technical terms count twice

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z]")
_LATIN_TOKEN = re.compile(r"[a-z0-9][a-z0-9+\-./]*[a-z0-9+]|[a-z0-9]")
_HAS_DIGIT = re.compile(r"[0-9]")


class Word(NamedTuple):
    """A content word: its text, span in the (normalised) text, and its kind.

    kind is "zh" (a Chinese word), "en" (an English word) or "term" (a number,
    formula or Latin-script term, strong evidence). A named tuple, not a frozen
    dataclass: a thesis and its candidate sources make some hundred thousand words,
    and a frozen dataclass took four times as long to make each one.
    """

    text: str
    start: int
    end: int
    kind: str

    @property
    def weight(self) -> float:
        """How much sharing this word says: terms twice as much as plain words."""
        return TERM_WEIGHT if self.kind == "term" else 1.0


def is_chinese(text: str) -> bool:
    """Whether a text is written mainly in Chinese (else treated as Latin-script)."""
    # Counted over the code points at once: every candidate source is asked this.
    points = np.frombuffer(text[:20_000].encode("utf-32-le"), dtype=np.uint32)
    cjk = int(np.count_nonzero((points >= 0x3400) & (points <= 0x9FFF)))
    latin = int(np.count_nonzero((points >= 0x61) & (points <= 0x7A)))
    return cjk >= 0.25 * (cjk + latin) and cjk > 0


def _latin_words(text: str, offset: int, in_chinese: bool) -> list[Word]:
    """Words of a Latin-script stretch; inside Chinese text every one is a term."""
    out: list[Word] = []
    for m in _LATIN_TOKEN.finditer(text):
        token = m.group().strip(".-/")
        if not token:
            continue
        start = offset + m.start()
        end = start + len(token)
        if _HAS_DIGIT.search(token):
            if token not in STOCK_TERMS:
                out.append(Word(token, start, end, "term"))
        elif in_chinese:
            if len(token) >= 2 and token not in ENGLISH_STOPWORDS:
                out.append(Word(token, start, end, "term"))
        elif len(token) >= 2 and token not in ENGLISH_STOPWORDS:
            out.append(Word(token, start, end, "en"))
    return out


def _english_words(text: str) -> list[Word]:
    """Content words of an English text (`screening.semantic.latin`)."""
    return [
        Word(t, s, e, "term" if term else "en") for t, s, e, term in latin_tokens(text)
    ]


def content_words(
    text: str,
    chinese: bool | None = None,
    tokens: list[tuple[str, int, int]] | None = None,
    *,
    latin: bool = True,
) -> list[Word]:
    """Content words of a normalised text in order (stock phrasing and stop words out).

    `tokens` are the text's jieba tokens when already cut (e.g. cached by the index).
    English text compared with English (`latin`) drops `latin.LATIN_STOPWORDS` and
    stock phrasing; compared with Chinese it keeps the words its dictionary
    translation was tuned on.
    """
    if chinese is None:
        chinese = is_chinese(text)
    if not chinese:
        return _english_words(text) if latin else _latin_words(text, 0, False)
    out: list[Word] = []
    if tokens is None:
        tokens = get_tokenizer().words(text)
    for word, start, end in tokens:
        if _CJK.search(word):
            if len(word) >= 2 and word not in STOCK_PHRASES:
                out.append(Word(word, start, end, "zh"))
        elif _LATIN_TOKEN.search(word):
            out.extend(_latin_words(word, start, in_chinese=True))
    return out


# What each token string gives, per lexicon: its content words (offsets within the
# token) with their keys. A candidate source's cached tokens repeat the same few
# thousand strings, and classifying and keying them one by one was most of reading it.
_TokenWords = tuple[tuple[str, int, int, str, tuple[str, ...]], ...]
_token_memo: tuple[Lexicon | None, dict[str, _TokenWords]] = (None, {})


def token_words(
    tokens: list[tuple[str, int, int]], lexicon: Lexicon
) -> tuple[list[Word], list[tuple[str, ...]]]:
    """The content words of a Chinese text's jieba tokens and their meaning keys: what
    `content_words` and `native_keys` give, each token string worked out once."""
    global _token_memo
    owner, memo = _token_memo
    if owner is not lexicon or len(memo) > _KEYS_LIMIT:
        memo = {}
        _token_memo = (lexicon, memo)
    words: list[Word] = []
    native: list[tuple[str, ...]] = []
    add_word, add_keys, get = words.append, native.append, memo.get
    keys_memo = _keys_memo(lexicon)
    make = tuple.__new__  # `Word(...)` without its Python-level __new__
    for token, start, _end in tokens:
        found = get(token)
        if found is None:
            found = memo[token] = _token_found(token, lexicon, keys_memo)
        if not found:
            continue
        for text, a, b, kind, keys in found:
            add_word(make(Word, (text, start + a, start + b, kind)))
            add_keys(keys)
    return words, native


def _token_found(
    token: str, lexicon: Lexicon, keys_memo: dict[tuple[str, str], tuple[str, ...]]
) -> _TokenWords:
    """What `content_words` gives for a token alone, with its words' keys: the same
    steps written out for one token (a thesis has some 8,000 distinct tokens)."""
    if _CJK.search(token):
        if len(token) < 2 or token in STOCK_PHRASES:
            return ()
        keys = keys_memo.get((token, "zh"))
        if keys is None:
            keys = keys_memo[(token, "zh")] = _chinese_keys(token, lexicon)
        return ((token, 0, len(token), "zh", keys),)
    if _LATIN_TOKEN.search(token):
        return tuple(
            (w.text, w.start, w.end, w.kind, native_keys(w, lexicon))
            for w in _latin_words(token, 0, True)
        )
    return ()


# Keys of words already seen, per lexicon: a thesis and its candidates repeat their
# words thousands of times, and building the keys is most of preparing a text.
_KEYS_LIMIT = 500_000
_native_memo: tuple[Lexicon | None, dict[tuple[str, str], tuple[str, ...]]] = (None, {})


def native_keys(word: Word, lexicon: Lexicon) -> tuple[str, ...]:
    """The meaning keys of a word in its own language (remembered per lexicon)."""
    memo = _keys_memo(lexicon)
    found = memo.get((word.text, word.kind))
    if found is None:
        found = memo[(word.text, word.kind)] = _native_keys(word, lexicon)
    return found


def _keys_memo(lexicon: Lexicon) -> dict[tuple[str, str], tuple[str, ...]]:
    """The keys remembered for a lexicon's words, started afresh past the limit."""
    global _native_memo
    owner, memo = _native_memo
    if owner is not lexicon or len(memo) > _KEYS_LIMIT:
        memo = {}
        _native_memo = (lexicon, memo)
    return memo


def _native_keys(word: Word, lexicon: Lexicon) -> tuple[str, ...]:
    """The meaning keys of a word in its own language; a "~" marks a looser key.

    A Chinese word has itself and its 词林 synonym classes as keys, and as looser keys
    its broader 词林 class, its CC-CEDICT English glosses (two words glossed alike are
    near-synonyms, and the glosses meet English text) and, in a long word, its
    two-character parts (排水管道 ~ 排水).
    """
    if word.kind == "zh":
        return _chinese_keys(word.text, lexicon)
    if word.kind == "term":
        return ("t:" + word.text,)
    return ("e:" + word.text, "s:" + stem(word.text))  # inflections share a stem


def _chinese_keys(text: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The meaning keys of a Chinese word (`_native_keys`)."""
    keys = ["w:" + text]
    # Prefixed by `map` and each step skipped when empty: a thesis keys some
    # 7,000 distinct words, half of them in neither 词林 nor CC-CEDICT.
    classes = lexicon.classes.get(text)
    if classes:
        keys += map("c:".__add__, classes)
        keys += ["~c:" + c[:5] for c in classes]
    glosses = lexicon.zh_to_en.get(text)
    if glosses:
        keys += map("~e:".__add__, glosses)
    if len(text) >= 3:
        keys += ["~w:" + text[i : i + 2] for i in range(len(text) - 1)]
    return tuple(dict.fromkeys(keys)) if len(keys) > 1 else (keys[0],)


def projected_keys(word: Word, lexicon: Lexicon) -> tuple[str, ...]:
    """An English word's keys for comparing with Chinese text: itself (which meets
    Chinese words' glosses), as a term, and its Chinese translations' classes."""
    if word.kind != "en":
        return native_keys(word, lexicon)
    forms = english_forms(word.text)
    keys: list[str] = ["e:" + word.text, "t:" + word.text]
    keys += ["~e:" + f for f in forms[1:]] + ["~t:" + f for f in forms[1:]]
    for zh in lexicon.translations(word.text):
        keys.append("~w:" + zh)
        keys.extend("~c:" + c for c in lexicon.classes.get(zh, ()))
    return tuple(dict.fromkeys(keys))


def english_keys(word: Word, lexicon: Lexicon) -> tuple[str, ...]:
    """A Chinese word's English translations as keys, to look up English sources."""
    if word.kind == "zh":
        # By stem too: an English document holds "diseases" where the gloss says
        # "disease" (its words are indexed as themselves and by their stems).
        glosses = lexicon.zh_to_en.get(word.text, ())
        return tuple(
            dict.fromkeys(
                [*("e:" + en for en in glosses), *("s:" + stem(en) for en in glosses)]
            )
        )
    return ()  # numbers and terms are in every language: they retrieve nothing here


def key_hash(keys: list[str] | tuple[str, ...]) -> np.ndarray:
    """32-bit hashes of keys (CRC-32: stable across processes and machines)."""
    return np.array([zlib.crc32(k.encode("utf-8")) for k in keys], dtype=np.uint32)


def document_keys(
    text: str, lexicon: Lexicon, tokens: list[tuple[str, int, int]] | None = None
) -> np.ndarray:
    """The distinct firm meaning keys of a normalised text, hashed and sorted
    (`tokens`: the text's jieba tokens when already cut)."""
    chinese = is_chinese(text)
    if chinese:
        # Only distinct words matter here: cut once, key each distinct word once.
        words: list[Word] = []
        cut = get_tokenizer().cut(text) if tokens is None else [t[0] for t in tokens]
        for token in set(cut):
            if _CJK.search(token):
                if len(token) >= 2 and token not in STOCK_PHRASES:
                    words.append(Word(token, 0, 0, "zh"))
            elif _LATIN_TOKEN.search(token):
                words.extend(_latin_words(token, 0, in_chinese=True))
    else:
        # Both word lists: English theses look up stems, Chinese ones translations.
        words = _english_words(text) + _latin_words(text, 0, in_chinese=False)
    keys: set[str] = set()
    classes = lexicon.classes
    for word in {(w.text, w.kind): w for w in words}.values():
        if word.kind == "zh":
            # A word in 词林 is found through its classes (the query asks for them
            # too); only words outside it are stored as themselves.
            found = classes.get(word.text)
            if found:
                keys.update("c:" + c for c in found)
            else:
                keys.add("w:" + word.text)
        else:
            keys.update(native_keys(word, lexicon))
    return np.unique(key_hash(sorted(keys)))
