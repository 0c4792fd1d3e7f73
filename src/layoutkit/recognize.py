"""Recognition: each text region of the layout is cropped from the
preprocessed page and given to the OCR engine; the lines come back in page
coordinates inside :class:`~layoutkit.model.Block` objects, in reading order.
Photos and rules are kept as blocks without text."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

import cv2
import numpy as np

from .breaks import is_byline, is_caption_start, is_dateline
from .engines import OcrEngine
from .layout import PageLayout, Region, _runs
from .model import BBox, Block, BlockKind, Line
from .options import ConvertOptions
from .preprocess import Prepared
from .textutil import FULL_HALF, HALF_FULL, is_cjk_char, is_cjk_text, join_words_at_gaps

log = logging.getLogger("layoutkit.recognize")


def _crop(gray: np.ndarray, box: BBox, pad: int) -> tuple[np.ndarray, int, int]:
    h, w = gray.shape
    x0, y0 = max(0, box.x0 - pad), max(0, box.top - pad)
    x1, y1 = min(w, box.x1 + pad), min(h, box.bottom + pad)
    return gray[y0:y1, x0:x1], x0, y0


def _whiten_paper(crop: np.ndarray, binary: np.ndarray, x0: int, y0: int) -> np.ndarray:
    """``crop`` (of the grey page at ``x0``, ``y0``) with light paper more
    than 2 px from any ink of ``binary`` made white, glyph edges kept: the
    flattened paper keeps a faint texture (patches of 246-249 beside 255)
    that throws Tesseract's LSTM off on short lines."""
    near = cv2.dilate(binary[y0:y0 + crop.shape[0], x0:x0 + crop.shape[1]], np.ones((5, 5), np.uint8))
    return np.where((near == 0) & (crop >= 200), 255, crop).astype(np.uint8)


def recognize_region(prep: Prepared, region: Region, engine: OcrEngine, opts: ConvertOptions) -> list[Line]:
    """OCR one region; lines in page coordinates, top to bottom."""
    pad = max(4, int(prep.em * 0.4))
    crop, dx, dy = _crop(prep.gray, region.bbox, pad)
    if crop.size == 0:
        return []
    if region.line_boxes and not region.vertical:
        # one call per printed line: the lines found by projection are
        # trusted, and an engine never drops or merges a line this way
        lines = []
        reader = _LineReader(engine, opts)
        for lb in region.line_boxes:
            lpad = max(2, int(lb.height * 0.25))
            lcrop, lx, ly = _crop(prep.gray, lb, lpad)
            got = reader.read(lcrop)
            if _score(got) < 60:
                # a line read with low confidence is read again with the
                # paper around its glyphs made white (the flattened paper's
                # faint texture throws the LSTM off); the more confident
                # reading is kept
                alt = reader.read(_whiten_paper(lcrop, prep.binary, lx, ly))
                if _score(alt) > _score(got):
                    got = alt
            for ln in got:
                lines.append(ln.shift(lx - dx, ly - dy))
    else:
        lines = engine.recognize(crop, opts.languages, opts.timeout, vertical=region.vertical)
    out = []
    for ln in lines:
        if not ln.text.strip():
            continue
        ln = ln.shift(dx, dy)
        if not region.vertical and is_cjk_text(ln.text):
            gaps, em = printed_gaps(prep.binary, ln.bbox, prep.gray)
            marks = unread_mark_white(prep.binary, ln.bbox, gaps, em)
            ln = replace(ln, text=join_words_at_gaps(ln.words, gaps, em, marks))
        else:
            cleaned = drop_stray_marks(ln.text)
            if not cleaned:
                continue
            if cleaned != ln.text:
                ln = replace(ln, text=cleaned)
        out.append(ln)
    return out


def drop_junk_lines(lines: list[Line]) -> list[Line]:
    """In a Chinese block, a short line read as Latin with very low
    confidence (under 35) is noise read as letters ("fm Eee", "obs": a speck
    row, the shadow of a fold), not text: it is left out.  Latin words in
    Chinese text are read with far higher confidence; Latin blocks are not
    touched."""
    if len(lines) < 3 or not is_cjk_text("".join(ln.text for ln in lines), 0.5):
        return lines
    return [ln for ln in lines
            if is_cjk_text(ln.text, 0.01) or ln.confidence >= 35 or ln.confidence < 0
            or sum(ch.isalnum() for ch in ln.text) > 6]


_STRAY_TOKEN = re.compile(r"(?:(?<=\s)|^)[_=|~]+(?=\s|$)")
_STRAY_EDGE = re.compile(r"(?<=\w)_+(?=\s|$)|(?:(?<=\s)|^)_+(?=\w)")


def drop_stray_marks(text: str) -> str:
    """Marks that newspaper prose does not print but Tesseract reads from
    specks and from the tops of the next line's letters: an underscore at
    either end of a word ("a_", "_residents"), and tokens made only of
    ``_ = | ~``.  Underscores inside a word (e-mail addresses, URLs) and
    every other character stay."""
    out = _STRAY_TOKEN.sub("", _STRAY_EDGE.sub("", text))
    return out if out == text else " ".join(out.split())


_CJK_LANGS = ("chi_sim", "chi_tra", "jpn", "kor")
_LATIN_RUN = re.compile(r"[A-Za-z]{2,}")


def _score(lines: list[Line]) -> float:
    confs = [w.confidence for ln in lines for w in ln.words if w.confidence >= 0]
    return sum(confs) / len(confs) if confs else -1.0


class _LineReader:
    """Reads the lines of one block, choosing the models per line.

    With a CJK and a Latin model together (the default ``chi_sim+eng``),
    Tesseract reads Chinese worse than with the CJK model alone: it turns
    rare characters into Latin gibberish and inserts stray glyphs.  So a
    line is read with the CJK models first (they read digits and the odd
    Latin word too); when the result is not mostly CJK or is read with low
    confidence, the line is read again with all the models and the more
    confident reading is kept (a Latin reading of a line the CJK models read
    as Chinese by a clear margin only).  Once most lines of a block (two at least)
    turn out to be Latin text, the next lines go to all the models first,
    and to the CJK models too when that reading is not confident.  (One
    line read as Latin gibberish never turns a Chinese block Latin.)
    """

    def __init__(self, engine: OcrEngine, opts: ConvertOptions) -> None:
        self.engine = engine
        self.opts = opts
        langs = opts.languages.split("+")
        cjk = [lang for lang in langs if lang.split("_vert")[0] in _CJK_LANGS]
        self.cjk = "+".join(cjk) if cjk and len(cjk) < len(langs) else ""
        self.latin_lines = 0
        self.cjk_lines = 0

    def _count(self, lines: list[Line]) -> list[Line]:
        if is_cjk_text("".join(ln.text for ln in lines), 0.3):
            self.cjk_lines += 1
        else:
            self.latin_lines += 1
        return lines

    def read(self, image: np.ndarray) -> list[Line]:
        full = self.opts.languages
        timeout = self.opts.timeout
        if not self.cjk:
            return self.engine.recognize(image, full, timeout, single_line=True)
        if self.latin_lines >= 2 and self.latin_lines > self.cjk_lines:
            first = self.engine.recognize(image, full, timeout, single_line=True)
            if _score(first) >= 70 and not is_cjk_text("".join(ln.text for ln in first), 0.3):
                return self._count(first)
            other = self.engine.recognize(image, self.cjk, timeout, single_line=True)
            return self._count(other if _score(other) > _score(first) else first)
        got = self.engine.recognize(image, self.cjk, timeout, single_line=True)
        text = "".join(ln.text for ln in got)
        if is_cjk_text(text, 0.5) and _score(got) >= 70 and not _LATIN_RUN.search(text):
            return self._count(got)
        again = self.engine.recognize(image, full, timeout, single_line=True)
        # a line the CJK models read as Chinese, which all the models read
        # partly Latin and partly the same Chinese: the Latin part must be
        # clearly more confident (a bold lead such as 本报讯（记者 comes out
        # as "AGRA Cid A" beside the Chinese that follows, at a slightly
        # higher mean confidence).  A line read wholly Latin is another
        # matter: often specks or a rule's remains, not text
        margin = 0.0
        text2 = "".join(ln.text for ln in again)
        if (is_cjk_text(text, 0.5) and not _LATIN_RUN.search(text) and _LATIN_RUN.search(text2)
                and sum(is_cjk_char(c) for c in text2) >= 2):
            margin = 15.0
        if is_cjk_text(text, 0.5) and _letters_too_wide(again):
            # Latin letters as wide as CJK glyphs are CJK glyphs read as
            # letters (a bold lead 本报讯（记者 read "AK Gd")
            return self._count(got)
        return self._count(again if _score(again) > _score(got) + margin else got)


def _letters_too_wide(lines: list[Line]) -> bool:
    """Whether the Latin words of a reading are set wider than Latin type
    can be: on average more than 0.9 of the line's height per letter (a
    Latin letter, capitals and W included, is at most about an em wide and
    the line's box is taller than the letters' em by the ascenders and
    descenders; a CJK glyph is an em wide)."""
    width = letters = 0
    height = 0
    for ln in lines:
        for w in ln.words:
            n = sum(ch.isascii() and ch.isalpha() for ch in w.text)
            if n and n == len(w.text):
                width += w.bbox.width
                letters += n
                height = max(height, ln.bbox.height)
    return letters >= 2 and height > 0 and width / letters > 0.9 * height


def printed_gaps(binary: np.ndarray, box: BBox, gray: np.ndarray | None = None) -> tuple[list[tuple[int, int]], float]:
    """White runs of a quarter em or more inside a horizontal line, in page x,
    and the em (ink height).  Measured on print: CJK glyphs sit up to ~0.2
    em apart and proportional digits up to ~0.33 em; a printed space leaves
    ~0.55 em; a full-width comma leaves ~0.85 em of white after its glyph.
    With ``gray`` (the page the binary was made from), a column holding two
    pixels or more darker than 30% of the way from paper to ink is not white
    either: thin strokes (the two of 二 on a coarse scan) that binarisation
    lost must not open a gap."""
    sub = binary[box.top:box.bottom, box.x0:box.x1]
    if sub.size == 0:
        return [], 0.0
    ink_mask = sub > 0
    cols = ink_mask.any(axis=0)
    if gray is not None:
        g = gray[box.top:box.bottom, box.x0:box.x1]
        if g.shape == sub.shape and g.size:
            paper, inked = np.percentile(g, 90), np.percentile(g, 2)
            if paper - inked > 40:
                cols = cols | ((g < paper - 0.3 * (paper - inked)).sum(axis=0) >= 2)
    ink = np.flatnonzero(cols)
    if ink.size == 0:
        return [], 0.0
    # the em is the height of the ink (engines' line boxes run taller)
    em = max(4, int(ink_mask.any(axis=1).sum()))
    runs: list[tuple[int, int]] = []
    start = None
    for x in range(int(ink[0]), int(ink[-1]) + 1):
        if not cols[x]:
            if start is None:
                start = x
        elif start is not None:
            runs.append((start, x))
            start = None
    # a justified CJK line spreads its glyphs evenly: white the whole line
    # shares is letter spacing, not spaces; only what a gap has beyond it
    # is measured
    spacing = 0.0
    if len(runs) >= 4:
        spacing = max(0.0, float(np.median([b - a for a, b in runs])) - 0.12 * em)
    # (from a quarter em: bylines and credits print narrow spaces; the
    # words either side decide -- see join_words_at_gaps)
    gaps = [(box.x0 + a + int(spacing / 2), box.x0 + b - int(spacing / 2))
            for a, b in runs if b - a - spacing >= 0.25 * em]
    return gaps, float(em)


def _ink_runs(binary: np.ndarray, box: BBox) -> list[tuple[int, int]]:
    """Runs of columns with ink inside a line, page x, end exclusive."""
    cols = (binary[box.top:box.bottom, box.x0:box.x1] > 0).any(axis=0)
    return [(box.x0 + a, box.x0 + b) for a, b in _runs(cols)]


def unread_mark_white(binary: np.ndarray, box: BBox, gaps: list[tuple[int, int]],
                      em: float) -> list[tuple[int, int]]:
    """The gaps of :func:`printed_gaps` that are the white of a full-width
    bracket or quote, not a space.

    A full-width （ “ 《 sets its thin glyph in the right of its em cell, ） ”
    》 in the left: beside the white is a sliver of ink (at most 0.4 em wide)
    set close (within 0.35 em) to the next glyph -- and too far from that
    glyph's far side (over 1.15 em) to be part of it, as the left radical
    of 们 or 河 would be.  A gap of 0.45 to 1 em with such a sliver on the
    proper side is a mark's white, whatever the engine read: when the
    engine dropped the mark, its white must not become a space.  So is the
    white after a short sliver inked low in the line only (a
    full-width comma, stop or 、 set against the glyph before it).  Wider
    white (over an em) holds a printed space as well and is left alone."""
    if em <= 0 or not gaps:
        return []
    runs = _ink_runs(binary, box)
    if len(runs) < 3:
        return []
    join = 0.1 * em  # white inside one glyph or mark
    thin, close, cell = 0.4 * em, 0.35 * em, 1.15 * em

    def glyph(k: int, step: int) -> tuple[int, int, int]:
        """Runs k, k+step, ... set closer than ``join``: (x0, x1, next k)."""
        a, b = runs[k]
        k += step
        while 0 <= k < len(runs):
            c, d = runs[k]
            if (c - b if step > 0 else a - d) >= join:
                break
            a, b = min(a, c), max(b, d)
            k += step
        return a, b, k

    def bracket(k: int | None, step: int) -> bool:
        """A bracket's or quote's sliver at run ``k`` (the side ``step``
        away from the gap), set close to the glyph beyond it."""
        if k is None:
            return False
        a, b, nxt = glyph(k, step)
        if b - a > thin or not 0 <= nxt < len(runs):
            return False
        c, d, _ = glyph(nxt, step)
        white = c - b if step > 0 else a - d
        span = d - a if step > 0 else b - c
        return white <= close and span > cell

    def low_mark(k: int | None) -> bool:
        """A closing stop, comma or 、 at run ``k`` the engine did not read:
        a short thin sliver inked low in the line only."""
        if k is None or runs[k][1] - runs[k][0] > thin:
            return False
        rows = np.flatnonzero((binary[box.top:box.bottom, runs[k][0]:runs[k][1]] > 0).any(axis=1))
        return bool(rows.size) and rows[0] >= 0.55 * box.height and rows[-1] - rows[0] + 1 <= 0.4 * box.height

    out = []
    for g0, g1 in gaps:
        if not 0.45 * em <= g1 - g0 <= 1.0 * em:
            continue
        after = next((k for k, (a, _) in enumerate(runs) if a >= g1), None)
        before = next((k for k in range(len(runs) - 1, -1, -1) if runs[k][1] <= g0), None)
        if low_mark(before) or bracket(after, 1) or bracket(before, -1):
            out.append((g0, g1))
    return out


_CJK_MARK = re.compile(r"(?<=[\u3400-\u9fff])([,;:!?，；：！？])(?=[\u3400-\u9fff]|$)")


_BRACKET_PAIR = re.compile(r"([(（〈])([^()（）〈〉\n]{1,40}?)([)）〉])")


def pair_brackets(text: str) -> str:
    """The two halves of a bracket pair in CJK text match: a round bracket
    read half-width on one side and full-width on the other is full-width
    on both (CJK text sets its brackets full-width), and an angle bracket
    closed by a round one was a round one (``〈`` is the usual misreading of
    ``（``).  Pairs of one kind and width are left as they are."""

    def fix(m: re.Match[str]) -> str:
        a, body, b = m.group(1), m.group(2), m.group(3)
        if (a == "〈") == (b == "〉") and (a == "(") == (b == ")"):
            return m.group(0)  # （…）, (…) and 〈…〉 as printed
        return "（" + body + "）"

    return _BRACKET_PAIR.sub(fix, text)


def consistent_mark_width(blocks: list[Block]) -> list[Block]:
    """One width for the commas and stops of a page's CJK text.

    Whether a mark was printed full-width is read per mark from the white
    beside it; blur, a heavy scan or a justified line can fill or widen
    that white for a few marks.  A page is set in one style, so when at
    least three quarters of its marks after a CJK character (before another
    or at a line end) are full-width, the rest are too, and the other way
    round.  Bracket pairs are matched up (:func:`pair_brackets`)."""
    counts = {"full": 0, "half": 0}
    for b in blocks:
        for ln in b.lines:
            if is_cjk_text(ln.text):
                for m in _CJK_MARK.finditer(ln.text):
                    counts["full" if m.group(1) in HALF_FULL.values() else "half"] += 1
    total = counts["full"] + counts["half"]
    follow = total >= 4 and max(counts.values()) >= 0.75 * total
    table = HALF_FULL if counts["full"] > counts["half"] else FULL_HALF

    def fix(text: str) -> str:
        if follow:
            text = _CJK_MARK.sub(lambda m: table.get(m.group(1), m.group(1)), text)
        return text

    out = []
    for b in blocks:
        texts = [fix(ln.text) if is_cjk_text(ln.text) else ln.text for ln in b.lines]
        if is_cjk_text("".join(texts)):
            # a bracket pair often spans two lines of a narrow column
            paired = pair_brackets("\x00".join(texts)).split("\x00")
            if len(paired) == len(texts):
                texts = paired
        lines = tuple(replace(ln, text=t) if t != ln.text else ln for ln, t in zip(b.lines, texts))
        out.append(replace(b, lines=lines) if lines != b.lines else b)
    return out


def recognize_page(prep: Prepared, layout: PageLayout, engine: OcrEngine, opts: ConvertOptions,
                   page_number: int = 1) -> list[Block]:
    blocks: list[Block] = []
    for region in layout.regions:
        bid = f"p{page_number}-b{len(blocks) + 1}"
        if region.kind in (BlockKind.PHOTO, BlockKind.RULE):
            blocks.append(Block(bid, region.kind, region.bbox, (), region.column, region.span))
            continue
        lines = drop_junk_lines(recognize_region(prep, region, engine, opts))
        if not lines:
            continue
        text = "".join(ln.text for ln in lines)
        lang = "zh" if is_cjk_text(text) else "en"
        bbox = BBox.enclosing([region.bbox] + [ln.bbox for ln in lines])
        kind = region.kind
        if kind in (BlockKind.HEADLINE, BlockKind.SUBHEAD) and len(lines) <= 2 and is_byline(" ".join(ln.text for ln in lines)):
            # a byline set bold looks like a one-column headline; its text tells
            kind = BlockKind.BYLINE
        elif kind in (BlockKind.HEADLINE, BlockKind.SUBHEAD) and len(lines) >= 2 and is_byline(lines[0].text):
            # a bold byline with the first line of the body under it, found
            # as one block: the byline, then the body
            blocks.append(Block(bid, BlockKind.BYLINE, BBox.enclosing([ln.bbox for ln in lines[:1]]), tuple(lines[:1]),
                                region.column, region.span, lang, region.vertical))
            bid = f"p{page_number}-b{len(blocks) + 1}"
            kind, lines = BlockKind.BODY, lines[1:]
            bbox = BBox.enclosing([ln.bbox for ln in lines])
        elif kind == BlockKind.CAPTION and is_dateline(text) and not is_caption_start(text):
            # text set close under a picture that opens with a dateline
            # (本报讯, "(AP) —") is the start of an article's body
            kind = BlockKind.BODY
        blocks.append(Block(bid, kind, bbox, tuple(lines), region.column, region.span, lang, region.vertical))
    return consistent_mark_width(blocks)
