"""Text evidence for break repair, shared by the layout-based repair
(:mod:`layoutkit.repair`) and the text-only repair (:mod:`layoutkit.textrepair`).

Given the text on the left of a break and the text on the right, these
functions say whether the left part ends a sentence, whether the right part
may start a paragraph, whether a word spans the break (jieba for Chinese),
whether a piece looks like a headline, a dateline opener, a byline or a
caption, and how two pieces are glued (no space between CJK, one space in
Latin text, de-hyphenation with the lexicon).

All functions are pure; no module state besides constant tables.
(``textutil`` is owned by the lead; the few helpers needed beyond it live here.)
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .hyphenation import HYPHENS, decide, guess_language
from .textutil import CLOSERS, NO_LINE_START, TERMINAL, is_cjk_char

#: punctuation after which a sentence goes on (CJK and Latin)
CONTINUING_END = set("、，：；,;:（(《〈「『【“‘—–/&+")
#: characters a Chinese word or phrase practically never ends with (prefixes,
#: prepositions, conjunctions, structural particles)
CJK_NO_WORD_END = set("第的和与及或把被从向将对其之所并且而每各该本某此这那")
#: Chinese words that need a complement (an object, a clause) and so do not
#: end a headline or a paragraph
CJK_NO_PHRASE_END = frozenset(
    "具有 进行 实现 加强 推动 推进 成为 作为 包括 通过 对于 关于 根据 按照 为了 随着 由于 以及 "
    "等于 属于 位于 来自 涉及 围绕 针对 面向 带来 需要 得到 受到 进入 提供 提出 表示 认为 指出 "
    "强调 介绍 显示 表明 达到 超过 不断 继续 开始 进一步 积极 全面 深入 持续 共同 主要 相关 "
    "是 有 将 要 让 使 给 比 为 就 也 都 还 已 正 会 能 可 应".split()
)
#: Latin function words a headline or paragraph does not end with
LATIN_NO_END = frozenset(
    "the a an of to in on at by for with and or but from as into that than "
    "der die das und oder mit von zu im ein eine le la les des du de et ou un une au aux".split()
)
#: sentence punctuation that a CJK headline does not contain
_CJK_SENTENCE_PUNCT = set("。，、；,;")

_DATELINE_RES = (
    re.compile(r"^本报讯"),
    re.compile(r"^本报[^，,。\s]{0,12}?电"),
    re.compile(r"^(?:新华社|中新社|中新网|人民网|新华网|央视网|央视新闻|澎湃新闻|据新华社)[^。]{0,24}?电"),
    re.compile(r"^[^，,。\s]{0,12}?\d{1,2}月\d{1,2}日(?:电|讯)"),
    re.compile(r"^[（(]记者[^）)]{1,30}[）)]"),
    re.compile(r"^【[^】]{1,16}】"),
    re.compile(r"^[A-Z][A-Z.,' -]{1,40}(?:\s*\([A-Za-z.& ]{1,20}\))?\s*[—–]\s*\S"),
    re.compile(r"^[A-Z][A-Z.,' -]{1,40}\s*\([A-Za-z.& ]{1,20}\)\s*-{1,2}\s*\S"),
    re.compile(r"^\((?:AP|AFP|Reuters|dpa|Bloomberg|UPI)\)\s*[—–-]"),
)
_BYLINE_RES = (
    re.compile(r"^(?:By|BY|Von|Par|PAR|VON)\s+[A-Z][\w.'-]+(?:[ ,]+(?:and|und|et|[A-Z][\w.'-]+))*\.?$"),
    re.compile(r"^(?:本报|新华社|中新社)?(?:特约)?(?:记者|通讯员)(?:[\s　]*[\u4e00-\u9fff]{2,4}){1,4}(?:[\s　]*报道)?$"),
)
_CAPTION_START_RE = re.compile(r"^(?:图为|图：|图:|上图|下图|左图|右图|图片|Photo:|PHOTO:|Above:|Pictured)")
_CAPTION_CREDIT_RE = re.compile(
    r"(?:[\s　][\u4e00-\u9fff]{2,4}[\s　]*(?:摄|摄影|供图)|(?:记者|通讯员)[\u4e00-\u9fff\s　]{2,14}(?:摄|摄影))$"
    r"|\((?:Photo|Photograph)s?\s+by\s+[^)]+\)$|(?:Photo|Photograph):\s*[A-Z][\w .'-]+$"
)
_END_NOTE_RE = re.compile(r"[（(](?:完|记者[^）)]*|编辑[^）)]*|责任编辑[^）)]*|通讯员[^）)]*|end|END)[）)]$")


@lru_cache(maxsize=1)
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def is_han(ch: str) -> bool:
    """A CJK ideograph or kana (not punctuation, not hangul)."""
    if not ch:
        return False
    cp = ord(ch)
    return (0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x3040 <= cp <= 0x30FF
            or 0x20000 <= cp <= 0x3134F)


def display_width(text: str) -> int:
    """Width in monospace columns: wide/full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def strip_closers(text: str) -> str:
    t = text.rstrip()
    while t and t[-1] in CLOSERS:
        t = t[:-1]
    return t


def ends_sentence(text: str) -> bool:
    """Ends with 。！？… or . ! ? (possibly followed by closing quotes/brackets),
    or with an end note such as "（完）"."""
    t = text.rstrip()
    if _END_NOTE_RE.search(t):
        return True
    s = strip_closers(t)
    if not s or s[-1] not in TERMINAL:
        return False
    if s[-1] == "." and re.search(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|No|Gen|Sen|Rep|Gov|Prof|Jr|Sr|vs|etc|Nr|Dr|Mme|M))\.$", s):
        return False  # an initial or abbreviation, not a sentence end
    return True


def starts_with_no_line_start(text: str) -> bool:
    """Starts with punctuation that may not begin a line (kinsoku) or a closer."""
    t = text.lstrip()
    return bool(t) and (t[0] in NO_LINE_START or t[0] in "”’」』）)】》〉")


def is_dateline(text: str) -> bool:
    """Starts with a dateline/agency opener (本报讯, 新华社…电, (记者 …), "(AP) —", "LONDON —")."""
    t = text.lstrip()
    return any(r.search(t) for r in _DATELINE_RES)


def dateline_only(text: str) -> bool:
    """The whole text is a dateline opener ("本报讯(记者 许文杰)", "LONDON (Reuters) —")."""
    t = text.strip()
    for r in _DATELINE_RES:
        m = r.search(t)
        if m and len(t) - m.end() <= 1:
            return True
    return bool(re.fullmatch(r"(?:本报讯|新华社[^。，,]{0,20}电)?[（(](?:通讯员|记者)[^）)]{1,30}[）)]", t))


def title_case(text: str) -> bool:
    """Most words (function words aside) start with a capital: a Latin headline line."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text) if w.lower() not in LATIN_NO_END]
    if not words:
        return False
    return sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def is_byline(text: str) -> bool:
    t = text.strip()
    return len(t) <= 60 and any(r.search(t) for r in _BYLINE_RES)


def is_caption_start(text: str) -> bool:
    return bool(_CAPTION_START_RE.search(text.lstrip()))


def ends_with_credit(text: str) -> bool:
    """Ends with a photo credit ("陆新 徐芊卉 摄", "(Photo by Jane Doe)")."""
    return bool(_CAPTION_CREDIT_RE.search(text.rstrip()))


def cjk_ratio(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum(is_cjk_char(c) for c in chars) / len(chars)


def language_of(text: str, preferred: str = "") -> str:
    """``preferred`` when given, else "zh" for mostly-CJK text, else en/de/fr."""
    if preferred:
        return preferred
    if cjk_ratio(text[:20000]) >= 0.3:
        return "zh"
    return guess_language(text)


_PAIRS = (("“", "”"), ("「", "」"), ("『", "』"), ("（", "）"), ("(", ")"), ("《", "》"), ("【", "】"))


def unclosed(text: str) -> bool:
    """An opening quote or bracket in ``text`` is not closed."""
    return any(text.count(a) > text.count(b) for a, b in _PAIRS)


def headline_shaped(text: str, continued: bool = False) -> bool:
    """Short, without sentence punctuation, not ending on a function word:
    the shape of a headline (or a subhead).  ``continued``: a later line of
    a multi-line headline, which may start in lowercase or end on a
    function word."""
    t = text.strip()
    if not t or len(t) > 120 or (unclosed(t) and not continued):
        return False
    if cjk_ratio(t) >= 0.3:
        han = sum(is_han(c) for c in t)
        if han > 34 or han < 2:
            return False
        if any(c in _CJK_SENTENCE_PUNCT for c in t[:-1]) or t[-1] in _CJK_SENTENCE_PUNCT:
            return False
        if t[-1] in CJK_NO_WORD_END or t[-1] in CONTINUING_END or t[-1] in "-":
            return False
        return not needs_complement(t)
    words = t.split()
    if len(words) > 16 or not words:
        return False
    if t[-1] in ".,;:-" or t[-1] in CONTINUING_END:
        return False
    if continued:
        return True
    if words[-1].lower().strip("\"'") in LATIN_NO_END:
        return False
    if not words[0][0].isupper() and not words[0][0].isdigit() and words[0][0] not in "\"'“‘":
        return False
    return True


def needs_complement(text: str) -> str:
    """The last word of CJK ``text`` when it needs a complement ("具有",
    "进行"), else ``""``."""
    t = text.rstrip()[-8:]
    if not t or not is_han(t[-1]):
        return ""
    toks = _jieba().lcut(t)  # type: ignore[attr-defined]
    return str(toks[-1]) if toks and toks[-1] in CJK_NO_PHRASE_END else ""


def word_spanning(left: str, right: str, context: int = 6) -> str:
    """The jieba token that crosses the break between ``left`` and ``right``
    (both CJK), or ``""`` when the segmenter puts a word boundary there."""
    lt, rh = left.rstrip()[-context:], right.lstrip()[:context]
    if not lt or not rh or not is_han(lt[-1]) or not is_han(rh[0]):
        return ""
    jb = _jieba()
    pos = 0
    cut = len(lt)
    for tok in jb.lcut(lt + rh):  # type: ignore[attr-defined]
        end = pos + len(tok)
        if pos < cut < end:
            return str(tok)
        pos = end
    return ""


def dictionary_word(token: str) -> bool:
    """Is ``token`` in jieba's dictionary (not a word its HMM guessed)?"""
    jb = _jieba()
    dt = jb.dt  # type: ignore[attr-defined]
    dt.check_initialized()
    return bool(dt.FREQ.get(token))


@dataclass(frozen=True, slots=True)
class Glue:
    """How two pieces are glued: ``left``/``right`` are the pieces after
    removing a break hyphen or keeping it; ``sep`` goes between them
    ("" or " "); ``removed`` is the hyphen taken out; ``hyphen`` is True when
    a line-end hyphen was involved; ``reason`` explains it."""

    left: str
    right: str
    sep: str
    removed: str
    hyphen: bool
    reason: str


_TRAIL_WORD_RE = re.compile(r"([^\W\d_][\w'’" + re.escape(HYPHENS) + r"]*)([" + re.escape(HYPHENS) + r"])$")
_LEAD_WORD_RE = re.compile(r"^([^\W\d_][\w'’]*)")


def glue(left: str, right: str, language: str, dehyphenate: bool = True) -> Glue:
    """Glue ``left`` (end of a line) and ``right`` (start of the next):
    CJK on either side -> nothing in between; Latin -> one space; a line-end
    hyphen after a letter -> the lexicon decides whether it goes."""
    lt, rt = left.rstrip(), right.lstrip()
    if not lt or not rt:
        return Glue(lt, rt, "", "", False, "empty side")
    m = _TRAIL_WORD_RE.search(lt)
    if m and not is_cjk_char(rt[0]):
        word, hy = m.group(1), m.group(2)
        lead = _LEAD_WORD_RE.match(rt)
        if lead and rt[0].islower():
            if not dehyphenate:
                return Glue(lt, rt, "", "", True, "line-end hyphen kept (de-hyphenation off)")
            d = decide(word, lead.group(1), language if language in ("en", "de", "fr") else "en", hyphen=hy)
            if d.keep:
                return Glue(lt, rt, "", "", True, "hyphen kept: " + d.reason)
            return Glue(lt[:-1], rt, "", hy, True, "break hyphen removed: " + d.reason)
        if hy == "\u00ad":
            return Glue(lt[:-1], rt, "", hy, True, "soft hyphen removed")
        return Glue(lt, rt, "", "", True, "hyphen kept: next line does not start with a lowercase letter")
    a, b = lt[-1], rt[0]
    # the script of the nearest letters decides, so "(记者 许文杰)" + "12月" stays unspaced
    la = next((c for c in reversed(lt) if c.isalnum()), a)
    rb = next((c for c in rt if c.isalnum()), b)
    if is_cjk_char(a) or is_cjk_char(b) or (not a.isalnum() and is_cjk_char(la)) or (
            not b.isalnum() and is_cjk_char(rb)):
        return Glue(lt, rt, "", "", False, "CJK: joined without a space")
    if a in "—–/" or b in "—–":
        return Glue(lt, rt, "", "", False, "dash at the break: joined without a space")
    return Glue(lt, rt, " ", "", False, "Latin: joined with one space")


@dataclass(frozen=True, slots=True)
class BreakVerdict:
    """Whether a break between two pieces of text is a continuation
    (``join``) and the evidence (``reason``); ``strong`` when the evidence is
    punctuation-level certain."""

    join: bool
    reason: str
    strong: bool = False
    #: True when the evidence is only about words (a word spans the break, a
    #: character that cannot end a word), not punctuation: enough for a
    #: column break, not for a deliberate newline between paragraphs.
    lexical: bool = False


def continuation(left: str, right: str, lexical: bool = True) -> BreakVerdict:
    """Decide from the text alone whether ``right`` continues the paragraph
    that ``left`` ends with (a column or line break inside a paragraph).
    ``lexical=False`` skips the word-segmenter evidence (it only strengthens
    a join that is made anyway; the layout path does not need it, and
    loading the segmenter's dictionary costs more than half a second)."""
    lt, rt = left.rstrip(), right.lstrip()
    if not lt or not rt:
        return BreakVerdict(False, "empty side")
    if starts_with_no_line_start(rt):
        return BreakVerdict(True, f"right part starts with {rt[0]!r}, which cannot start a line", True)
    if is_dateline(rt):
        return BreakVerdict(False, "right part starts with a dateline", True)
    if is_byline(rt):
        return BreakVerdict(False, "right part is a byline", True)
    if is_byline(lt):
        return BreakVerdict(False, "left part is a byline", True)
    if is_caption_start(rt):
        return BreakVerdict(False, "right part starts a caption", True)
    if lt[-1] in HYPHENS and len(lt) > 1 and lt[-2].isalpha() and rt[0].isalpha():
        return BreakVerdict(True, "line-end hyphen", True)
    if unclosed(lt) and not ends_sentence(lt):
        return BreakVerdict(True, "an opening quote or bracket is not closed before the break", True)
    if dateline_only(lt):
        return BreakVerdict(True, "left part is only a dateline", True)
    if ends_sentence(lt):
        return BreakVerdict(False, f"left part ends a sentence ({lt[-1]!r})", True)
    if ends_with_credit(lt):
        return BreakVerdict(False, "left part ends with a photo credit", True)
    frag = re.match(r"^([\u3400-\u9fff]{1,3})[。！？]", rt)
    if frag and is_han(lt[-1]):
        return BreakVerdict(True, f"right part starts with the sentence tail {frag.group(0)!r}", True)
    if lt[-1] in CONTINUING_END:
        return BreakVerdict(True, f"left part ends with {lt[-1]!r}, inside a sentence", True)
    if lt[-1] in "）)】" :
        return BreakVerdict(True, "left part ends with a closing bracket but no sentence end")
    if is_han(lt[-1]):
        if lt[-1] in CJK_NO_WORD_END:
            return BreakVerdict(True, f"left part ends with {lt[-1]!r}, which cannot end a word", True, True)
        tok = word_spanning(lt, rt) if lexical else None
        if tok:
            return BreakVerdict(True, f"the word {tok!r} spans the break", True, True)
        need = needs_complement(lt) if lexical else None
        if need:
            return BreakVerdict(True, f"left part ends with {need!r}, which needs a complement", True, True)
        return BreakVerdict(True, "no sentence end before the break")
    if lt[-1].isalnum():
        if rt[0].islower():
            return BreakVerdict(True, "no sentence end and the right part starts in lowercase", True)
        return BreakVerdict(True, "no sentence end before the break")
    return BreakVerdict(False, f"left part ends with {lt[-1]!r}")


def excerpt_left(text: str, n: int = 10) -> str:
    return text.rstrip()[-n:]


def excerpt_right(text: str, n: int = 10) -> str:
    return text.lstrip()[:n]


#: a space between two CJK ideographs/punctuation, the kind OCR engines insert
CJK_SPACE_RE = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef])[ \u3000]"
                          r"(?=[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef])")


def cjk_space_at(text: str, i: int) -> bool:
    """Whether the single space at ``text[i]`` sits next to CJK text the way
    OCR spaces do: a CJK character on one side and a CJK character, digit or
    punctuation on the other (a Latin word next to CJK keeps its space; a
    run of spaces is printed)."""
    if i <= 0 or i + 1 >= len(text) or text[i] not in " \u3000":
        return False
    if text[i - 1].isspace() or text[i + 1].isspace():
        return False
    x, y = text[i - 1], text[i + 1]

    def other(c: str) -> bool:
        return is_cjk_char(c) or c.isdigit() or (not c.isalnum() and not c.isspace())

    return (is_cjk_char(x) and other(y)) or (is_cjk_char(y) and other(x))
