"""Born-digital and mixed PDFs: use the text layer where it can be trusted,
OCR the page where it cannot.

For every page of a PDF :func:`pdf_pages` decides (``ConvertOptions.ocr``):

``auto`` (default)
    a page with a usable text layer is read from it (no OCR); a page with no
    text, or with an unusable one -- glyphs the font cannot map to Unicode
    (what pdfminer prints as ``(cid:123)``), private-use or control
    characters, or text that covers only part of the printed ink (the rest
    is an image or outlines) -- is rendered and OCRed.  An invisible OCR
    layer (render mode 3, or text under a full-page image) is kept, and the
    page message says its quality is unknown.
``always``
    every page is rendered and OCRed.
``never``
    the text layer is used whatever it is (unmappable glyphs dropped); a
    page without text is reported ``empty``.

``Page.message`` says which path was taken and why; ``Page.path`` is
``text-layer`` or ``ocr``.

Text-layer pages: characters (pdfium, see :mod:`layoutkit.pdfchars`) are
grouped into lines by baseline, lines are cut at column gutters (a gap that
continues as a vertical white channel through the neighbouring lines, or a
printed rule), words are Latin runs or single CJK characters, and the lines
go through the same block segmentation as scanned pages
(:func:`layoutkit.linelayout.segment_lines`).  Vertical writing (CJK columns
read top to bottom, right to left) is recognised from the geometry of
consecutive characters and reported in ``Block.vertical``.

All coordinates are page pixels at ``ConvertOptions.dpi``, top-left origin of
the displayed page (``/Rotate`` and the crop box applied).
"""

from __future__ import annotations

import bisect
import logging
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .engines import OcrEngine
from .errors import BadInput
from .model import BBox, Block, BlockKind, Line, Page, PageStatus, Word
from .options import ConvertOptions
from .pdfchars import (
    MAX_PAGE_POINTS,
    PdfChar,
    PdfPageData,
    extract_page,
    is_bold_name,
    is_hei_name,
    page_size_points,
)
from .textutil import is_cjk_char

log = logging.getLogger("layoutkit.textlayer")

OCR_MODES = ("auto", "always", "never")
ENGINE_NAME = "pdf text layer"
#: what PDF text layers give for a hyphen at a line end: pdfium's marker
#: U+FFFE (its "hyphen at the end of a line"), the soft hyphen U+00AD
BREAK_HYPHENS = frozenset({"\ufffe", "\u00ad"})

#: fraction of bad characters (unmapped, private use, control) above which a
#: text layer is unusable
MAX_BAD_FRACTION = 0.05
#: fraction of the printed ink (outside photos and rules) that the text must cover
MIN_INK_COVERAGE = 0.6
#: an image covering this fraction of the page makes it a scanned page
PAGE_IMAGE_FRACTION = 0.6
#: resolution of the ink check render, dots per inch
INK_DPI = 40
#: ink check cell side, pixels at INK_DPI (0.2 inch)
INK_CELL = 8


# ------------------------------------------------------------------ decision


@dataclass(frozen=True)
class Assessment:
    """Verdict on one page's text layer.

    ``verdict``: ``ok`` (use it), ``ocr-layer`` (an invisible OCR layer,
    usable, quality unknown), ``none`` (no text), ``unusable``, ``blank``
    (no text and no ink).  ``reason`` is one sentence for ``Page.message``.
    ``coverage`` is the fraction of inked cells the text covers (-1 when
    not measured)."""

    verdict: str
    reason: str
    n_chars: int = 0
    n_bad: int = 0
    coverage: float = -1.0


def is_bad_char(ch: PdfChar) -> bool:
    """A glyph whose text cannot be trusted: no Unicode mapping, the
    replacement character, a control character, or a private-use code point."""
    if ch.unmapped:
        return True
    cp = ord(ch.text)
    if cp == 0xFFFD or (cp < 0x20 and ch.text not in "\t\n\r") or 0x7F <= cp < 0xA0:
        return True
    return 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000


def ink_coverage(data: PdfPageData, gray: np.ndarray) -> tuple[float, int]:
    """Fraction of inked cells of ``gray`` (the page rendered at ``INK_DPI``)
    that lie under (or next to) a character box, ignoring photos and rules.
    Returns (coverage, number of inked cells)."""
    k = gray.shape[1] / float(data.width)
    ink = gray < 160
    big = data.width * data.height * PAGE_IMAGE_FRACTION
    for b in list(data.rules) + [im for im in data.images if im.area < big]:
        ink[int(b.top * k):int(b.bottom * k) + 1, int(b.x0 * k):int(b.x1 * k) + 1] = False
    h, w = ink.shape
    ch, cw = (h + INK_CELL - 1) // INK_CELL, (w + INK_CELL - 1) // INK_CELL
    padded = np.zeros((ch * INK_CELL, cw * INK_CELL), bool)
    padded[:h, :w] = ink
    counts = padded.reshape(ch, INK_CELL, cw, INK_CELL).sum(axis=(1, 3))
    inked = counts >= 3
    n_inked = int(inked.sum())
    if n_inked == 0:
        return 1.0, 0
    text = np.zeros((ch, cw), bool)
    for c in data.chars:
        if c.text.isspace():
            continue
        x0, x1 = int(c.x0 * k) // INK_CELL, int(c.x1 * k) // INK_CELL
        y0, y1 = int(c.top * k) // INK_CELL, int(c.bottom * k) // INK_CELL
        text[max(0, y0 - 1):y1 + 2, max(0, x0 - 1):x1 + 2] = True
    return float((inked & text).sum()) / n_inked, n_inked


def assess(data: PdfPageData, gray: np.ndarray | None) -> Assessment:
    """Decide whether the text layer of a page can be used (see module doc).
    ``gray`` is the page rendered at ``INK_DPI`` (None: skip the ink check)."""
    visible = [c for c in data.chars if not c.text.isspace()]
    n = len(visible)
    if n == 0:
        if gray is not None and ink_coverage(data, gray)[1] == 0 and not data.images:
            return Assessment("blank", "blank page: no text layer and no ink")
        if data.image_area >= PAGE_IMAGE_FRACTION:
            return Assessment("none", "no text layer (a page image only)")
        return Assessment("none", "no text layer")
    bad = [c for c in visible if is_bad_char(c)]
    if len(bad) > MAX_BAD_FRACTION * n:
        fonts = sorted({c.font or "?" for c in bad})
        return Assessment(
            "unusable",
            f"text layer unusable: {len(bad)} of {n} glyphs have no Unicode mapping "
            f"(font {', '.join(fonts[:3])}: no ToUnicode map, or private-use codes)",
            n, len(bad),
        )
    coverage = -1.0
    if gray is not None:
        coverage, n_inked = ink_coverage(data, gray)
        if n_inked >= 20 and coverage < MIN_INK_COVERAGE:
            return Assessment(
                "unusable",
                f"text layer covers only {coverage:.0%} of the printed area (the rest is images or outlines)",
                n, len(bad), coverage,
            )
    n_invisible = sum(c.invisible for c in visible)
    if n_invisible > 0.5 * n:
        return Assessment(
            "ocr-layer",
            "invisible OCR text layer (render mode 3) of unknown quality",
            n, len(bad), coverage,
        )
    if data.image_area >= PAGE_IMAGE_FRACTION and data.text_before_image:
        return Assessment(
            "ocr-layer", "text layer hidden under a full-page image (an OCR layer) of unknown quality",
            n, len(bad), coverage,
        )
    return Assessment("ok", f"text layer: {n} characters", n, len(bad), coverage)


# ------------------------------------------------------------------ lines


class _Item:
    """A character in the writing frame: X along the line, Y across it
    (top-left origin for horizontal text; for vertical text X = page y and
    Y = -page x, so lines read right to left become rows top to bottom).
    A plain slotted class: thousands are made per page."""

    __slots__ = ("X0", "Y0", "X1", "Y1", "em", "ch", "bold", "yc", "space_before")

    def __init__(self, X0: float, Y0: float, X1: float, Y1: float, em: float, ch: PdfChar, bold: bool) -> None:  # noqa: N803
        self.X0, self.Y0, self.X1, self.Y1 = X0, Y0, X1, Y1
        self.em, self.ch, self.bold = em, ch, bold
        self.yc = (Y0 + Y1) / 2
        self.space_before = False  # a printed space glyph precedes it on its line


def _vertical_flags(chars: Sequence[PdfChar]) -> list[bool]:
    """Per character: True when it belongs to vertical (top-to-bottom) writing.

    Each pair of consecutive characters in the PDF's text order votes
    horizontal (next one to the right on the same baseline) or vertical
    (next one below in the same column).  Characters without a vote take the
    majority of the page."""
    n = len(chars)
    hv = [0] * n
    vv = [0] * n
    for i in range(n - 1):
        a, b = chars[i], chars[i + 1]
        if a.text.isspace() or b.text.isspace() or b.index - a.index > 2:
            continue
        ha, wa = a.bottom - a.top, a.x1 - a.x0
        dx, dy = b.cx - a.cx, b.cy - a.cy
        if abs(dy) < 0.3 * ha and 0 < dx < 2.5 * ha:
            hv[i] += 1
            hv[i + 1] += 1
        elif _is_cjk(a.text) and abs(dx) < 0.3 * wa and 0 < dy < 2.5 * wa:
            vv[i] += 1
            vv[i + 1] += 1
    total_v, total_h = sum(vv), sum(hv)
    default = total_v > total_h
    return [(v > h) if (v or h) else default for v, h in zip(vv, hv, strict=True)]


def _items(chars: Sequence[PdfChar], vertical: bool, bold_of: dict[str, bool],
           stroke_bold: bool = True) -> list[_Item]:
    """Characters in the writing frame; bold by font name, or by a faked
    bold outline when ``stroke_bold``."""
    out = []
    for c in chars:
        b = bold_of.get(c.font, False) or (stroke_bold and c.stroked)
        if vertical:
            out.append(_Item(c.top, -c.x1, c.bottom, -c.x0, max(c.x1 - c.x0, 0.1), c, b))
        else:
            out.append(_Item(c.x0, c.top, c.x1, c.bottom, max(c.bottom - c.top, 0.1), c, b))
    return out


@dataclass
class _Row:
    items: list[_Item]
    yc: float
    em: float

    def add(self, it: _Item) -> None:
        n = len(self.items)
        self.items.append(it)
        self.yc = (self.yc * n + it.yc) / (n + 1)


def _rows(items: list[_Item]) -> list[_Row]:
    """Group items into rows sharing a baseline and a font size."""
    rows: list[_Row] = []
    for it in sorted(items, key=lambda t: t.yc):
        target = None
        for row in reversed(rows):
            if row.yc < it.yc - 1.5 * max(row.em, it.em):
                break
            ratio = it.em / row.em
            if abs(it.yc - row.yc) <= 0.3 * min(it.em, row.em) and 0.7 <= ratio <= 1.43:
                target = row
                break
        if target is None:
            rows.append(_Row([it], it.yc, it.em))
        else:
            target.add(it)
    for row in rows:
        row.items.sort(key=lambda t: t.X0)
        row.em = _median([t.em for t in row.items])
    rows.sort(key=lambda r: r.yc)
    return rows


class _RowIndex:
    """Occupied X intervals of every row, for the gutter test."""

    def __init__(self, rows: list[_Row]) -> None:
        self.ycs = [r.yc for r in rows]
        self.ems = [r.em for r in rows]
        self.starts: list[list[float]] = []
        self.ends: list[list[float]] = []
        for r in rows:
            ivs: list[list[float]] = []
            for t in r.items:
                if t.ch.text.isspace():
                    continue
                if ivs and t.X0 <= ivs[-1][1]:
                    ivs[-1][1] = max(ivs[-1][1], t.X1)
                else:
                    ivs.append([t.X0, t.X1])
            self.starts.append([a for a, _ in ivs])
            self.ends.append([b for _, b in ivs])

    def clearest(self, rows: list[int], lo: float, hi: float, min_width: float) -> tuple[float, float]:
        """The stretch of [lo, hi], at least ``min_width`` wide where
        possible, that the fewest of ``rows`` have text in (ties: the widest)."""
        cuts = {lo, hi}
        spans: list[tuple[float, float]] = []
        for r in rows:
            st, en = self.starts[r], self.ends[r]
            k = max(0, bisect.bisect_right(st, lo) - 1)
            while k < len(st) and st[k] < hi:
                if en[k] > lo:
                    a, b = max(st[k], lo), min(en[k], hi)
                    spans.append((a, b))
                    cuts.update((a, b))
                k += 1
        xs = sorted(cuts)
        pieces = [(a, b, sum(1 for s0, s1 in spans if s0 < b and s1 > a)) for a, b in zip(xs, xs[1:])]
        # the lowest count n for which neighbouring pieces with at most n
        # rows in them run together at least min_width wide: the widest run
        for n in sorted({c for _, _, c in pieces}):
            best: tuple[float, float] | None = None
            run: list[float] | None = None
            for a, b, c in pieces:
                if c <= n:
                    run = [run[0], b] if run is not None and run[1] >= a else [a, b]
                    if run[1] - run[0] >= min_width and (best is None or run[1] - run[0] > best[1] - best[0]):
                        best = (run[0], run[1])
                else:
                    run = None
            if best is not None:
                return best
        return lo, hi

    def state(self, r: int, lo: float, hi: float, reach: float, edges: tuple[float, float] | None = None) -> int:
        """-1: row ``r`` has text in [lo, hi]; 1: none in it, and evidence
        of a column edge beside the gap; 0: no evidence either way.

        Without ``edges`` the evidence is text ending within ``reach`` left
        of the gap or starting within ``reach`` right of it (the rows of two
        neighbouring articles need not share baselines).  With ``edges`` =
        (left, right, tol) -- used for rows in the same type as the tested
        row -- the text beside the gap must end at ``left`` or start at
        ``right`` (within ``tol``): column edges line up from row to row,
        while the word spaces of justified text that happen to line up into
        a white "river" have words beside them that do not."""
        st, en = self.starts[r], self.ends[r]
        if not st:
            return 0
        j = bisect.bisect_left(st, hi)  # intervals starting before hi
        if j > 0 and en[j - 1] > lo:
            return -1
        if edges is None:
            if (j > 0 and en[j - 1] >= lo - reach) or (j < len(st) and st[j] <= hi + reach):
                return 1
            return 0
        left, right, tol = edges
        if (j > 0 and abs(en[j - 1] - left) <= tol) or (j < len(st) and abs(st[j] - right) <= tol):
            return 1
        return 0

    def frames(self, r: int, left: float, right: float, tol: float) -> bool:
        """Row ``r`` has text ending at ``left`` and text starting at
        ``right`` (within ``tol``) and none in between: it is framed by the
        two column edges of a channel."""
        st, en = self.starts[r], self.ends[r]
        j = bisect.bisect_left(st, right - tol)  # first interval starting near or after right
        return (j < len(st) and abs(st[j] - right) <= tol and j > 0 and abs(en[j - 1] - left) <= tol)


def _split_row(row: _Row, ri: int, index: _RowIndex, rules: list[tuple[float, float, float, float]]) -> list[list[_Item]]:
    """Cut a row at column gutters: gaps with a rule in them, gaps that
    continue as a white channel through the neighbouring rows (of the same
    type size) that have text on both sides, and gaps wider than 1.8 em
    unless most of those rows have text inside the gap (a justified line
    with a few very wide spaces)."""
    items: list[_Item] = []
    pending = False
    for t in row.items:
        if t.ch.text.isspace():
            pending = bool(items)
            continue
        t.space_before = pending
        pending = False
        items.append(t)
    if not items:
        return []
    segs: list[list[_Item]] = [[items[0]]]
    em = row.em
    # word spaces of the row: a justified line with very few words spreads
    # its white evenly over them, a gutter stands out from them
    spaces = sorted(g for g in (b.X0 - a.X1 for a, b in zip(items, items[1:], strict=False)) if g > 0.15 * em)
    for prev, cur in zip(items, items[1:], strict=False):
        gap = cur.X0 - prev.X1
        cut = False
        if gap > 0 and _size_change(prev, cur, gap):
            cut = True
        elif gap > 0.35 * em:
            lo, hi = prev.X1, cur.X0
            if any(rx0 < hi and rx1 > lo and ry0 <= row.yc <= ry1 for rx0, ry0, rx1, ry1 in rules):
                cut = True
            else:
                a = bisect.bisect_left(index.ycs, row.yc - 6 * em)
                b = bisect.bisect_right(index.ycs, row.yc + 6 * em)
                # rows in larger type (a headline spanning the columns above
                # them) say nothing about this gutter; rows in smaller type
                # (the body under two headlines set side by side) do, for a
                # gap wider than a headline's word space
                lo_em = 0.0 if gap >= 0.9 * em else 0.7 * em
                near = [j for j in range(a, b) if j != ri and lo_em <= index.ems[j] <= 1.43 * em]
                # the channel may sit anywhere in the gap (a gutter next to
                # the indent of a paragraph's first line, or far inside the
                # gap left between two headlines): test the stretch of the
                # gap that the fewest neighbouring rows print into
                c0, c1 = index.clearest(near, lo, hi, min(0.3 * em, gap))
                mid, half = (c0 + c1) / 2, min(0.15 * em, (c1 - c0) / 2)
                tol = max(2.0, 0.2 * em)
                free = blocked = framed = other = free_same = 0
                wide_channel = c1 - c0 >= 0.5 * em and (c0 > lo + tol or c1 < hi - tol)
                for j in near:
                    same = abs(index.ems[j] - em) <= 0.1 * em
                    st = index.state(j, mid - half, mid + half, em, (lo, hi, tol) if same else None)
                    free += st == 1
                    free_same += st == 1 and same
                    blocked += st == -1
                    other += st == -1 and not same
                    if same and wide_channel and st != -1 and index.frames(j, c0, c1, tol):
                        framed += 1
                # a wide gap is a gutter unless the lines around run through
                # it (a justified line with a few, very wide spaces)
                cut = (free >= 2 and free >= 3 * blocked) or (
                    gap > 1.8 * em and blocked == 0
                    and not (gap < 3.0 * em and not _is_cjk(prev.ch.text) and not _is_cjk(cur.ch.text)
                             and _evenly_spread(spaces, gap)))
                if not cut:
                    # Column edges in rows of the same type outweigh a row in
                    # other type across the channel (a caption or deck set
                    # over two columns), which weighs one row.  When the
                    # row's own gap is wider than the channel (a short last
                    # line beside an indented first line), the column edges
                    # are the channel's: rows with text ending at its left
                    # side and starting at its right side (a word space lines
                    # up with the channel in one row at most)
                    support = max(free_same, framed)
                    cut = support >= 2 and support >= 3 * (blocked - other) + other
                if not cut and blocked == other and c1 - c0 >= 0.5 * em:
                    # too few rows around to tell (two lines under a photo):
                    # the page's column grid, rows of the same type anywhere
                    # on the page framed by the same two column edges
                    grid = 0
                    for j in range(len(index.ycs)):
                        if j != ri and abs(index.ems[j] - em) <= 0.1 * em and index.frames(j, c0, c1, tol):
                            grid += 1
                            if grid >= 3:
                                cut = True
                                break
        if cut:
            segs.append([cur])
        else:
            segs[-1].append(cur)
    return segs


def _evenly_spread(spaces: list[float], gap: float) -> bool:
    """``gap`` is one of the row's word ``spaces`` (sorted, writing-frame
    pixels) and no wider than twice the median of the others: the white of
    a justified line of Latin text spread over few word spaces, not a
    gutter (the caller asks only for gaps between Latin letters under three
    ems: CJK text justifies by letter spacing, and no word space is wider)."""
    others = list(spaces)
    if gap in others:
        others.remove(gap)
    return bool(others) and gap <= 2.0 * _median(others)


def _size_change(a: _Item, b: _Item, gap: float) -> bool:
    """Type of another size across a gap wider than a word space: the end of
    one headline and the start of the next set side by side (they may stand
    closer than a word space of the larger type), or a byline beside the
    body of the next column.  Sizes are the PDF font sizes (the loose box
    height when the PDF gives none); ``gap`` is in writing-frame pixels."""
    sa, sb = a.ch.size or a.em, b.ch.size or b.em
    lo, hi = min(sa, sb), max(sa, sb)
    if hi <= 1.05 * lo:
        return False
    # a large step is cut at a word space of the smaller type, a small one
    # only where the gap is wider than any word space
    return gap >= (0.3 if hi > 1.2 * lo else 0.6) * lo


def _is_cjk(ch: str) -> bool:
    """:func:`is_cjk_char` with a fast answer for Latin and common ideographs."""
    cp = ord(ch[0]) if ch else 0
    if cp < 0x2E80:
        return False
    if 0x4E00 <= cp <= 0x9FFF or 0x3000 <= cp <= 0x303F or 0xFF00 <= cp <= 0xFFEF:
        return True  # ideographs, CJK punctuation, full-width forms
    return is_cjk_char(ch)


def _median(values: list[float]) -> float:
    """Median without numpy's per-call overhead (called per word)."""
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def _bbox(x0: float, top: float, x1: float, bottom: float) -> BBox:
    a, b = int(x0), int(top)
    return BBox(a, b, max(a, int(x1 + 0.999)), max(b, int(bottom + 0.999)))


def _clean(text: str) -> str:
    """Expand typographic ligatures (U+FB00..FB06); everything else as printed."""
    if "\ufb00" <= text <= "\ufb06":
        return unicodedata.normalize("NFKC", text)
    return text


def _segment_to_line(seg: list[_Item], vertical: bool, confidence: float, drop_bad: bool) -> Line | None:
    """Words (Latin runs, single CJK characters) and the line text."""
    em = _median([t.em for t in seg])
    flags = [_is_cjk(t.ch.text) for t in seg]
    # narrow punctuation in a line of CJK text sits in a full cell, also
    # where it stands next to other punctuation (”“, ”。)
    cjk_line = 2 * sum(flags) > len(seg)
    # _cell_gap for every neighbouring pair, with each item's values once
    narrow = [_narrow_punct(t, em) for t in seg]
    gaps = [
        (b.X0 - a.X1) - ((narrow[k] + narrow[k + 1]) if cjk_line or flags[k] or flags[k + 1] else 0.0)
        for k, (a, b) in enumerate(zip(seg, seg[1:], strict=False))
    ]
    if len(seg) > 2:
        # a gap clearly wider than the line's usual (justified) spacing is a
        # printed space, even where the PDF has no space glyph (one string per
        # character: pdfium drops lone spaces).  The usual spacing is never
        # below zero (the cells of narrow punctuation overlap their neighbours)
        limit = _median([g if g > 0.0 else 0.0 for g in gaps]) + 0.2 * em
        for t, g in zip(seg[1:], gaps, strict=True):
            if g > limit:
                t.space_before = True
    inferred = len(seg) > 2  # word spaces were inferred from the gaps above
    groups: list[list[_Item]] = []
    last_i = len(seg) - 1
    last_cjk = False
    for k, t in enumerate(seg):
        if t.ch.text in BREAK_HYPHENS:
            if k != last_i:
                continue  # a soft hyphen inside a line is not printed
            t.ch = replace(t.ch, text="-")  # the line-end hyphen as printed
        if drop_bad and is_bad_char(t.ch):
            continue
        cjk = flags[k]
        if groups and not cjk and not t.space_before and not last_cjk:
            last = groups[-1][-1]
            # letters of a word: no space printed or inferred between them
            # (letter-spaced justified lines have wide letter gaps)
            if inferred or t.X0 - last.X1 < 0.2 * em:
                groups[-1].append(t)
                continue
        groups.append([t])
        last_cjk = cjk
    if not groups:
        return None
    words: list[Word] = []
    spaced: list[bool] = []
    for g in groups:
        spaced.append(g[0].space_before)
        if len(g) == 1:
            t = g[0]
            X0, Y0, X1, Y1 = t.X0, t.Y0, t.X1, t.Y1
            text, fs, bold = _clean(t.ch.text), t.ch.size or t.em, t.bold
        else:
            X0, X1 = min(t.X0 for t in g), max(t.X1 for t in g)
            Y0, Y1 = min(t.Y0 for t in g), max(t.Y1 for t in g)
            text = "".join(_clean(t.ch.text) for t in g)
            fs = _median([t.ch.size or t.em for t in g])
            bold = sum(t.bold for t in g) * 2 > len(g)
        if vertical:
            box = _bbox(-Y1, X0, -Y0, X1)
        else:
            ix0, itop = int(X0), int(Y0)
            box = BBox(ix0, itop, max(ix0, int(X1 + 0.999)), max(itop, int(Y1 + 0.999)))
        words.append(Word(text, box, confidence, int(fs * 100 + 0.5) / 100, bold))
    pos = {id(t): k for k, t in enumerate(seg)}
    gaps_before = [0.0]
    for a, b in zip(groups, groups[1:], strict=False):
        k = pos[id(b[0])]
        gaps_before.append(gaps[k - 1] if k > 0 and seg[k - 1] is a[-1] else _cell_gap(a[-1], b[0], em, cjk_line))
    text = _join_frame(words, gaps_before, em, spaced, cjk_line)
    box = BBox(min(w.bbox.x0 for w in words), min(w.bbox.top for w in words),
               max(w.bbox.x1 for w in words), max(w.bbox.bottom for w in words))
    return Line(text, box, tuple(words), confidence)


def _narrow_punct(t: _Item, em: float) -> float:
    """The part of a CJK-context em cell that a narrow punctuation glyph
    (curly quotes, whose fonts often give them a Latin advance) leaves
    empty, in writing-frame pixels; 0 for anything else."""
    ch = t.ch.text
    if len(ch) != 1:
        return 0.0
    cp = ord(ch)
    if cp < 0x2000 or 0x4E00 <= cp <= 0x9FFF or not unicodedata.category(ch).startswith("P"):
        return 0.0
    return max(0.0, 0.9 * em - (t.X1 - t.X0))


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")


def _cell_gap(a: _Item, b: _Item, em: float, cjk_line: bool = False) -> float:
    """White between two consecutive items along the line, not counting the
    empty part of the em cell of narrow punctuation next to CJK text or in a
    line of CJK text (a compositor sets “ and ” in a full cell; that white
    is not a space)."""
    gap = b.X0 - a.X1
    if cjk_line or _is_cjk(a.ch.text) or _is_cjk(b.ch.text):
        gap -= _narrow_punct(a, em) + _narrow_punct(b, em)
    return gap


def _join_frame(words: Sequence[Word], gaps: Sequence[float], em: float,
                spaced: Sequence[bool] = (), cjk_line: bool = False) -> str:
    """:func:`layoutkit.textutil.join_words` with the gaps measured along the
    line in the writing frame (so it serves vertical lines too; ``gaps[i]``
    is the white before word ``i``, see :func:`_cell_gap`): no space
    between CJK words unless the printed gap exceeds half an em, one space
    between Latin words.  ``spaced[i]``: a space was printed before word
    ``i`` (kept, e.g. "记者 吴梦婷" in a byline).  In a line of CJK text
    (``cjk_line``) two punctuation marks (”“) are joined like CJK."""
    is_cjk_char = _is_cjk
    out = [words[0].text]
    for i, w in enumerate(words[1:], start=1):
        left = out[-1]
        if left and (is_cjk_char(left[-1]) or is_cjk_char(w.text[0]) or (
                cjk_line and _is_punct(left[-1]) and _is_punct(w.text[0]))):
            printed = (i < len(spaced) and spaced[i]) or gaps[i] > 0.5 * em
            out.append((" " if printed else "") + w.text)
        else:
            out.append(" " + w.text)
    return "".join(out).strip()


def build_lines(data: PdfPageData, *, drop_bad: bool = False, confidence: float = 100.0) -> tuple[list[Line], list[bool]]:
    """Lines of a text-layer page and, per line, whether it is vertical."""
    chars = [c for c in data.chars if c.text]
    if not chars:
        return [], []
    by_font = Counter()
    for c in chars:
        if not c.text.isspace():
            by_font[c.font] += 1
    body_font = by_font.most_common(1)[0][0] if by_font else ""
    body_hei = is_hei_name(body_font)
    bold_of = {f: is_bold_name(f) or (is_hei_name(f) and not body_hei) for f in by_font}
    # a faked bold (fill+stroke) marks weight only when the body is not set
    # that way too (some producers stroke all text, or leave the stroke on)
    n_visible = sum(by_font.values())
    stroke_bold = 2 * sum(1 for c in chars if c.stroked and not c.text.isspace()) <= n_visible
    vflags = _vertical_flags(chars)
    lines: list[Line] = []
    vert: list[bool] = []
    for vertical in (False, True):
        sel = [c for c, v in zip(chars, vflags, strict=True) if v == vertical]
        if not sel:
            continue
        items = _items(sel, vertical, bold_of, stroke_bold)
        rows = _rows(items)
        index = _RowIndex(rows)
        rules = []
        for r in data.rules:
            if vertical:
                rules.append((float(r.top), float(-r.x1), float(r.bottom), float(-r.x0)))
            else:
                rules.append((float(r.x0), float(r.top), float(r.x1), float(r.bottom)))
        for ri, row in enumerate(rows):
            for seg in _split_row(row, ri, index, rules):
                ln = _segment_to_line(seg, vertical, confidence, drop_bad)
                if ln is not None and ln.text:
                    lines.append(ln)
                    vert.append(vertical)
    return lines, vert


# ------------------------------------------------------------------ blocks


def segment(lines: list[Line], vertical: list[bool], data: PdfPageData, photos: list[BBox]) -> list[Block]:
    """Lines -> blocks in reading order.  The one place that calls the
    layout step, so the scanned and born-digital paths share it."""
    try:
        from .linelayout import segment_lines
    except ImportError:  # pragma: no cover - layout module missing
        segment_lines = None  # type: ignore[assignment]
    if segment_lines is None:  # pragma: no cover
        blocks = _fallback_blocks(lines, data.number)
    elif not lines:
        blocks = []
    else:
        blocks = segment_lines(lines, data.width, data.height, data.dpi, list(data.rules), photos,
                               data.number, vertical)
    vset = {id(ln) for ln, v in zip(lines, vertical, strict=True) if v}
    out = []
    for b in blocks:
        nv = sum(id(ln) in vset for ln in b.lines)
        if b.lines and nv * 2 > len(b.lines):
            # vertical writing: lines (columns) read right to left
            ordered = tuple(sorted(b.lines, key=lambda ln: (-ln.bbox.x1, ln.bbox.top)))
            b = replace(b, lines=ordered, vertical=True)
        out.append(b)
    return out


def _fallback_blocks(lines: list[Line], number: int) -> list[Block]:  # pragma: no cover
    """One body block per page in top-to-bottom, left-to-right order."""
    if not lines:
        return []
    ordered = tuple(sorted(lines, key=lambda ln: (ln.bbox.x0 // 200, ln.bbox.top)))
    return [Block(f"p{number}-b1", BlockKind.BODY, BBox.enclosing(ln.bbox for ln in ordered), ordered)]


# ------------------------------------------------------------------ pages


class _EngineHolder:
    """Creates the OCR engine on first use only (text-layer pages never need it)."""

    def __init__(self, opts: ConvertOptions, engine: OcrEngine | None) -> None:
        self.opts = opts
        self.engine = engine
        self.checked = False

    def get(self) -> OcrEngine:
        if self.engine is None:
            from .engines import get_engine

            self.engine = get_engine(self.opts.engine, self.opts.threads)
        if not self.checked:
            self.engine.version()  # fail early with an install hint
            self.checked = True
        return self.engine


def text_layer_page(data: PdfPageData, verdict: Assessment, *, drop_bad: bool, note: str = "") -> Page:
    """Build a :class:`Page` from the text layer."""
    confidence = -1.0 if verdict.verdict == "ocr-layer" else 100.0
    lines, vertical = build_lines(data, drop_bad=drop_bad, confidence=confidence)
    big = data.width * data.height * PAGE_IMAGE_FRACTION
    min_photo = (data.dpi // 2) ** 2  # half an inch square
    photos = [im for im in data.images if im.area < big and im.area >= min_photo]
    blocks = segment(lines, vertical, data, photos)
    msg = verdict.reason
    if any(vertical):
        msg += f"; vertical writing in {sum(vertical)} of {len(lines)} lines"
    if note:
        msg += f"; {note}"
    status = PageStatus.OK if any(b.lines for b in blocks) else PageStatus.EMPTY
    return Page(data.number, data.width, data.height, data.dpi, tuple(blocks), status,
                path="text-layer", engine=ENGINE_NAME, message=msg)


def _render(page: object, dpi: int) -> np.ndarray:
    import pypdfium2 as pdfium

    try:
        bitmap = page.render(scale=dpi / 72.0, grayscale=True)  # type: ignore[attr-defined]
        arr = bitmap.to_numpy()
    except pdfium.PdfiumError as exc:
        raise BadInput(f"page cannot be rendered ({exc}); the PDF may be corrupt") from None
    if arr.ndim == 3:
        arr = arr[..., 0]
    return np.ascontiguousarray(arr, dtype=np.uint8)


def _ocr_page(page: object, data: PdfPageData, opts: ConvertOptions, holder: _EngineHolder, why: str,
              path: Path) -> Page:
    from .pipeline import process_page_image
    from .sources import PageImage

    engine = holder.get()
    try:
        arr = _render(page, opts.dpi)
    except BadInput as exc:
        raise BadInput(f"{path}: page {data.number}: {exc}") from None
    result = process_page_image(PageImage(data.number, arr, opts.dpi, True), opts, engine)
    msg = f"OCR: {why}"
    if result.message:
        msg += f"; {result.message}"
    return replace(result, message=msg)


def pdf_pages(path: str | Path, opts: ConvertOptions | None = None, engine: OcrEngine | None = None) -> Iterator[Page]:
    """Yield one :class:`Page` per page of the PDF at ``path``, in order,
    each read from its text layer or OCRed (see the module doc).

    Raises :class:`BadInput` (one line naming the file) for encrypted,
    corrupt, empty or oversized PDFs; the OCR engine is created only when a
    page needs it."""
    import pypdfium2 as pdfium

    opts = opts or ConvertOptions()
    p = Path(path)
    mode = opts.ocr if opts.ocr in OCR_MODES else "auto"
    holder = _EngineHolder(opts, engine)
    doc = open_document(p)
    try:
        try:
            n = len(doc)  # type: ignore[arg-type]
        except pdfium.PdfiumError as exc:  # pragma: no cover - defensive
            raise BadInput(f"{p}: the page tree cannot be read ({exc}); the PDF may be corrupt") from None
        if n == 0:
            raise BadInput(f"{p}: the PDF has no pages; re-export it")
        for i in range(n):
            yield _one_page(doc, i, p, opts, mode, holder)
    finally:
        doc.close()  # type: ignore[attr-defined]


def decide(data: PdfPageData, gray: np.ndarray | None, mode: str) -> tuple[str, Assessment]:
    """The per-page decision: (``text`` | ``ocr`` | ``empty``, assessment)."""
    verdict = assess(data, gray)
    if mode == "always":
        return "ocr", replace(verdict, reason=f"--ocr always (found: {verdict.reason})")
    if verdict.verdict in ("none", "blank"):
        if mode == "never":
            return "empty", replace(verdict, reason=f"{verdict.reason}; not OCRed (--ocr never)")
        return ("empty" if verdict.verdict == "blank" else "ocr"), verdict
    if verdict.verdict == "unusable" and mode == "auto":
        return "ocr", verdict
    return "text", verdict


def _load(doc: object, i: int, p: Path, opts: ConvertOptions) -> tuple[object, PdfPageData]:
    import pypdfium2 as pdfium

    number = i + 1
    try:
        page = doc[i]  # type: ignore[index]
    except pdfium.PdfiumError as exc:
        raise BadInput(f"{p}: page {number} cannot be read ({exc}); the PDF may be truncated or corrupt") from None
    try:
        w_pt, h_pt = page_size_points(page)
        w_px, h_px = int(w_pt * opts.dpi / 72), int(h_pt * opts.dpi / 72)
        if max(w_pt, h_pt) > MAX_PAGE_POINTS or w_px * h_px > opts.max_pixels:
            raise BadInput(
                f"{p}: page {number} is {w_pt:.0f}x{h_pt:.0f} pt ({w_px}x{h_px} pixels at {opts.dpi} dpi), "
                f"too large for a page; lower --dpi or split the page"
            )
        if w_pt < 1 or h_pt < 1:
            raise BadInput(f"{p}: page {number} has an empty media box; the PDF is corrupt")
        return page, extract_page(page, number, opts.dpi, p)
    except BaseException:
        page.close()  # type: ignore[attr-defined]
        raise


def _ink(page: object, mode: str) -> np.ndarray | None:
    if mode != "auto":
        return None
    try:
        return _render(page, INK_DPI)
    except BadInput:
        return None


def open_document(path: Path) -> object:
    """Open a PDF with pdfium (empty user password allowed); when pdfium
    refuses it, say why in one line: encrypted, no pages, or corrupt."""
    from .sources import open_pdf

    try:
        return open_pdf(path)
    except BadInput:
        if _count_pages_pdfminer(path) == 0:
            raise BadInput(f"{path}: the PDF has no pages; re-export it") from None
        raise


def _count_pages_pdfminer(path: Path) -> int:
    """Pages in the page tree as pdfminer sees it (-1 when it cannot read it)."""
    try:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfpage import PDFPage
        from pdfminer.pdfparser import PDFParser

        with path.open("rb") as fh:
            doc = PDFDocument(PDFParser(fh))
            return sum(1 for _ in PDFPage.create_pages(doc))
    except Exception:  # noqa: BLE001 - diagnosis only; the pdfium error stands
        return -1


def plan_pages(path: str | Path, opts: ConvertOptions | None = None) -> list[tuple[int, str, str]]:
    """The decision for every page without running OCR:
    ``[(page number, "text-layer" | "ocr" | "empty", reason), ...]``."""
    opts = opts or ConvertOptions()
    p = Path(path)
    mode = opts.ocr if opts.ocr in OCR_MODES else "auto"
    doc = open_document(p)
    out = []
    try:
        n = len(doc)  # type: ignore[arg-type]
        if n == 0:
            raise BadInput(f"{p}: the PDF has no pages; re-export it")
        for i in range(n):
            page, data = _load(doc, i, p, opts)
            try:
                action, verdict = decide(data, _ink(page, mode), mode)
            finally:
                page.close()  # type: ignore[attr-defined]
            out.append((i + 1, "text-layer" if action == "text" else action, verdict.reason))
    finally:
        doc.close()  # type: ignore[attr-defined]
    return out


def _one_page(doc: object, i: int, p: Path, opts: ConvertOptions, mode: str, holder: _EngineHolder) -> Page:
    number = i + 1
    t0 = time.perf_counter()
    page, data = _load(doc, i, p, opts)
    try:
        action, verdict = decide(data, _ink(page, mode), mode)
        t1 = time.perf_counter()
        if action == "ocr":
            return _ocr_page(page, data, opts, holder, verdict.reason, p)
        if action == "empty":
            return Page(number, data.width, data.height, opts.dpi, (), PageStatus.EMPTY,
                        path="text-layer", engine=ENGINE_NAME, message=verdict.reason)
        note = ""
        if verdict.verdict == "unusable":
            note = "used anyway, unmappable glyphs dropped (--ocr never)"
        elif verdict.verdict == "ocr-layer":
            note = "kept (use --ocr always to re-OCR)"
        pg = text_layer_page(data, verdict, drop_bad=True, note=note)
        t2 = time.perf_counter()
        return replace(pg, timings=(("textlayer-read", t1 - t0), ("textlayer-layout", t2 - t1)))
    finally:
        page.close()  # type: ignore[attr-defined]
