"""The report's words and colours for reuse of meaning (疑似改写 / 跨语言), kept apart
from the copy report's so that the two can change independently."""

from __future__ import annotations

from screening.report import KIND_REWRITE, KIND_TRANSLATED

# Purple rewritten, blue translated: never the copy red.
MEANING_COLOURS = {KIND_REWRITE: "#7b3fb5", KIND_TRANSLATED: "#1f6fb2"}

# Labels of reuse of meaning (疑似改写 / 跨语言) and of their figures and reasons.
MEANING_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "rewrite_ratio": "改写相似比",
        "translated_ratio": "其中跨语言",
        "rewrite_chars": "改写字数",
        "kind_rewrite": "疑似改写",
        "kind_translated": "跨语言",
        "aligned_words": "对齐的词语",
        "shared_terms": "共同的术语与数字",
        "def_rewrite": "改写相似比 = 疑似改写和跨语言匹配所覆盖、且未计入重复字数的字数 / 总字数；"
        "它不计入总文字复制比。每处此类匹配列出逐句对齐的词语（同词、同义词或译词）"
        "和共同的术语与数字，相似度为对齐词语的加权占比。",
    },
    "en": {
        "rewrite_ratio": "Rewritten similarity",
        "translated_ratio": "of which cross-language",
        "rewrite_chars": "Rewritten characters",
        "kind_rewrite": "suspected rewrite",
        "kind_translated": "cross-language",
        "aligned_words": "Aligned words",
        "shared_terms": "Shared terms and numbers",
        "def_rewrite": "Rewritten similarity = characters covered by suspected rewrites "
        "and cross-language matches, and not already matched characters / total "
        "characters; it is not part of the total similarity. Each such match lists "
        "the words aligned sentence by sentence (the same word, a synonym or a "
        "translation) and the shared terms and numbers; its score is the weighted "
        "share of aligned words.",
    },
}
