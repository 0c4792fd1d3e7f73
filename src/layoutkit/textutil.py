"""Script-aware text helpers shared by engines, repair and exports.

CJK text is written without spaces; Latin text with single spaces.  A gap
between two CJK glyphs becomes a space only when it was printed, i.e. it is
wider than about half an em (the glyph height).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from .model import Word

# Ideographs, kana, hangul, CJK punctuation and full-width forms.
_CJK_RANGES = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x3040, 0x30FF),
    (0x3100, 0x312F),
    (0x3190, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3134F),
)

#: punctuation that ends a sentence (CJK and Latin), possibly followed by closers
TERMINAL = set("。！？!?…．.")
CLOSERS = set("”’」』）)】》〉\"'")
#: punctuation that never starts a line in CJK typesetting (kinsoku)
NO_LINE_START = set("。，、；：！？）」』】》〉”’…·．,.;:!?)")


def is_cjk_char(ch: str) -> bool:
    if not ch:
        return False
    cp = ord(ch[0])
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def is_cjk_text(text: str, threshold: float = 0.3) -> bool:
    """True when at least ``threshold`` of the non-space characters are CJK."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return False
    return sum(is_cjk_char(c) for c in chars) / len(chars) >= threshold


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends with terminal punctuation, maybe followed by closers."""
    t = text.rstrip()
    while t and t[-1] in CLOSERS:
        t = t[:-1]
    return bool(t) and t[-1] in TERMINAL


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def needs_space(left: str, right: str) -> bool:
    """Whether two pieces joined without a printed gap need a space: only
    between two Latin/digit characters."""
    if not left or not right:
        return False
    a, b = left[-1], right[0]
    if is_cjk_char(a) or is_cjk_char(b):
        return False
    return not (a.isspace() or b.isspace())


def join_words(words: Sequence[Word], em: float = 0.0) -> str:
    """Join the words of one line.

    Between two CJK words the engine's space is dropped unless the printed
    gap exceeds half an em (``em`` defaults to the median word height).
    Between Latin words exactly one space is kept.
    """
    if not words:
        return ""
    if em <= 0:
        heights = sorted(w.bbox.height for w in words)
        em = float(heights[len(heights) // 2]) or 1.0
    out = [words[0].text.strip()]
    for prev, cur in zip(words, words[1:]):
        t = cur.text.strip()
        if not t:
            continue
        left = out[-1]
        gap = cur.bbox.x0 - prev.bbox.x1
        if left and (is_cjk_char(left[-1]) or is_cjk_char(t[0])):
            out.append((" " if gap > 0.5 * em else "") + t)
        else:
            out.append(" " + t)
    return "".join(out).strip()


#: full-width punctuation and its half-width twin
FULL_HALF = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"}
HALF_FULL = {v: k for k, v in FULL_HALF.items()}


def fix_punctuation_width(words: Sequence[Word]) -> list[Word]:
    """Choose full- or half-width punctuation in CJK text by the space the
    glyph occupies on the page: a full-width mark owns a whole em cell, a
    half-width one about half of it or less.  Engines tend to output one
    form whatever was printed; this follows what was printed."""
    ws = list(words)
    if len(ws) < 3:
        return ws
    heights = sorted(w.bbox.height for w in ws if len(w.text) == 1 and is_cjk_char(w.text))
    if len(heights) < 2:
        return ws
    em = float(heights[len(heights) // 2])
    out = list(ws)
    for i, w in enumerate(ws):
        t = w.text
        if t not in FULL_HALF and t not in HALF_FULL:
            continue
        prev = ws[i - 1] if i > 0 else None
        nxt = ws[i + 1] if i + 1 < len(ws) else None
        neighbours = [x for x in (prev, nxt) if x is not None]
        if not neighbours or not any(is_cjk_char(x.text[-1] if x is prev else x.text[0]) for x in neighbours):
            continue
        if prev is not None and nxt is not None:
            cell = nxt.bbox.x0 - prev.bbox.x1
        elif prev is not None:
            cell = (w.bbox.x1 - prev.bbox.x1) * 2 if t in "(（" else w.bbox.x1 - prev.bbox.x1 + em * 0.1
        else:
            assert nxt is not None
            cell = nxt.bbox.x0 - w.bbox.x0 + em * 0.1
        full = cell >= 0.72 * em
        want = (HALF_FULL.get(t, t) if full else FULL_HALF.get(t, t))
        if want != t:
            out[i] = Word(want, w.bbox, w.confidence, w.font_size, w.bold)
    return out


def join_words_at_gaps(words: Sequence[Word], gaps: Sequence[tuple[int, int]], em: float = 0.0,
                       mark_white: Sequence[tuple[int, int]] = ()) -> str:
    """Join the words of one CJK line from what the page shows.

    ``gaps`` are the white runs (x0, x1), page pixels, of a quarter em or
    more measured on the line's image; ``em`` is the glyph height.  Engines' own
    boxes for CJK are too rough to measure gaps with, so each measured gap is
    given to the nearest word boundary:

    * next to punctuation that has a half- and a full-width form, a gap of
      0.6 em or more means the full-width form was printed (its glyph sits
      in a corner of an em cell); such marks without that gap were printed
      half-width, whatever the engine said;
    * elsewhere between CJK words a gap over 0.4 em is a printed space,
      which is kept -- and so is a narrower one (a quarter em) where bylines
      and credits print one (after 记者 / 通讯员, before 记者 / 摄);
      every other space between CJK words is dropped.
    * a gap listed in ``mark_white`` is the white of a full-width bracket or
      quote the engine did not read (see
      :func:`~layoutkit.recognize.unread_mark_white`): no space between two
      CJK characters.

    Engine boxes are off by up to about an em: a gap goes to a boundary
    within an em of it next to a mark that leaves white, else to one where
    bylines print a space, else to the nearest.

    Latin word boundaries always keep one space.
    """
    if not words:
        return ""
    texts = [w.text.strip() for w in words]
    boundaries = []  # (index of the right word, x of the boundary, is CJK boundary)
    for i in range(1, len(words)):
        left, right = texts[i - 1], texts[i]
        if not left or not right:
            continue
        cjk = is_cjk_char(left[-1]) or is_cjk_char(right[0])
        x = (words[i - 1].bbox.x1 + words[i].bbox.x0) / 2
        boundaries.append((i, x, cjk))
    cjk_at = {i for i, _, c in boundaries if c}
    keep: set[int] = set()
    marks = {(int(a), int(b)) for a, b in mark_white}
    wide_marks: set[int] = set()  # indices of words printed full-width
    for g0, g1 in gaps:
        if not boundaries:
            break
        centre = (g0 + g1) / 2
        i, _, cjk = min(boundaries, key=lambda b: abs(b[1] - centre))
        # engine boxes are off by up to about an em: a mark that leaves white
        # beside it and stands that close explains the gap best
        near = [b for b in boundaries if abs(b[1] - centre) <= max(em, 1.0)
                and (texts[b[0] - 1][-1] in _WHITE_AFTER or texts[b[0]][0] in _WHITE_BEFORE)]
        if near:
            # (a mark printed in two widths first: the gap tells which one,
            # as in "〈（" where 〈 is read beside the bracket it misreads)
            i, _, cjk = min(near, key=lambda b: (not _two_widths(texts[b[0] - 1][-1], texts[b[0]][0]),
                                                 abs(b[1] - centre)))
        elif em > 0 and (g1 - g0) >= 0.25 * em and not _credit_space("".join(texts[:i]), "".join(texts[i:])):
            # ... and so does a boundary where bylines print a space
            # ("通讯员|张可馨" rather than "通讯|员" a few pixels nearer)
            credit = [b for b in boundaries if abs(b[1] - centre) <= em and b[2]
                      and _credit_space("".join(texts[:b[0]]), "".join(texts[b[0]:]))]
            if credit:
                i, _, cjk = min(credit, key=lambda b: abs(b[1] - centre))
        left, right = texts[i - 1], texts[i]
        wide = em > 0 and (g1 - g0) >= 0.6 * em
        if left[-1] in _WHITE_AFTER:
            if wide:
                wide_marks.add(i - 1)
        elif right[0] in _WHITE_BEFORE:
            if wide:
                wide_marks.add(i)
        elif cjk and not (_is_punct(left[-1]) or _is_punct(right[0])):
            if (g0, g1) in marks and is_cjk_char(left[-1]) and is_cjk_char(right[0]):
                continue  # an unread bracket's or quote's own white
            width = (g1 - g0) / em if em > 0 else 1.0
            if width > 0.4 or (width >= 0.25 and _credit_space("".join(texts[:i]), "".join(texts[i:]))):
                keep.add(i)
        elif cjk and left[-1] in _CJK_STOPS and em > 0 and (g1 - g0) >= 0.95 * em:
            # a full-width stop leaves half an em of white; a whole em or
            # more holds a printed space too (before a credit: "。 郑海涛 摄")
            keep.add(i)
    for k, t in enumerate(texts):
        if t in FULL_HALF or t in HALF_FULL:
            neighbours = ([texts[k - 1]] if k > 0 else []) + ([texts[k + 1]] if k + 1 < len(texts) else [])
            if any(n and is_cjk_char(n[0]) for n in neighbours):
                texts[k] = HALF_FULL.get(t, t) if k in wide_marks else FULL_HALF.get(t, t)
    out = texts[0]
    for i in range(1, len(words)):
        t = texts[i]
        if not t:
            continue
        if i in cjk_at:
            out += (" " if i in keep else "") + t
        else:
            out += " " + t
    return out.strip()


# marks set in one corner of their em (CJK fonts): white after the closing
# ones, before the opening ones
_WHITE_AFTER = set("，,；;：:！!？?）)”’】〕］｝")
_CREDIT_BEFORE = ("记者", "通讯员", "摄影")
_CREDIT_AFTER = ("记者", "通讯员", "摄", "报道")


def _credit_space(before: str, after: str) -> bool:
    """Whether a boundary is where bylines and photo credits print a
    narrow space: after 记者 / 通讯员 before a name, or after a name before
    记者 / 摄 / 报道 (\"（通讯员 张可馨 记者 周文博）\", \"冯雪 摄\")."""
    return before.endswith(_CREDIT_BEFORE) or (after.startswith(_CREDIT_AFTER) and not before.endswith(("本报", "新华社")))
_CJK_STOPS = set("。、．」』》〉")
_WHITE_BEFORE = set("（(“‘《〈「『【〔［｛")


def _two_widths(left: str, right: str) -> bool:
    """Whether the mark at a boundary (before it, or after it) is one that
    CJK text prints full-width and Latin text half-width."""
    return ((left in _WHITE_AFTER and (left in FULL_HALF or left in HALF_FULL))
            or (right in _WHITE_BEFORE and (right in FULL_HALF or right in HALF_FULL)))


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")
