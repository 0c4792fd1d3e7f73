"""Word segmentation for the word error rate.

Latin-script text: words are maximal runs of letters/digits (with inner
apostrophes and hyphens), punctuation is not a word.  Text with CJK
characters: jieba's precise mode with the HMM for unknown words off (a
string of unknown characters becomes single characters: stable under OCR
noise, and about three times faster), whitespace and punctuation
tokens dropped.  Both sides of a comparison use the same rule.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import regex

from ..textutil import is_cjk_text

_WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+(?:['’\-⸗][\p{L}\p{N}\p{M}]+)*")
_WORDLIKE = regex.compile(r"[\p{L}\p{N}\p{M}]")

#: stated in the report
LATIN_RULE = "runs of letters and digits (inner ' and - kept), punctuation ignored"
CJK_RULE = "jieba 0.42 precise mode, dictionary only (HMM off), punctuation and spaces ignored"


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
        return _WORD.findall(text)
    return [w for w in _jieba().lcut(text, HMM=False) if _WORDLIKE.match(w)]


def rule(cjk: bool) -> str:
    return CJK_RULE if cjk else LATIN_RULE
