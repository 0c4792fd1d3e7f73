"""Line breaking and justification for Chinese and English paragraphs.

All widths are page pixels.  A :class:`SetLine` lists its runs (a CJK
character, a Latin/digit group, or an English word) with x positions relative
to the left edge of the column, plus the offsets of the paragraph text it
shows, so ground truth (column breaks, hyphens) can be derived exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyphen

from ..textutil import is_cjk_char
from .fonts import FontBook

#: characters that may not start a line (kinsoku), CJK and Latin
NO_START = set("。，、；：！？）」』】》〉”’…·．,.;:!?)%％—")
#: characters that may not end a line
NO_END = set("（「『【《〈“‘(")

_UNIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%~]*[A-Za-z0-9%]|[A-Za-z0-9]|——|……|.", re.S)


@dataclass(frozen=True, slots=True)
class Run:
    """One drawn piece: ``text`` as in the ground truth, ``display`` as
    printed (may carry a break hyphen), ``x`` left edge relative to the column
    (pixels), ``width`` its advance."""

    text: str
    display: str
    x: float
    width: float


@dataclass(frozen=True, slots=True)
class SetLine:
    """A typeset line of paragraph ``para``: shows ``text[start:end]`` of it.
    ``first``/``last``: first/last line of the paragraph.  ``hyphen`` is
    "", "break" or "compound" for a line-end hyphen; ``word`` the whole word."""

    runs: tuple[Run, ...]
    para: int
    start: int
    end: int
    first: bool
    last: bool
    hyphen: str = ""
    word: str = ""

    @property
    def display(self) -> str:
        return "".join(r.display for r in self.runs)


def _justify(units: list[tuple[str, str, float]], indent: float, width: float, justify: bool,
             gap: float) -> tuple[Run, ...]:
    """Place units (text, display, advance) from ``indent``; ``gap`` is the natural
    space between units (0 for CJK, a space for English)."""
    natural = sum(u[2] for u in units) + gap * (len(units) - 1)
    extra = 0.0
    if justify and len(units) > 1:
        extra = max(0.0, (width - indent - natural) / (len(units) - 1))
    x = indent
    out = []
    for text, disp, w in units:
        out.append(Run(text, disp, x, w))
        x += w + gap + extra
    return tuple(out)


def set_zh(fb: FontBook, font: str, size: int, para_idx: int, text: str, width: float,
           indent_em: float = 2.0, justify_last: bool = False) -> list[SetLine]:
    """Break a Chinese paragraph into lines ``width`` pixels wide with a first-line
    indent of ``indent_em`` ems.  No line starts with a NO_START character and no
    line ends with a NO_END character: the last unit is pushed down instead."""
    units: list[tuple[int, str]] = []
    pos = 0
    for m in _UNIT.finditer(text):
        units.append((pos, m.group(0)))
        pos = m.end()
    lines: list[SetLine] = []
    i = 0
    first = True
    while i < len(units):
        indent = indent_em * size if first else 0.0
        avail = width - indent
        j = i
        used = 0.0
        while j < len(units):
            w = fb.width(font, size, units[j][1])
            if used + w > avail + 0.5 and j > i:
                break
            used += w
            j += 1
        # kinsoku: push units down until the next line may start here
        if j < len(units):
            k = j
            while k > i + 1 and (units[k][1][0] in NO_START or units[k - 1][1][-1] in NO_END):
                k -= 1
            if k > i + 1:
                j = k
        chunk = units[i:j]
        last = j >= len(units)
        placed = [(u, u, fb.width(font, size, u)) for _, u in chunk]
        runs = _justify(placed, indent, width, justify_last or not last, 0.0)
        start = chunk[0][0]
        end = chunk[-1][0] + len(chunk[-1][1])
        lines.append(SetLine(runs, para_idx, start, end, first, last))
        first = False
        i = j
    return lines


def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US", left=2, right=3)


def _split_options(dic: pyphen.Pyphen, word: str) -> list[tuple[int, str]]:
    """Ways to break ``word`` at a line end: (chars kept on the line, kind).
    A word containing hyphens breaks only at its own hyphens (compound);
    otherwise at pyphen's positions in its alphabetic core (break)."""
    if "-" in word.strip("-"):
        return [(m.end(), "compound") for m in re.finditer(r"(?<=[A-Za-z])-(?=[A-Za-z])", word)]
    m = re.match(r"^([^A-Za-z]*)([A-Za-z]+)(.*)$", word)
    if not m or len(m.group(2)) < 6 or m.group(2).isupper():
        return []
    lead, core = m.group(1), m.group(2)
    return [(len(lead) + len(a), "break") for a, _ in dic.iterate(core)]


def set_en(fb: FontBook, font: str, size: int, para_idx: int, text: str, width: float,
           indent_em: float = 1.0, hyphenate: bool = True,
           dic: pyphen.Pyphen | None = None) -> list[SetLine]:
    """Break an English paragraph (single spaces between words) into justified
    lines, hyphenating with pyphen when a word does not fit.  A compound word is
    broken only at its own hyphen."""
    dic = dic or _hyphenator()
    space = fb.width(font, size, " ")
    items: list[tuple[int, str]] = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", text)]
    lines: list[SetLine] = []
    k = 0
    while k < len(items):
        first = not lines
        indent = indent_em * size if first else 0.0
        avail = width - indent
        placed: list[tuple[str, str, float]] = []
        used = 0.0
        start = items[k][0]
        end = start
        hyphen, hword = "", ""
        while k < len(items):
            off, w = items[k]
            ww = fb.width(font, size, w)
            gap = space if placed else 0.0
            if used + gap + ww <= avail + 0.5:
                placed.append((w, w, ww))
                used += gap + ww
                end = off + len(w)
                k += 1
                continue
            best = None
            if hyphenate:
                for cut, kind in sorted(_split_options(dic, w), reverse=True):
                    head = w[:cut]
                    disp = head if kind == "compound" else head + "-"
                    hw = fb.width(font, size, disp)
                    if used + gap + hw <= avail + 0.5:
                        best = (cut, kind, head, disp, hw)
                        break
            if best is not None:
                cut, kind, head, disp, hw = best
                placed.append((head, disp, hw))
                end = off + cut
                hyphen, hword = kind, _whole_word(text, _word_start(text, off))
                items[k] = (off + cut, w[cut:])
            elif not placed:  # wider than the column: let it overflow
                placed.append((w, w, ww))
                end = off + len(w)
                k += 1
            break
        last = k >= len(items)
        runs = _justify(placed, indent, width, not last, space)
        lines.append(SetLine(runs, para_idx, start, end, first, last, hyphen, hword))
    return lines


def _word_start(text: str, off: int) -> int:
    while off > 0 and not text[off - 1].isspace():
        off -= 1
    return off


def _whole_word(text: str, off: int) -> str:
    """The word starting at ``off`` stripped of surrounding punctuation."""
    m = re.match(r"\S+", text[off:])
    w = m.group(0) if m else ""
    return w.strip(".,;:!?\"'()\u2014")


def set_headline(fb: FontBook, font: str, size: int, text: str, width: float, lang: str,
                 max_lines: int = 2, min_size: int = 28) -> tuple[int, list[str]]:
    """Fit a headline into ``width``: shrink the size until it fits in at most
    ``max_lines`` lines.  Returns (size, printed lines)."""
    while True:
        lines = _wrap_plain(fb, font, size, text, width, lang)
        if len(lines) <= max_lines or size <= min_size:
            return size, [ln for ln in lines if ln]
        size = int(size * 0.9)


def _wrap_plain(fb: FontBook, font: str, size: int, text: str, width: float, lang: str) -> list[str]:
    if fb.width(font, size, text) <= width:
        return [text]
    if lang == "zh":
        # balanced split at the middle, respecting a space if there is one
        if " " in text:
            parts = text.split(" ")
            if all(fb.width(font, size, p) <= width for p in parts):
                return parts
        units = [m.group(0) for m in _UNIT.finditer(text)]
        n = len(units)
        for k in sorted(range(1, n), key=lambda k: abs(2 * k - n)):
            a, b = "".join(units[:k]), "".join(units[k:])
            if b[0] in NO_START or a[-1] in NO_END:
                continue
            if fb.width(font, size, a) <= width and fb.width(font, size, b) <= width:
                return [a, b]
        # does not fit in two lines: greedy wrap (the caller shrinks the size)
        out: list[str] = []
        cur = ""
        for u in units:
            if cur and fb.width(font, size, cur + u) > width and u[0] not in NO_START:
                out.append(cur)
                cur = u
            else:
                cur += u
        out.append(cur)
        return out if len(out) > 2 else out + [""] * (3 - len(out))
    words = text.split(" ")
    lines: list[str] = []
    cur = ""
    for w in words:
        t = (cur + " " + w) if cur else w
        if fb.width(font, size, t) <= width or not cur:
            cur = t
        else:
            lines.append(cur)
            cur = w
    lines.append(cur)
    return lines


def is_cjk_line(text: str) -> bool:
    return any(is_cjk_char(c) for c in text)
