"""The report's fixed vocabulary: schema, exclusion reasons, passage kinds, CNKI's cuts."""

from __future__ import annotations

SCHEMA = "chengxin.report/1"

# Reasons a match is left out of every figure (first applicable wins, in this order).
TEMPLATE = "template"
REFERENCES = "references"
EXCLUDED_SOURCE = "excluded_source"
BELOW_MINIMUM = "below_minimum"
# Reasons a match still counts in 总文字复制比 but leaves one of the reduced ratios.
QUOTATION = "quotation"
CITATION = "citation"
OWN_WORK = "own_work"

HARD_EXCLUSIONS = frozenset({TEMPLATE, REFERENCES, EXCLUDED_SOURCE, BELOW_MINIMUM})
SOFT_EXCLUSIONS = frozenset({QUOTATION, CITATION, OWN_WORK})

# Why a user excluded a source: 本人作品 / 非原始来源 / 合作 / 其他 (Turnitin's reasons).
SOURCE_EXCLUSION_REASONS = ("own_work", "not_original", "collaboration", "other")
# The same reasons as the users write them; stored as the codes above.
REASON_ALIASES = {
    "本人作品": "own_work",
    "非原始来源": "not_original",
    "合作": "collaboration",
    "其他": "other",
}

# A citation mark this many code points after a match (same line) still cites it:
# "……已有研究证明[12]。" usually ends the copied sentence just before the mark.
CITATION_REACH = 8
# 前部 is the first fifth of the counted characters, 后部 the rest (CNKI's 20%/80%).
FRONT_FRACTION = (1, 5)
# Without chapters CNKI cuts fixed segments of about 1.2万 characters; so do we.
SEGMENT_CHARS = 12_000

# Which passage colour a match label stands for (CNKI: red copied, green cited,
# brown-grey own work); hard exclusions are shown greyed.
KIND_COPIED = "copied"
KIND_CITED = "cited"
KIND_OWN = "own"
KIND_EXCLUDED = "excluded"
KIND_OK = "ok"
KIND_OMITTED = "omitted"

# What a match is: copied characters (the character layer), or reuse of meaning found
# by the meaning layer: 疑似改写 (rewritten) and 跨语言 (translated). Meaning matches
# have their own colours and figures (改写相似比) and never count in 总文字复制比.
MATCH_COPY = "copy"
KIND_REWRITE = "rewrite"
KIND_TRANSLATED = "translated"
MEANING_KINDS = frozenset({KIND_REWRITE, KIND_TRANSLATED})
