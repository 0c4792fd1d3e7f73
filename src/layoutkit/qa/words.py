"""Word segmentation for the word error rate.

Latin-script text: words are maximal runs of letters/digits (with inner
apostrophes and hyphens), punctuation is not a word.  Text with CJK
characters: jieba's default (precise, HMM on) segmentation, whitespace and
punctuation tokens dropped.  Both sides of a comparison use the same rule.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import regex

from ..textutil import is_cjk_text

_WORD = r"[\p{L}\p{N}\p{M}]+(?:['’\-⸗][\p{L}\p{N}\p{M}]+)*"

#: stated in the report
LATIN_RULE = "runs of letters and digits (inner ' and - kept), punctuation ignored"
CJK_RULE = "jieba 0.42 precise mode (HMM on), punctuation and spaces ignored"


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """One jieba tokenizer per process; its dictionary loads on first use (~1 s)."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def tokenize(text: str, cjk: bool | None = None) -> list[str]:
    """Words of ``text``; ``cjk`` forces or forbids the Chinese rule
    (default: Chinese when at least 30% of the non-space characters are CJK)."""
    if cjk is None:
        cjk = is_cjk_text(text)
    if not cjk:
        return regex.findall(_WORD, text)
    out = []
    for piece in _jieba().lcut(text, HMM=True):
        if regex.fullmatch(r"[\p{L}\p{N}\p{M}].*", piece, flags=regex.S) and not piece.isspace():
            out.append(piece)
    return out


def rule(cjk: bool) -> str:
    return CJK_RULE if cjk else LATIN_RULE
